package io.tokentally.rating;

import io.tokentally.plans.CreditGrant;
import io.tokentally.plans.Customer;
import io.tokentally.plans.Plan;
import io.tokentally.plans.PlanSegment;
import io.tokentally.shared.Amounts;
import io.tokentally.shared.BillingPeriod;
import io.tokentally.shared.ContextTier;
import io.tokentally.shared.ServiceTier;
import io.tokentally.shared.TokenType;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Builds a customer's statement of one billing period from its credit ledger: a pure function. */
public final class Statements {

    private Statements() {}

    public static Statement of(Customer customer, Map<String, Plan> plans, CreditLedger ledger, BillingPeriod period) {
        PeriodSums sums = PeriodSums.of(ledger, period);
        List<Statement.Segment> segments = new ArrayList<>();
        List<Statement.Included> included = new ArrayList<>();
        CreditAllocator allocator = new CreditAllocator(customer, plans);
        for (PlanSegment segment : customer.segments(period)) {
            if (segment.beforeFirstPlan()) {
                continue; // no fee and no included usage before the customer's first plan
            }
            segments.add(feeSegment(plans, period, segment));
            includedOf(allocator, ledger, segment).forEach(usage -> included.add(included(segment, usage)));
        }
        BigDecimal fees =
                segments.stream().map(Statement.Segment::fixedFeeUsd).reduce(BigDecimal.ZERO, BigDecimal::add);
        return new Statement(
                customer.customerId(),
                period,
                "USD",
                segments,
                sums.lines.values().stream().map(LineSums::line).toList(),
                included,
                creditLines(ledger, sums.credits),
                sums.totals.amount,
                sums.totals.included,
                sums.totals.credits,
                sums.totals.overage,
                fees,
                Amounts.toMinorUnit(fees.add(sums.totals.overage)));
    }

    /** A plan segment with its plan's fixed fee prorated to the share of the period it spans. */
    private static Statement.Segment feeSegment(Map<String, Plan> plans, BillingPeriod period, PlanSegment segment) {
        BigDecimal fee = Amounts.prorate(
                plans.get(segment.planId()).fixedFeeUsd(),
                segment.span().length().getSeconds(),
                period.length().getSeconds());
        return new Statement.Segment(
                segment.planId(), segment.span().start(), segment.span().end(), fee);
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

    private static Statement.Included included(PlanSegment segment, IncludedUsage usage) {
        boolean tokens = usage.allowance().inTokens();
        return new Statement.Included(
                segment.planId(),
                usage.allowance().name(),
                segment.span().start(),
                segment.span().end(),
                tokens ? null : usage.grantedUsd(),
                tokens ? usage.grantedTokens() : null,
                usage.consumedUsd(),
                usage.consumedTokens());
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

    /** The period's charges summed per statement line (in key order), per credit grant and in total. */
    private static final class PeriodSums {
        private final Map<LineKey, LineSums> lines = new TreeMap<>();
        private final Map<String, BigDecimal> credits = new TreeMap<>();
        private final LineSums totals = new LineSums(null);

        /** Sums the ledger's charges that belong to the period. */
        static PeriodSums of(CreditLedger ledger, BillingPeriod period) {
            PeriodSums sums = new PeriodSums();
            for (AllocatedCharge allocated : ledger.charges()) {
                if (allocated.segment().period().equals(period)) {
                    sums.add(allocated);
                }
            }
            return sums;
        }

        private void add(AllocatedCharge allocated) {
            Charge charge = allocated.charge();
            lines.computeIfAbsent(LineKey.of(charge), k -> new LineSums(charge)).add(allocated);
            totals.add(allocated);
            allocated.creditsUsd().forEach((grant, usd) -> credits.merge(grant, usd, BigDecimal::add));
        }
    }

    /**
     * The statement line a charge belongs to, in the order lines are listed: by model id, then token type (input,
     * cache read, cache writes, output, units), service tier, context tier and billed price.
     */
    private record LineKey(
            String model, TokenType tokenType, ServiceTier serviceTier, ContextTier contextTier, BigDecimal price)
            implements Comparable<LineKey> {

        private static final Comparator<LineKey> ORDER = Comparator.comparing(LineKey::model)
                .thenComparing(LineKey::tokenType)
                .thenComparing(LineKey::serviceTier)
                .thenComparing(LineKey::contextTier)
                .thenComparing(LineKey::price);

        static LineKey of(Charge charge) {
            return new LineKey(
                    charge.model(),
                    charge.tokenType(),
                    charge.serviceTier(),
                    charge.contextTier(),
                    charge.billedPerMillion().stripTrailingZeros());
        }

        @Override
        public int compareTo(LineKey other) {
            return ORDER.compare(this, other);
        }
    }

    /** Sums of one statement line (or of the whole statement): tokens, amount and what paid for it. */
    private static final class LineSums {
        /** Any charge of the line (its model, token type, tiers and billed price), or null for the whole statement. */
        private final Charge charge;

        private long tokens;
        private BigDecimal amount = BigDecimal.ZERO;
        private BigDecimal included = BigDecimal.ZERO;
        private BigDecimal credits = BigDecimal.ZERO;
        private BigDecimal overage = BigDecimal.ZERO;

        LineSums(Charge charge) {
            this.charge = charge;
        }

        void add(AllocatedCharge allocated) {
            tokens += allocated.charge().tokens();
            amount = amount.add(allocated.charge().billedUsd());
            included = included.add(allocated.includedUsd());
            for (BigDecimal usd : allocated.creditsUsd().values()) {
                credits = credits.add(usd);
            }
            overage = overage.add(allocated.overageUsd());
        }

        Statement.Line line() {
            return new Statement.Line(
                    charge.model(),
                    charge.tokenType(),
                    charge.serviceTier(),
                    charge.contextTier(),
                    tokens,
                    charge.billedPerMillion(),
                    amount,
                    included,
                    credits,
                    overage);
        }
    }
}
