package io.tokentally.rating;

import io.tokentally.plans.Allowance;
import io.tokentally.plans.PlanSegment;
import io.tokentally.shared.Amounts;
import java.math.BigDecimal;

/**
 * One allowance of one plan segment: what the plan included (prorated when a plan change cut the
 * period) and what usage consumed of it. USD allowances count {@code *Usd}; token allowances count
 * tokens, and {@code consumedUsd} is the billed value of the tokens they covered.
 */
public record IncludedUsage(
        String customerId,
        PlanSegment segment,
        Allowance allowance,
        BigDecimal grantedUsd,
        long grantedTokens,
        BigDecimal consumedUsd,
        long consumedTokens) {

    /** The allowance of a segment before any usage: the plan's amount, prorated to the segment. */
    public static IncludedUsage granted(String customerId, PlanSegment segment, Allowance allowance) {
        long part = segment.span().length().getSeconds();
        long whole = segment.period().length().getSeconds();
        BigDecimal usd = allowance.inTokens() ? BigDecimal.ZERO : Amounts.prorate(allowance.usd(), part, whole);
        long tokens = allowance.inTokens() ? Amounts.prorate(allowance.tokens(), part, whole) : 0;
        return new IncludedUsage(customerId, segment, allowance, usd, tokens, BigDecimal.ZERO, 0);
    }

    /** A stable key: customer, segment start and allowance name. */
    public String key() {
        return "included:" + customerId + ":" + segment.span().start() + ":" + allowance.name();
    }

    /** The USD a USD allowance has left; none for a token allowance, whose {@code consumedUsd} is what its tokens were worth. */
    public BigDecimal remainingUsd() {
        return allowance.inTokens() ? BigDecimal.ZERO : grantedUsd.subtract(consumedUsd);
    }

    public long remainingTokens() {
        return grantedTokens - consumedTokens;
    }

    IncludedUsage consume(BigDecimal usd, long tokens) {
        return new IncludedUsage(
                customerId,
                segment,
                allowance,
                grantedUsd,
                grantedTokens,
                consumedUsd.add(usd),
                consumedTokens + tokens);
    }
}
