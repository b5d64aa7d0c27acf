package io.tokentally.rating;

import io.tokentally.plans.PlanSegment;
import java.math.BigDecimal;
import java.util.Map;

/**
 * What paid for one charge: included usage (in USD, and the tokens a token allowance covered), credit
 * grants by key, and the overage that is left. The parts add up to the charge's billed amount exactly.
 *
 * @param includedByKey the included USD per allowance ({@link IncludedUsage#key}) that paid part of it
 */
public record AllocatedCharge(
        Charge charge,
        PlanSegment segment,
        BigDecimal includedUsd,
        long includedTokens,
        Map<String, BigDecimal> creditsUsd,
        BigDecimal overageUsd,
        Map<String, BigDecimal> includedByKey) {

    public AllocatedCharge {
        creditsUsd = Map.copyOf(creditsUsd);
        includedByKey = Map.copyOf(includedByKey);
    }
}
