package io.tokentally.reconcile;

import java.math.BigDecimal;
import java.time.LocalDate;

/**
 * One compared key of a run, as {@code reconciliation.csv} shows it.
 *
 * @param check {@code provider-usage} (cost-role usage vs billable usage) or {@code provider-charge}
 *     (the provider's charge vs the list price of its usage)
 * @param providerTokens tokens of the cost-role sources (null for a charge line)
 * @param billableTokens tokens of the billable-role sources (null for a charge line)
 * @param providerUsd the provider side in USD: list price of its usage, or its actual charge
 * @param otherUsd the other side in USD: list price of billable usage, or list price of the provider's usage
 * @param differenceUsd {@code providerUsd - otherUsd}
 * @param verdict {@code within-tolerance}, {@code provider-higher}, {@code billable-higher},
 *     {@code no-billable-usage}, {@code charged-above-list}, {@code charged-below-list}
 * @param findingKey the finding's key when outside tolerance, else null
 * @param files the files behind both sides
 * @param evidence the numbers compared and the files with their lines, as JSON ({@link Evidence})
 */
record ReconciliationLine(
        String check,
        LocalDate day,
        String provider,
        String model,
        String tokenType,
        Long providerTokens,
        Long billableTokens,
        BigDecimal providerUsd,
        BigDecimal otherUsd,
        BigDecimal differenceUsd,
        Long differenceTokens,
        String tolerance,
        String verdict,
        String findingKey,
        String files,
        String evidence) {

    ReconciliationLine {
        findingKey = Finding.fitting(findingKey);
    }

    static final String USAGE = "provider-usage";
    static final String CHARGE = "provider-charge";
    static final String WITHIN = "within-tolerance";

    String lineKey() {
        return check + "|" + provider + "|" + model + "|" + tokenType + "|" + day;
    }
}
