package io.tokentally.reconcile;

import io.tokentally.rating.Balance;
import io.tokentally.rating.Statement;
import io.tokentally.shared.Amounts;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Threshold findings: a share of a period's included usage consumed (each threshold once per customer,
 * segment and allowance, so the key is stable), and a balance below the low-balance amount for a
 * customer who has credit (once per customer and billing period: a balance that stays low is one
 * finding, seen again each night).
 */
final class BalanceFindings {

    static final String LOW_BALANCE = "LOW_BALANCE";
    static final String INCLUDED_USAGE = "INCLUDED_USAGE_";

    private BalanceFindings() {}

    static List<Finding> of(Statement statement, List<Integer> thresholdsPercent) {
        List<Finding> findings = new ArrayList<>();
        for (Statement.Included included : statement.included()) {
            BigDecimal granted = included.grantedTokens() == null
                    ? included.grantedUsd()
                    : BigDecimal.valueOf(included.grantedTokens());
            BigDecimal consumed = included.grantedTokens() == null
                    ? included.consumedUsd()
                    : BigDecimal.valueOf(included.consumedTokens());
            for (int percent : thresholdsPercent) {
                if (granted.signum() > 0
                        && consumed.movePointRight(2).compareTo(granted.multiply(BigDecimal.valueOf(percent))) >= 0) {
                    findings.add(includedUsageReached(statement, included, percent, granted, consumed));
                }
            }
        }
        return findings;
    }

    /** The {@code INCLUDED_USAGE_<percent>} finding of an allowance whose usage reached that share of it. */
    private static Finding includedUsageReached(
            Statement statement, Statement.Included included, int percent, BigDecimal granted, BigDecimal consumed) {
        return new Finding(
                INCLUDED_USAGE + percent + ":" + statement.customerId() + ":" + included.from() + ":" + included.name(),
                INCLUDED_USAGE + percent,
                percent >= 100 ? Finding.Severity.WARNING : Finding.Severity.INFO,
                "customer " + statement.customerId() + " used " + percent + "% or more of included usage '"
                        + included.name() + "' of plan " + included.planId() + " for " + included.from()
                        + " to " + included.to() + ": " + Amounts.toText(consumed) + " of "
                        + Amounts.toText(granted)
                        + (included.grantedTokens() == null ? " USD" : " tokens")
                        + (percent >= 100
                                ? "; the usage it covered is no longer covered by it for the rest of"
                                        + " the period: credits pay for it or it is billed, in the plan's"
                                        + " consumption order"
                                : ""));
    }

    static List<Finding> of(Balance balance, Instant periodStart, boolean hasCredit, BigDecimal lowBalanceUsd) {
        if (!hasCredit || balance.availableUsd().compareTo(lowBalanceUsd) >= 0) {
            return List.of();
        }
        return List.of(new Finding(
                LOW_BALANCE + ":" + balance.customerId() + ":" + periodStart,
                LOW_BALANCE,
                balance.allow() ? Finding.Severity.INFO : Finding.Severity.WARNING,
                "customer " + balance.customerId() + " has " + Amounts.toText(balance.availableUsd())
                        + " USD left as of " + balance.asOf() + ", below " + Amounts.toText(lowBalanceUsd)
                        + " USD (tokentally.balances.low-balance-usd)"
                        + (balance.allow() ? "" : "; usage is no longer allowed")));
    }
}
