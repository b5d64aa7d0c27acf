package io.tokentally.stripe;

import io.tokentally.shared.BillingPeriod;
import io.tokentally.shared.StorableText;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Decides which credit grant rows the outbox needs: a pure function of the grants a customer should have and what the
 * outbox already holds for it. A grant is created with an idempotency key from its purchase or plan period and its
 * revision; a refund adds a void, a cancellation an expire, one for each of its creates still live, once the grant's
 * {@code endingFrom} is reached. A grant whose amount can grow (the value of included usage consumed so far) gets
 * each increase as a further grant of the same key. A grant that should now be less (a fixed one that should be
 * another amount, a growing one whose value fell) or expire at another time is voided and created again at what it
 * should be; a grant of a period the run plans that the customer should no longer have (an allowance its plans no
 * longer give) is voided: Stripe keeps no credit the statement does not give. Nothing is applied before the period's
 * invoice finalizes, and an included grant expires then, so voiding loses nothing Stripe applied. A grant that would
 * already have expired is neither created nor changed, but for one of a period in its close grace, which is made
 * again expiring at the close when its amount changed, and voided when no longer wanted; so is one of a period that
 * ends within a close grace from now, whose upload may reach Stripe after the end.
 */
public final class CreditGrantPlanner {

    /**
     * What the outbox holds for one grant (its meter column).
     *
     * @param revision the highest revision
     * @param live how many of its creates, not refused by Stripe, no void or expire has ended yet
     * @param grantedMicros what those live creates grant, in micro-USD
     * @param ended whether void or expire rows ended every create
     * @param refused whether Stripe refused its latest create and none is live: it is created again (a new
     *     revision), as refused meter events are sent again, so a customer Stripe did not know yet gets it
     * @param effectiveAt the grant's window start: its purchase's time, or its plan segment's start
     * @param terms the terms of its latest create
     * @param stripeCustomerId the Stripe customer its latest create went to
     */
    public record Held(
            int revision,
            int live,
            long grantedMicros,
            boolean ended,
            boolean refused,
            Instant effectiveAt,
            OutboxRow.GrantTerms terms,
            String stripeCustomerId) {

        static final Held NONE = new Held(0, 0, 0, false, false, null, null, null);
    }

    /** How a grant should end in Stripe. */
    public enum Ending {
        NONE,
        VOID,
        EXPIRE
    }

    /**
     * A grant the customer should have.
     *
     * @param key the purchase or plan period it comes from: {@code purchase:<id>} or {@code included:...}
     * @param amountMicros its amount (for a growing grant, the total so far), in whole cents as micro-USD
     * @param endingFrom when its ending may be sent, or null for at once: a run before then queues no void or expire
     * @param grows whether later runs may raise the amount
     * @param stripeCustomerId the Stripe customer to grant it on, or null for the customer's: after a change of
     *     Stripe customer inside a period, each one whose meters bill the period's usage gets its part of a grant of
     *     what an allowance or a purchase paid of it, the one its grant's rows went to under the grant's own column,
     *     another under a column of its own ({@link GrantColumns#meterOf(String, String, String, Map, String)})
     */
    public record Wanted(
            String key,
            String category,
            long amountMicros,
            Instant effectiveAt,
            Instant expiresAt,
            Ending ending,
            Instant endingFrom,
            int priority,
            String name,
            boolean grows,
            String stripeCustomerId) {

        /** A grant on the customer's Stripe customer. */
        public Wanted(
                String key,
                String category,
                long amountMicros,
                Instant effectiveAt,
                Instant expiresAt,
                Ending ending,
                Instant endingFrom,
                int priority,
                String name,
                boolean grows) {
            this(key, category, amountMicros, effectiveAt, expiresAt, ending, endingFrom, priority, name, grows, null);
        }

        /** The same grant on {@code stripeCustomerId}. */
        Wanted on(String stripeCustomerId) {
            return with(stripeCustomerId, amountMicros, grows, expiresAt);
        }

        /** The same grant expiring at {@code instant}. */
        Wanted expiringAt(Instant instant) {
            return with(stripeCustomerId, amountMicros, grows, instant);
        }

        /** The same grant on {@code stripeCustomerId}, of {@code amountMicros}, growing. */
        Wanted partOn(String stripeCustomerId, long amountMicros) {
            return with(stripeCustomerId, amountMicros, true, expiresAt);
        }

        private Wanted with(String stripeCustomerId, long amountMicros, boolean grows, Instant expiresAt) {
            return new Wanted(
                    key,
                    category,
                    amountMicros,
                    effectiveAt,
                    expiresAt,
                    ending,
                    endingFrom,
                    priority,
                    name,
                    grows,
                    stripeCustomerId);
        }
    }

    private final Instant now;
    private final InvoiceFinalization finalization;

    /**
     * @param now the run's clock
     * @param closeGrace {@code tokentally.stripe.period-close-grace}: how long after a period's end Stripe finalizes
     *     its invoice
     */
    public CreditGrantPlanner(Instant now, Duration closeGrace) {
        this.now = now;
        this.finalization = new InvoiceFinalization(now, closeGrace);
    }

