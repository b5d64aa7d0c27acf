package io.tokentally.rating;

import io.tokentally.plans.CreditGrant;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

/**
 * A customer's usage allocated to included usage, credit grants and overage, in consumption order.
 *
 * @param included every allowance of every plan segment that had usage, or that was asked for
 * @param grantConsumedUsd per grant key, what usage consumed of it
 */
public record CreditLedger(
        String customerId,
        List<AllocatedCharge> charges,
        List<IncludedUsage> included,
        List<CreditGrant> grants,
        Map<String, BigDecimal> grantConsumedUsd) {

    public BigDecimal consumedOf(CreditGrant grant) {
        return grantConsumedUsd.getOrDefault(grant.grantKey(), BigDecimal.ZERO);
    }

    public BigDecimal remainingOf(CreditGrant grant) {
        return grant.amountUsd().subtract(consumedOf(grant));
    }
}
