package io.tokentally.reconcile;

import io.tokentally.shared.Amounts;
import java.math.BigDecimal;

/**
 * How the provider's own usage of a reconciliation key in a service tier is repriced as the billable usage prices it
 * (ADR 0010): a daily bucket of an export is priced at its start, and OpenAI's usage gives no context tier, where the
 * gateway's requests tell each one's hour and context tier. Equal tokens take the gateway's price exactly. Where the
 * provider reports more, the gateway's tokens take the gateway's price and the rest the export's own price per token;
 * where it reports fewer, its tokens move from their own price towards the gateway's price per token in the measure
 * that they cover the gateway's tokens (a provider that saw a fiftieth of them may have seen another mix, long context
 * ones say, so it keeps nearly its own price). A token more or less moves the price by about a token's worth.
 *
 * <p>Only what the provider bills itself is repriced. The rows another party bills (Claude on Vertex AI in Google's
 * billing export, priced by its hour and context tier already) are taken out of the gateway's usage, which does not
 * tell which requests they were: their tokens, and their list price kept within the gateway's own lowest and highest
 * price per token, so that a row priced in a tier the gateway did not see moves none of its difference onto the
 * provider's own usage. Tokens without a price lend none to the gateway's side (held usage), and the export's tokens
 * without a price at their bucket's start take the gateway's price per priced token.
 */
final class TierRepricing {

    private final Part own = new Part();
    private final Part elsewhere = new Part();
    private final Part billable = new Part();

    /** Adds provider-side usage: {@code perMillion} its list price, null when it has none. */
    void addProvider(long tokens, BigDecimal perMillion, boolean billedElsewhere) {
        (billedElsewhere ? elsewhere : own).add(tokens, perMillion);
    }

    /** Adds billable usage: {@code perMillion} its list price, null when it has none. */
    void addBillable(long tokens, BigDecimal perMillion) {
        billable.add(tokens, perMillion);
    }

    /** How much the list price of the provider's own usage changes by; zero when there is nothing to price it by. */
    BigDecimal difference() {
        long comparable = billable.pricedTokens - elsewhere.pricedTokens;
        if (own.tokens == 0 || comparable <= 0) {
            return BigDecimal.ZERO;
        }
        BigDecimal comparableUsd = billable.usd
                .subtract(elsewhere.usd)
                .max(Amounts.cost(comparable, billable.lowest))
                .min(Amounts.cost(comparable, billable.highest));
        BigDecimal ownUsd = own.usd;
        if (own.pricedTokens < own.tokens) {
            BigDecimal unpriced = BigDecimal.valueOf(own.tokens - own.pricedTokens);
            ownUsd = ownUsd.add(Amounts.share(comparableUsd, unpriced, BigDecimal.valueOf(comparable)));
        }
        return asBillable(own.tokens, ownUsd, comparable, comparableUsd).subtract(own.usd);
    }

    /** {@code tokens} of list price {@code usd} priced as {@code billable} tokens of {@code billableUsd} are. */
    private static BigDecimal asBillable(long tokens, BigDecimal usd, long billable, BigDecimal billableUsd) {
        if (tokens == billable) {
            return billableUsd;
        }
        if (tokens < billable) {
            BigDecimal covered = BigDecimal.valueOf(tokens);
            BigDecimal all = BigDecimal.valueOf(billable);
            BigDecimal atBillable = Amounts.share(billableUsd, covered, all);
            return usd.add(Amounts.share(atBillable.subtract(usd), covered, all));
        }
        BigDecimal more = BigDecimal.valueOf(tokens - billable);
        return billableUsd.add(Amounts.share(usd, more, BigDecimal.valueOf(tokens)));
    }

    /** Tokens, the list price of those that have one, and the lowest and highest such price per million. */
    private static final class Part {
        private long tokens;
        private long pricedTokens;
        private BigDecimal usd = BigDecimal.ZERO;
        private BigDecimal lowest;
        private BigDecimal highest;

        void add(long moreTokens, BigDecimal perMillion) {
            tokens += moreTokens;
            if (perMillion != null) {
                pricedTokens += moreTokens;
                usd = usd.add(Amounts.cost(moreTokens, perMillion));
                lowest = lowest == null ? perMillion : lowest.min(perMillion);
                highest = highest == null ? perMillion : highest.max(perMillion);
            }
        }
    }
}