    /**
     * @param held what the outbox holds per grant of the customer (by meter column)
     * @param periods the billing periods whose included usage {@code wanted} lists in full: a held grant of
     *     one of them that is not wanted is voided
     */
    public List<OutboxRow> plan(
            String customerId,
            String stripeCustomerId,
            List<Wanted> wanted,
            Map<String, Held> held,
            Collection<BillingPeriod> periods) {
        List<OutboxRow> rows = new ArrayList<>();
        Set<String> wantedMeters = new HashSet<>();
        for (Wanted asked : wanted) {
            String on = asked.stripeCustomerId() == null ? stripeCustomerId : asked.stripeCustomerId();
            String meter = asked.stripeCustomerId() == null
                    ? GrantColumns.meterOf(customerId, asked.key())
                    : GrantColumns.meterOf(customerId, asked.key(), on, held, stripeCustomerId);
            wantedMeters.add(meter);
            Held before = held.getOrDefault(meter, Held.NONE);
            Wanted grant = finalization.untilTheCloseIfChanged(asked, before, periods);
            Grant target = new Grant(customerId, on, meter, grant.effectiveAt(), terms(grant, periods));
            rows.addAll(rowsOf(target, grant, before));
        }
        held.forEach((meter, before) -> {
            if (!wantedMeters.contains(meter)
                    && before.live() > 0
                    && (!expired(before.terms().expiresAt())
                            || finalization.closing(before.terms().expiresAt(), periods))
                    && periods.stream().anyMatch(period -> period.contains(before.effectiveAt()))) {
                String on = before.stripeCustomerId() == null ? stripeCustomerId : before.stripeCustomerId();
                Grant target = new Grant(customerId, on, meter, before.effectiveAt(), before.terms());
                rows.addAll(ends(target, OutboxRow.Kind.CREDIT_GRANT_VOID, before.revision(), before.live()));
            }
        });
        return rows;
    }

    /** What every row of one grant carries: whose it is, its meter column, its window start and terms. */
    private record Grant(
            String customerId,
            String stripeCustomerId,
            String meter,
            Instant windowStart,
            OutboxRow.GrantTerms terms) {}

    private List<OutboxRow> rowsOf(Grant target, Wanted grant, Held before) {
        List<OutboxRow> rows = new ArrayList<>();
        int revision = before.revision();
        int live = before.live();
        boolean expired = expired(grant.expiresAt());
        long missing = grant.amountMicros() - before.grantedMicros();
        boolean replace = !expired && replaces(grant, before, missing);
        if (replace) {
            rows.addAll(ends(target, OutboxRow.Kind.CREDIT_GRANT_VOID, revision, live));
            revision += live;
            live = 0;
            missing = grant.amountMicros();
        }
        boolean endingDue =
                grant.ending() != Ending.NONE && (grant.endingFrom() == null || !now.isBefore(grant.endingFrom()));
        // a refused create is made again while the grant should live, its ending not yet due too (review 52)
        if (!expired
                && missing > 0
                && (revision == 0 || replace || grant.grows() || (before.refused() && !endingDue))) {
            revision++;
            live++;
            rows.add(row(target, OutboxRow.Kind.CREDIT_GRANT, revision, missing));
        }
        if (endingDue) {
            OutboxRow.Kind kind = grant.ending() == Ending.VOID
                    ? OutboxRow.Kind.CREDIT_GRANT_VOID
                    : OutboxRow.Kind.CREDIT_GRANT_EXPIRE;
            rows.addAll(ends(target, kind, revision, live));
        }
        return rows;
    }

    /**
     * Whether the grant Stripe holds must be voided and created again: a grant that does not end (no refund or
     * cancellation), created before, whose amount is no longer wanted (a fixed one's changed, a growing one's
     * fell) or whose live grant expires at another time; or one voided before and wanted again at a fixed amount.
     */
    private static boolean replaces(Wanted grant, Held before, long missing) {
        if (before.revision() == 0 || grant.ending() != Ending.NONE || (before.live() == 0 && !before.ended())) {
            return false;
        }
        boolean amountChanged = grant.grows() ? missing < 0 : missing != 0;
        boolean expiryChanged =
                before.live() > 0 && !Objects.equals(before.terms().expiresAt(), grant.expiresAt());
        return amountChanged || expiryChanged;
    }

    /** A void or expire row for each of {@code live} creates, after {@code revision}. */
    private List<OutboxRow> ends(Grant target, OutboxRow.Kind kind, int revision, int live) {
        List<OutboxRow> rows = new ArrayList<>();
        for (int i = 1; i <= live; i++) {
            rows.add(row(target, kind, revision + i, 0));
        }
        return rows;
    }

    private boolean expired(Instant expiresAt) {
        return expiresAt != null && !expiresAt.isAfter(now);
    }

    private OutboxRow.GrantTerms terms(Wanted grant, Collection<BillingPeriod> periods) {
        return new OutboxRow.GrantTerms(
                grant.category(),
                grant.priority(),
                finalization.effectiveAt(grant, periods),
                grant.expiresAt(),
                name(grant.name()),
                null);
    }

    private OutboxRow row(Grant target, OutboxRow.Kind kind, int revision, long micros) {
        String identifier = "tt-" + target.meter() + "-r" + revision;
        return new OutboxRow(
                0,
                kind,
                target.customerId(),
                target.stripeCustomerId(),
                target.meter(),
                target.windowStart(),
                revision,
                identifier,
                "tokentally-" + identifier,
                micros,
                now,
                OutboxRow.State.PENDING,
                0,
                null,
                target.terms());
    }

    private static String name(String name) {
        return StorableText.cut(name, 100);
    }
}
