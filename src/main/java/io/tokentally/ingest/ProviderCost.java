package io.tokentally.ingest;

import java.math.BigDecimal;
import java.time.LocalDate;

/**
 * One line of a provider's cost export, with the provider's own amount, unit and currency.
 *
 * @param model the model as the provider wrote it, or null when the line names none
 * @param canonicalModel the model as the price catalog names it ({@code provider/model}), or null before
 *     it is resolved or when the line names no model
 * @param tokenType the canonical token type code the line is for, or null
 * @param amount the amount in {@code amountUnit}
 * @param amountMajor the amount in the currency's major unit (dollars for USD)
 */
public record ProviderCost(
        long fileId,
        long lineNo,
        String bucketKey,
        LocalDate day,
        String provider,
        String model,
        String canonicalModel,
        String tokenType,
        String serviceTier,
        String contextTier,
        String costType,
        String lineItem,
        String projectId,
        String apiKeyId,
        BigDecimal amount,
        String amountUnit,
        String currency,
        BigDecimal amountMajor,
        BigDecimal quantity,
        String quantityUnit) {

    /** The same line with the model as the catalog names it. */
    public ProviderCost withCanonicalModel(String canonical) {
        return new ProviderCost(
                fileId,
                lineNo,
                bucketKey,
                day,
                provider,
                model,
                canonical,
                tokenType,
                serviceTier,
                contextTier,
                costType,
                lineItem,
                projectId,
                apiKeyId,
                amount,
                amountUnit,
                currency,
                amountMajor,
                quantity,
                quantityUnit);
    }
}
