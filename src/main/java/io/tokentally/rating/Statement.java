package io.tokentally.rating;

import io.tokentally.shared.BillingPeriod;
import io.tokentally.shared.ContextTier;
import io.tokentally.shared.ServiceTier;
import io.tokentally.shared.TokenType;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

/**
 * A customer's invoice preview for one billing period. Amounts are exact; {@code totalDueUsd}, the fixed
 * fees plus the overage, is rounded once to cents.
 */
public record Statement(
        String customerId,
        BillingPeriod period,
        String currency,
        List<Segment> segments,
        List<Line> lines,
        List<Included> included,
        List<Credit> credits,
        BigDecimal usageUsd,
        BigDecimal includedAppliedUsd,
        BigDecimal creditsAppliedUsd,
        BigDecimal overageUsd,
        BigDecimal fixedFeesUsd,
        BigDecimal totalDueUsd) {

    /** A plan in force during part (or all) of the period, with its fee prorated to that part. */
    public record Segment(String planId, Instant from, Instant to, BigDecimal fixedFeeUsd) {}

    /** Usage of one model, token type and tiers at one billed price (USD per million tokens: the list price with the
     * markup, or a custom rate). */
    public record Line(
            String model,
            TokenType tokenType,
            ServiceTier serviceTier,
            ContextTier contextTier,
            long tokens,
            BigDecimal unitPriceUsdPerMillion,
            BigDecimal amountUsd,
            BigDecimal includedUsd,
            BigDecimal creditsUsd,
            BigDecimal overageUsd) {}

    /** One allowance of one segment: granted and consumed. */
    public record Included(
            String planId,
            String name,
            Instant from,
            Instant to,
            BigDecimal grantedUsd,
            Long grantedTokens,
            BigDecimal consumedUsd,
            long consumedTokens) {}

    /** What one credit grant paid in this period. */
    public record Credit(String grantKey, String category, BigDecimal appliedUsd) {}
}
