package io.tokentally.stripe;

import io.tokentally.shared.BillingPeriod;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.TreeSet;

/**
 * Decides which outbox rows a (customer, meter, period) needs: a function of the exact billed amounts per hour and
 * of what the outbox already holds. It keeps, for the run's findings, the decreases it could not send ({@link
 * #notPlaced}).
 *
 * <p>The amount meters take whole micro-USD. The value wanted for an hour is the rounded cumulative amount through
 * that hour minus what the hours before it send, so the sub-micro remainder carries forward and the period's total
 * equals the exact total rounded once. An hour already queued keeps its value while the running total stays at the
 * exact amount rounded or less than a micro-USD below the exact amount, except the last hour of each UTC day, which
 * brings it back to the exact amount rounded ({@link #keeps}). What the outbox holds for an hour is subtracted;
 * only a non-zero difference becomes a new revision.
 *
 * <p>Each event is stamped with its hour, but an hour too old for Stripe's window ({@link #late}) is stamped
 * with the run's time, inside the period: Stripe bills it on the period's invoice all the same, in the meter's
 * line, whose rounding and credit grants take it as they take the other hours (an invoice item per hour was
 * rounded line by line, and no grant pays an invoice item). An hour after the run's time is stamped with the run's
 * time too. A decrease of an hour that holds invoice items of an earlier version takes back what they billed
 * first, as an invoice item (a meter event would lower the meter's line, which grants may have paid, not the
 * item); the rest of it, and any increase, is a meter event.
 */
public final class OutboxPlanner {

    private static final DateTimeFormatter HOUR =
            DateTimeFormatter.ofPattern("uuuuMMddHH").withZone(ZoneOffset.UTC);

    private static final BigDecimal ONE_MICRO = BigDecimal.ONE.movePointLeft(6);

    private final Instant now;
    private final Duration lateAfter;

    /**
     * @param now the current instant (from the injected clock), taken to the second, as Stripe takes a stamp
     * @param lateAfter windows starting earlier than {@code now - lateAfter} are stamped later ({@link #stamp})
     */
    public OutboxPlanner(Instant now, Duration lateAfter) {
        this.now = now.truncatedTo(ChronoUnit.SECONDS);
        this.lateAfter = lateAfter;
    }

    /**
     * What the outbox already holds for one hour: the sum of its revisions' values, the highest revision,
     * on a tokens-layout meter the sum of the billed USD its revisions stand for (else zero), the sum of
     * the values of its invoice items (an earlier version's, for a late hour), which are part of the first sum,
     * and the Stripe customers whose meters hold the hour's meter events, the latest first.
     */
    public record Queued(
            long valueMicros, int revision, BigDecimal amountUsd, long invoicedMicros, List<Holding> holdings) {

        public Queued(long valueMicros, int revision) {
            this(valueMicros, revision, BigDecimal.ZERO);
        }

        public Queued(long valueMicros, int revision, BigDecimal amountUsd) {
            this(valueMicros, revision, amountUsd, 0, List.of());
        }

        /**
         * Where the hour's next meter events, {@code delta} in all, go. An increase goes to {@code current}, the
         * customer's Stripe id now. A decrease is taken off the meters that hold the hour, {@code current}'s first,
         * then the latest holder's, each up to what it holds: it lowers the total it corrects (sent to a Stripe
         * customer that holds none of it, it would leave that total whole, and Stripe floors a period's negative
         * total at zero), and a Stripe customer whose id another customer has taken since is never raised. What
         * only an earlier holder that refused the hour's latest event sent to it for good could take (a customer
         * deleted in Stripe) is not placed: sent to another Stripe customer, it would lower a total that holds none
         * of it, taking another hour's or another customer's usage off it (hunt BW).
         */
        Placement meterEvents(long delta, String current) {
            if (delta == 0) {
                return new Placement(List.of(), 0);
            }
            if (delta > 0) {
                return new Placement(List.of(new Part(current, delta)), 0);
            }
            List<Holding> order = new ArrayList<>(holdings.size());
            holdings.stream()
                    .filter(held -> Objects.equals(current, held.stripeCustomerId()))
                    .forEach(order::add);
            holdings.stream()
                    .filter(held -> !Objects.equals(current, held.stripeCustomerId()))
                    .forEach(order::add);
            List<Part> parts = new ArrayList<>(2);
            long left = delta;
            for (Holding held : order) {
                boolean refusing = held.refused() && !Objects.equals(current, held.stripeCustomerId());
                long taken = refusing || held.stripeCustomerId() == null || held.valueMicros() <= 0
                        ? 0
                        : Math.max(left, -held.valueMicros());
                if (taken != 0) {
                    parts.add(new Part(held.stripeCustomerId(), taken));
                    left -= taken;
                }
            }
            if (left != 0 && refusedBy(current).isEmpty()) {
                parts.add(new Part(current, left));
                left = 0;
            }
            return new Placement(parts, left);
        }

        /**
         * The Stripe customers other than {@code current} that hold some of the hour and refused its latest event
         * sent to them for good. {@code current} is sent a refused value again, as any customer's id is, night after
         * night, each refusal an error.
         */
        List<String> refusedBy(String current) {
            return holdings.stream()
                    .filter(held -> held.refused()
                            && held.valueMicros() > 0
                            && !Objects.equals(current, held.stripeCustomerId()))
                    .map(Holding::stripeCustomerId)
                    .toList();
        }
    }

