package io.tokentally.reconcile;

import java.math.BigDecimal;
import java.time.LocalDate;

/**
 * One stored line of a provider cost export, as reconciliation reads it.
 *
 * @param model canonical model, or null when the line names none
 * @param amount the amount in the export's currency (dollars where it is USD)
 * @param lineNo the line of the export the bucket was read from
 * @param bucketKey the bucket's identifier (its day and grouping keys)
 * @param currency the export's currency, upper case
 * @param customerId the known customer its project or API key names ({@link
 *     io.tokentally.ingest.provider.CustomerAttribution#customerOfCostLine}), or null
 */
record ChargedCost(
        LocalDate day,
        String provider,
        String model,
        String tokenType,
        String costType,
        String lineItem,
        BigDecimal amount,
        String file,
        long lineNo,
        String bucketKey,
        String currency,
        String customerId) {

    /** The line as {@code customer}'s, or as no customer's for null. */
    ChargedCost withCustomer(String customer) {
        return new ChargedCost(
                day, provider, model, tokenType, costType, lineItem, amount, file, lineNo, bucketKey, currency,
                customer);
    }

    /** The line with another amount: its share of a charge moved to another bucket. */
    ChargedCost withAmount(BigDecimal share) {
        return new ChargedCost(
                day,
                provider,
                model,
                tokenType,
                costType,
                lineItem,
                share,
                file,
                lineNo,
                bucketKey,
                currency,
                customerId);
    }

    /** Whether the line's amount is in USD, the only currency charges are compared and shared in. */
    boolean isUsd() {
        return "USD".equals(currency);
    }

    /**
     * Whether the line is a charge for tokens: it names a token type or the {@code tokens} cost type, or it
     * is an ungrouped total (no model, line item or cost type). Web search, images and other line items
     * are not.
     */
    boolean forTokens() {
        return tokenType != null
                || "tokens".equals(costType)
                || (model == null && lineItem == null && costType == null);
    }
}
