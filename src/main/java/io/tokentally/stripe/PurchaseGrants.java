package io.tokentally.stripe;

import io.tokentally.plans.CreditGrant;
import io.tokentally.plans.CreditSource;
import io.tokentally.plans.Customer;
import io.tokentally.plans.Plan;
import io.tokentally.rating.CreditLedger;
import io.tokentally.shared.Amounts;
import io.tokentally.shared.BillingPeriod;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The Stripe credit grants of a customer's purchases ({@link WantedGrants}): a {@code paid} or {@code promotional}
 * grant per purchase, voided after a refund and expired after a cancellation; for a period a purchase ends inside,
 * what it paid of the period's usage before its end ({@link #usedBeforeItsEnd}); and for the period a purchase was
 * made inside, what it paid of that period ({@link #usedAfterItsStart}), its own grant being the rest, from the
 * period's end once it has closed ({@link #own}).
 */
final class PurchaseGrants {

    private final Customer customer;
    private final Instant now;
    private final Duration closeGrace;
    private final Map<String, CreditGrantPlanner.Held> held;
    private final StripeHolders holders;

    /**
     * @param now the run's clock
     * @param held what the outbox holds of the customer's grants, by meter column
     * @param holders the Stripe customers that bill the customer's hours: a grant of what a purchase paid of a
     *     period is placed on them as an included grant is (hunt BZ: after a move, a refund's grant of what the
     *     purchase paid before its end went whole to the new Stripe customer, the old one billed for its hours)
     */
    PurchaseGrants(
            Customer customer,
            Instant now,
            Duration closeGrace,
            Map<String, CreditGrantPlanner.Held> held,
            StripeHolders holders) {
        this.customer = customer;
        this.now = now;
        this.closeGrace = closeGrace;
        this.held = held;
        this.holders = holders;
    }

    /** The grants the purchases want for the periods the run plans; the ledger is read only if one needs it. */
    List<CreditGrantPlanner.Wanted> of(
            Map<String, Plan> plans,
            List<CreditGrant> grants,
            Collection<BillingPeriod> periods,
            Supplier<CreditLedger> ledger) {
        List<CreditGrantPlanner.Wanted> wanted = new ArrayList<>();
        for (CreditGrant grant : grants) {
            Plan plan = plans.get(customer.planIdAt(grant.effectiveAt()));
            BillingPeriod first = customer.cycle().periodContaining(grant.effectiveAt());
            own(grant, plan, first).ifPresent(wanted::add);
            for (BillingPeriod period : periods) {
                if (period.equals(first) && madeInside(grant, first) && !madeBeforeItsEnd(grant, period)) {
                    wanted.addAll(placed(usedAfterItsStart(grant, plan, period, ledger.get()), grant, period, ledger));
                } else if (endsInside(grant, period)) {
                    wanted.addAll(placed(usedBeforeItsEnd(grant, plan, period, ledger.get()), grant, period, ledger));
                }
            }
        }
        return wanted;
    }

    /** A grant of what the purchase paid of the period, on the Stripe customers that bill the hours it paid. */
    private List<CreditGrantPlanner.Wanted> placed(
            CreditGrantPlanner.Wanted paidOfPeriod,
            CreditGrant grant,
            BillingPeriod period,
            Supplier<CreditLedger> ledger) {
        return holders.place(
                paidOfPeriod, period, ledger, charge -> charge.creditsUsd().get(grant.grantKey()));
    }

    /** Whether the purchase took effect inside {@code period}, after its start. */
    static boolean madeInside(CreditGrant grant, BillingPeriod period) {
        return period.contains(grant.effectiveAt()) && grant.effectiveAt().isAfter(period.start());
    }

    /**
     * The purchase's own grant, if it should be sent now. One made inside a period is granted from that period's
     * end, and only once the period has closed, less what the grant of what it paid of that period holds ({@link
     * #usedAfterItsStart}): Stripe applies a grant to the whole invoice's metered usage, that from before the
     * purchase too, which the statement bills as overage (hunt S). One made inside a period that it ends in too is
     * not sent, or, if it was (a refund first seen after the close), ended. One whose end is due when it is first
     * sent is created and ended in one upload, as a purchase first seen with its refund: {@link GrantsInStripe#holds}
     * counts a grant without rows that is still usable as one about to be created.
     */
    private Optional<CreditGrantPlanner.Wanted> own(CreditGrant grant, Plan plan, BillingPeriod first) {
        Instant endingFrom = endingFrom(grant);
        if (!madeInside(grant, first)) {
            return Optional.of(
                    purchased(grant, plan, endingFrom, grant.effectiveAt(), WantedGrants.micros(grant.amountUsd())));
        }
        Instant until = grant.usableUntil();
        boolean endsInFirst = until != null && !until.isAfter(first.end());
        boolean firstOpen = now.isBefore(first.end().plus(closeGrace));
        boolean sent = held.getOrDefault(meterOf(grant, grant.grantKey()), CreditGrantPlanner.Held.NONE)
                        .revision()
                > 0;
        if ((firstOpen && !endsInFirst) || (endsInFirst && !sent)) {
            // not wanted: a create an earlier version sent at the purchase, while the period is open, is voided
            return Optional.empty();
        }
        long paidOfFirst =
                heldOfAllColumns(grant, usedAfterItsStartKey(grant, first)).grantedMicros();
        long rest = Math.max(0, WantedGrants.micros(grant.amountUsd()) - paidOfFirst);
        return Optional.of(purchased(grant, plan, endingFrom, first.end(), rest));
    }

    /**
     * The grant of one purchase, at the priority its source has in the plan in force when it took effect.
     *
     * @param effectiveAt the purchase's time, or the end of the period it was made inside
     * @param micros its amount in micro-USD
     */
    private static CreditGrantPlanner.Wanted purchased(
            CreditGrant grant, Plan plan, Instant endingFrom, Instant effectiveAt, long micros) {
        return new CreditGrantPlanner.Wanted(
                grant.grantKey(),
                grant.category().code(),
                micros,
                effectiveAt,
                grant.expiresAt(),
                switch (grant.end()) {
                    case NONE -> CreditGrantPlanner.Ending.NONE;
                    case VOIDED -> CreditGrantPlanner.Ending.VOID;
                    case EXPIRED -> CreditGrantPlanner.Ending.EXPIRE;
                },
                endingFrom,
                ownPriority(grant, plan),
                title(grant),
                false);
    }

    /**
     * The priority of a purchase's own grant: its source's, or one before it for a purchase that stops (it expires,
     * or is refunded or cancelled, as far as the feed says when the grant is made). Of two live purchases of one
     * source the ledger spends first the one that stops first, and Stripe documents no order past the priority
     * (ADR 0008 takes it for the oldest first): so a pack that stops goes before one that never does, whatever their
     * ages. Two purchases that both stop share a priority.
     */
    private static int ownPriority(CreditGrant grant, Plan plan) {
        return WantedGrants.priority(plan, sourceOf(grant)) - (grant.usableUntil() == null ? 0 : 1);
    }

    /**
     * The priority of a grant of what a purchase paid of a period (before its end, or after its start): two before
     * its source's, before every purchase of the source that still lives, stopping or not. It holds only what the
     * purchase paid, which the statement counts as paid; applied after another, it could expire unapplied while the
     * other's balance fell by what the ledger keeps there.
     */
    private static int usedPriority(CreditGrant grant, Plan plan) {
        return WantedGrants.priority(plan, sourceOf(grant)) - 2;
    }

    /**
     * When a refund's void or a cancellation's expire may reach Stripe: null for at once, or for a purchase that does
     * not end. Stripe applies a grant only when it finalizes an invoice, so a grant ended early pays nothing of a
     * period the statement has it pay. A purchase that took effect before the period its end falls in waits for the
     * close of the period before that one: every invoice of a period it covered whole applies it (a cancellation
     * dated 15 November and loaded in October expired the grant at once, and Stripe billed October's usage it paid:
     * hunt AG, $6 over; a refund dated in the grace hour after October's end and loaded then: hunt AF), and the
     * period of its end is paid by the grant of what it paid before its end, made from then on ({@link
     * #usedBeforeItsEnd}). One that took effect in that period ends at once: it paid no earlier invoice, and live at
     * the previous period's, Stripe would apply it there (a pack bought and refunded in the grace hour: hunt AH).
     */
    private Instant endingFrom(CreditGrant grant) {
        if (grant.end() == CreditGrant.End.NONE) {
            return null;
        }
        BillingPeriod ending = customer.cycle().periodContaining(grant.endedAt());
        return grant.effectiveAt().isBefore(ending.start()) ? ending.start().plus(closeGrace) : null;
    }

    /** Whether the grant stops covering usage strictly inside the period, having covered some of it before. */
    private static boolean endsInside(CreditGrant grant, BillingPeriod period) {
        Instant until = grant.usableUntil();
        return until != null
                && until.isAfter(period.start())
                && until.isBefore(period.end())
                && grant.effectiveAt().isBefore(until);
    }

    /**
     * What a purchase that ends inside the period (it expires, or is refunded or cancelled) paid of the period's
     * usage before its end, as a grant of its own expiring at the period's end and raised as the usage grows: Stripe
     * applies credits only when it finalizes the period's invoice, when the purchase's own grant has ended, so
     * without it Stripe would bill as overage what the statement shows paid by the purchase. Made or changed in the
     * period's close grace (a refund loaded after the period's end), the planner makes it expiring at the close, as
     * any grant of such a period ({@link CreditGrantPlanner}; hunt AF, raised: hunt AI).
     */
    private CreditGrantPlanner.Wanted usedBeforeItsEnd(
            CreditGrant grant, Plan plan, BillingPeriod period, CreditLedger ledger) {
        String key = usedBeforeItsEndKey(grant, period);
        BigDecimal used = PeriodPosition.paidByGrant(ledger, period).getOrDefault(grant.grantKey(), BigDecimal.ZERO);
        return new CreditGrantPlanner.Wanted(
                key,
                grant.category().code(),
                WantedGrants.micros(Amounts.toMinorUnit(used)),
                period.start(),
                period.end(),
                CreditGrantPlanner.Ending.NONE,
                null,
                usedPriority(grant, plan),
                title(grant) + " used before its end on " + grant.usableUntil(),
                true);
    }

    /**
     * What a purchase made inside the period paid of the period's usage (from its time on), as a grant of its own
     * expiring at the period's close and raised as the usage grows, in the grace too: Stripe would apply the
     * purchase's own grant to the usage from before the purchase too, which the statement bills as overage. A
     * refund first loaded in the grace lowers it before Stripe applies it. It stands for the "used before its end"
     * grant of a purchase that ends in the period it was made in.
     */
    private CreditGrantPlanner.Wanted usedAfterItsStart(
            CreditGrant grant, Plan plan, BillingPeriod period, CreditLedger ledger) {
        BigDecimal used = PeriodPosition.paidByGrant(ledger, period).getOrDefault(grant.grantKey(), BigDecimal.ZERO);
        return new CreditGrantPlanner.Wanted(
                usedAfterItsStartKey(grant, period),
                grant.category().code(),
                WantedGrants.micros(Amounts.toMinorUnit(used)),
                grant.effectiveAt(),
                period.end().plus(closeGrace),
                CreditGrantPlanner.Ending.NONE,
                null,
                usedPriority(grant, plan),
                title(grant) + " used after its start on " + grant.effectiveAt(),
                true);
    }

    /**
     * Whether the outbox holds a grant of what a purchase that ends inside the period paid of it before its end,
     * which an earlier version made for a purchase made inside the period too: it stays that purchase's grant of the
     * period, as a second one beside it would pay the period twice (one made by an upgraded run in the close grace
     * could not be voided, as it expired at the period's end: hunt AK, $3 under).
     */
    private boolean madeBeforeItsEnd(CreditGrant grant, BillingPeriod period) {
        CreditGrantPlanner.Held rows = heldOfAllColumns(grant, usedBeforeItsEndKey(grant, period));
        // one whose only create Stripe refused pays nothing: the grant of what it paid after its start is made
        return endsInside(grant, period) && (rows.live() > 0 || rows.ended());
    }

    private static String usedBeforeItsEndKey(CreditGrant grant, BillingPeriod period) {
        return grant.grantKey() + ":used-before-its-end:" + period.start();
    }

    /** The key of the grant of what a purchase made inside {@code period} paid of it. */
    static String usedAfterItsStartKey(CreditGrant grant, BillingPeriod period) {
        return grant.grantKey() + ":used-after-its-start:" + period.start();
    }

    private static String meterOf(CreditGrant grant, String key) {
        return GrantColumns.meterOf(grant.customerId(), key);
    }

    /** What the grant of {@code key} holds, its parts on other Stripe customers included. */
    private CreditGrantPlanner.Held heldOfAllColumns(CreditGrant grant, String key) {
        return GrantColumns.heldOfAllColumns(grant.customerId(), key, held);
    }

    private static CreditSource sourceOf(CreditGrant grant) {
        return grant.category() == CreditGrant.Category.PAID ? CreditSource.PAID : CreditSource.PROMOTIONAL;
    }

    /** A purchase's grant name: {@code Credit pack <purchase id>} or {@code Promotional credit <purchase id>}. */
    private static String title(CreditGrant grant) {
        return (sourceOf(grant) == CreditSource.PAID ? "Credit pack " : "Promotional credit ")
                + grant.grantKey().substring("purchase:".length());
    }
}
