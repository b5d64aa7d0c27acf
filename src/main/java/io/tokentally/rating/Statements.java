package io.tokentally.rating;

import io.tokentally.plans.CreditGrant;
import io.tokentally.plans.Customer;
import io.tokentally.plans.Plan;
import io.tokentally.plans.PlanSegment;
import io.tokentally.shared.Amounts;
import io.tokentally.shared.BillingPeriod;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Builds statements and balances from a customer's credit ledger: pure functions. */
public final class Statements {

    private Statements() {}

    public static Statement of(Customer customer, Map<String, Plan> plans, CreditLedger ledger, BillingPeriod period) {
        CreditAllocator allocator = new CreditAllocator(customer, plans);
        Map<String, BigDecimal[]> lines = new TreeMap<>();
        Map<String, Statement.Line> keys = new TreeMap<>();
        Map<String, BigDecimal> credits = new TreeMap<>();
        BigDecimal[] totals = {BigDecimal.ZERO, BigDecimal.ZERO, BigDecimal.ZERO, BigDecimal.ZERO};
        for (AllocatedCharge allocated : ledger.charges()) {
            if (!allocated.segment().period().equals(period)) {
                continue;
            }
            Charge charge = allocated.charge();
            BigDecimal creditsUsd = allocated.creditsUsd().values().stream().reduce(BigDecimal.ZERO, BigDecimal::add);
            BigDecimal[] parts = {charge.billedUsd(), allocated.includedUsd(), creditsUsd, allocated.overageUsd()};
            String key = charge.model() + "|" + charge.tokenType().code() + "|"
                    + charge.billedPerMillion().toPlainString();
            keys.merge(
                    key,
                    new Statement.Line(
                            charge.model(),
                            charge.tokenType(),
                            charge.tokens(),
                            charge.billedPerMillion(),
                            null,
                            null,
                            null,
                            null),
                    (a, b) -> new Statement.Line(
                            a.model(),
                            a.tokenType(),
                            a.tokens() + b.tokens(),
                            a.unitPriceUsdPerMillion(),
                            null,
                            null,
                            null,
                            null));
            BigDecimal[] sums = lines.computeIfAbsent(
                    key, k -> new BigDecimal[] {BigDecimal.ZERO, BigDecimal.ZERO, BigDecimal.ZERO, BigDecimal.ZERO});
            for (int i = 0; i < parts.length; i++) {
                sums[i] = sums[i].add(parts[i]);
                totals[i] = totals[i].add(parts[i]);
            }
            allocated.creditsUsd().forEach((grant, usd) -> credits.merge(grant, usd, BigDecimal::add));
        }
        List<Statement.Line> statementLines = new ArrayList<>();
        keys.forEach((key, line) -> {
            BigDecimal[] sums = lines.get(key);
            statementLines.add(new Statement.Line(
                    line.model(),
                    line.tokenType(),
                    line.tokens(),
                    line.unitPriceUsdPerMillion(),
                    sums[0],
                    sums[1],
                    sums[2],
                    sums[3]));
        });
        List<Statement.Segment> segments = new ArrayList<>();
        List<Statement.Included> included = new ArrayList<>();
        BigDecimal fees = BigDecimal.ZERO;
        for (PlanSegment segment : customer.segments(period)) {
            Plan plan = plans.get(segment.planId());
            BigDecimal fee = Amounts.prorate(
                    plan.fixedFeeUsd(),
                    segment.span().length().getSeconds(),
                    period.length().getSeconds());
            fees = fees.add(fee);
            segments.add(new Statement.Segment(
                    segment.planId(), segment.span().start(), segment.span().end(), fee));
            for (IncludedUsage usage : includedOf(allocator, ledger, segment)) {
                included.add(new Statement.Included(
                        segment.planId(),
                        usage.allowance().name(),
                        segment.span().start(),
                        segment.span().end(),
                        usage.allowance().inTokens() ? null : usage.grantedUsd(),
                        usage.allowance().inTokens() ? usage.grantedTokens() : null,
                        usage.consumedUsd(),
                        usage.consumedTokens()));
            }
        }
        return new Statement(
                customer.customerId(),
                period,
                "USD",
                segments,
                statementLines,
                included,
                creditLines(ledger, credits),
                totals[0],
                totals[1],
                totals[2],
                totals[3],
                fees,
                Amounts.toMinorUnit(fees.add(totals[3])));
    }

    /** A segment's allowances with what the ledger consumed of them. */
    static List<IncludedUsage> includedOf(CreditAllocator allocator, CreditLedger ledger, PlanSegment segment) {
        List<IncludedUsage> result = new ArrayList<>();
        for (IncludedUsage fresh : allocator.includedOf(segment)) {
            result.add(ledger.included().stream()
                    .filter(used -> used.key().equals(fresh.key()))
                    .findFirst()
                    .orElse(fresh));
        }
        return result;
    }

    private static List<Statement.Credit> creditLines(CreditLedger ledger, Map<String, BigDecimal> credits) {
        List<Statement.Credit> lines = new ArrayList<>();
        for (CreditGrant grant : ledger.grants()) {
            BigDecimal applied = credits.get(grant.grantKey());
            if (applied != null) {
                lines.add(
                        new Statement.Credit(grant.grantKey(), grant.category().code(), applied));
            }
        }
        return lines;
    }
}