    /**
     * What one Stripe customer's meter holds of an hour: the values of the meter events sent to it, less those
     * Stripe refused for good, and whether Stripe refused the latest one sent to it for good.
     */
    public record Holding(String stripeCustomerId, long valueMicros, boolean refused) {}

    /** One meter event of an hour's next revisions: the Stripe customer it goes to and its value. */
    record Part(String stripeCustomerId, long value) {}

    /** An hour's next meter events, and the part of a decrease that no Stripe customer can take (zero or less). */
    record Placement(List<Part> parts, long notPlaced) {}

    /**
     * A decrease of an hour not sent, in part or whole, because only Stripe customers that refused the hour's
     * latest event for good hold what it would take off ({@link Queued#meterEvents}); {@code value} zero: a plan of
     * an hour such a customer holds that placed all of its decrease.
     *
     * @param value the part not sent, in the meter's unit (micro-USD, or tokens on a token meter)
     * @param refusedBy the Stripe customers that refused
     * @param current the customer's Stripe id now
     */
    public record NotPlaced(
            String customerId, String meter, Instant hour, long value, List<String> refusedBy, String current) {}

    private final List<NotPlaced> notPlaced = new ArrayList<>();

    /** Whether an hour is too old for meter events stamped with it: they are stamped later ({@link #stamp}). */
    boolean late(Instant hour) {
        return hour.isBefore(now.minus(lateAfter));
    }

    /**
     * A tokens-layout meter event of {@code tokens} (a difference, negative for a correction) standing
     * for {@code amountUsd}, stamped as any meter event of the period ({@link #stamp}).
     */
    OutboxRow tokenRow(
            String customerId,
            String stripeCustomerId,
            String meter,
            Instant hour,
            int revision,
            long tokens,
            BigDecimal amountUsd,
            BillingPeriod period) {
        return row(
                        OutboxRow.Kind.METER_EVENT,
                        customerId,
                        stripeCustomerId,
                        meter,
                        hour,
                        revision,
                        tokens,
                        stamp(hour, period))
                .withAmountUsd(amountUsd);
    }

    /**
     * Plans the hours of the period from a first hour on; the hours before it are taken as planned already.
     *
     * @param period the billing period, open: its late hours' events are stamped inside it
     * @param carriedUsd exact billed USD of the period before the first hour (zero when planning from its start)
     * @param billedByHour exact billed USD per hour from the first hour on, every such hour that has usage
     * @param queuedByHour what the outbox holds per hour from the first hour on
     * @throws MeterAmountTooLargeException when the period's amount through an hour passes what a meter carries
     */
    public List<OutboxRow> plan(
            String customerId,
            String stripeCustomerId,
            String meter,
            BillingPeriod period,
            BigDecimal carriedUsd,
            NavigableMap<Instant, BigDecimal> billedByHour,
            Map<Instant, Queued> queuedByHour) {
        List<OutboxRow> rows = new ArrayList<>();
        BigDecimal cumulative = carriedUsd;
        long sentMicros =
                MeterAmountTooLargeException.micros(carriedUsd, billedByHour.isEmpty() ? now : billedByHour.firstKey());
        TreeSet<Instant> hours = new TreeSet<>(billedByHour.keySet());
        hours.addAll(queuedByHour.keySet());
        for (Instant hour : hours) {
            cumulative = cumulative.add(billedByHour.getOrDefault(hour, BigDecimal.ZERO));
            long cumulativeMicros = MeterAmountTooLargeException.micros(cumulative, hour);
            Queued queued = queuedByHour.get(hour);
            long wanted = keeps(queued, sentMicros, cumulative, cumulativeMicros, hour, hours)
                    ? queued.valueMicros()
                    : cumulativeMicros - sentMicros;
            sentMicros += wanted;
            long delta = wanted - (queued == null ? 0 : queued.valueMicros());
            if (delta == 0 && queued != null) {
                place(customerId, stripeCustomerId, meter, hour, queued, 0); // kept: nothing is left unsent now
            }
            if (delta != 0) {
                rows.addAll(nextRevisions(
                        customerId,
                        stripeCustomerId,
                        meter,
                        period,
                        hour,
                        queued == null ? new Queued(0, 0) : queued,
                        delta));
            }
        }
        return rows;
    }

    /**
     * Whether an hour already queued keeps its value: it is not its day's last hour, and with it the meter's running
     * total is the exact amount rounded or less, by less than a micro-USD below the exact amount. A change to an
     * earlier hour moves the rounding of every later hour; kept, those hours are not revised one micro-USD each, and
     * the day's last hour brings the running total back to the exact amount rounded, which the plan of a later day
     * starts from. Never above the amount rounded, so the next hour planned anew, whose usage can only add to it, sends
     * no negative value.
     */
    private static boolean keeps(
            Queued queued,
            long sentMicros,
            BigDecimal cumulative,
            long cumulativeMicros,
            Instant hour,
            TreeSet<Instant> hours) {
        if (queued == null || queued.revision() == 0 || lastOfItsDay(hour, hours)) {
            return false;
        }
        long kept = sentMicros + queued.valueMicros();
        return kept <= cumulativeMicros
                && BigDecimal.valueOf(kept).movePointLeft(6).add(ONE_MICRO).compareTo(cumulative) > 0;
    }

    private static boolean lastOfItsDay(Instant hour, TreeSet<Instant> hours) {
        Instant next = hours.higher(hour);
        return next == null || !next.truncatedTo(ChronoUnit.DAYS).equals(hour.truncatedTo(ChronoUnit.DAYS));
    }

    /**
     * The hour's next revisions, {@code delta} in all: of a decrease, what takes back the hour's invoice items as an
     * invoice item, then the rest as meter events. The item goes to the customer's Stripe id now, on whose next
     * invoice it is billed; the meter events as {@link Queued#meterEvents} says.
     */
    private List<OutboxRow> nextRevisions(
            String customerId,
            String stripeCustomerId,
            String meter,
            BillingPeriod period,
            Instant hour,
            Queued queued,
            long delta) {
        long takenBack = delta < 0 && queued.invoicedMicros() > 0 ? Math.max(delta, -queued.invoicedMicros()) : 0;
        List<OutboxRow> rows = new ArrayList<>(2);
        int revision = queued.revision();
        if (takenBack != 0) {
            rows.add(row(
                    OutboxRow.Kind.INVOICE_ITEM,
                    customerId,
                    stripeCustomerId,
                    meter,
                    hour,
                    ++revision,
                    takenBack,
                    notAfterNow(hour)));
        }
        for (Part part : place(customerId, stripeCustomerId, meter, hour, queued, delta - takenBack)) {
            rows.add(row(
                    OutboxRow.Kind.METER_EVENT,
                    customerId,
                    part.stripeCustomerId(),
                    meter,
                    hour,
                    ++revision,
                    part.value(),
                    stamp(hour, period)));
        }
        return rows;
    }

    /**
     * The meter events of an hour's next revisions, {@code delta} in all ({@link Queued#meterEvents}); a plan of an
     * hour that a refusing Stripe customer holds is kept for {@link #notPlaced}.
     */
    List<Part> place(
            String customerId, String stripeCustomerId, String meter, Instant hour, Queued queued, long delta) {
        Placement placement = queued.meterEvents(delta, stripeCustomerId);
        List<String> refusedBy = queued.refusedBy(stripeCustomerId);
        if (!refusedBy.isEmpty()) {
            notPlaced.add(new NotPlaced(customerId, meter, hour, placement.notPlaced(), refusedBy, stripeCustomerId));
        }
        return placement.parts();
    }

    /** The plans of hours a refusing Stripe customer holds, since the planner was made: what they did not send. */
    public List<NotPlaced> notPlaced() {
        return List.copyOf(notPlaced);
    }

    /**
     * When an hour's event is stamped: at its hour; at the run's time for an hour after it; for a {@link #late} hour,
     * at the run's time too, or at the period's last second when the period has ended (and is not closed yet): the
     * latest time of the period, so that an upload delayed by days still falls inside Stripe's 35-day window.
     */
    Instant stamp(Instant hour, BillingPeriod period) {
        if (!late(hour)) {
            return notAfterNow(hour);
        }
        Instant lastInPeriod = period.end().minusSeconds(1);
        return now.isAfter(lastInPeriod) ? lastInPeriod : now;
    }

    private Instant notAfterNow(Instant hour) {
        return hour.isAfter(now) ? now : hour;
    }

    private OutboxRow row(
            OutboxRow.Kind kind,
            String customerId,
            String stripeCustomerId,
            String meter,
            Instant hour,
            int revision,
            long delta,
            Instant timestamp) {
        String identifier = identifier(customerId, meter, hour, revision);
        return new OutboxRow(
                0,
                kind,
                customerId,
                stripeCustomerId,
                meter,
                hour,
                revision,
                identifier,
                "tokentally-" + identifier,
                delta,
                timestamp,
                OutboxRow.State.PENDING,
                0,
                null);
    }

    /**
     * {@code tt-<24 hex of sha256(customer|meter|hour)>-<uuuuMMddHH>-r<revision>}: deterministic, at most
     * 100 characters whatever the customer id, and readable enough to find in Stripe's dashboard.
     */
    static String identifier(String customerId, String meter, Instant hour, int revision) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest((customerId + "|" + meter + "|" + hour).getBytes(StandardCharsets.UTF_8));
            return "tt-" + HexFormat.of().formatHex(digest, 0, 12) + "-" + HOUR.format(hour) + "-r" + revision;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
