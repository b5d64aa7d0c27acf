package io.tokentally.stripe;

import io.tokentally.plans.Customer;
import io.tokentally.reconcile.Finding;
import io.tokentally.reconcile.FindingRepository;
import io.tokentally.shared.Amounts;
import io.tokentally.shared.BillingPeriod;
import io.tokentally.shared.SqlTime;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Meter events that reached Stripe after their billing period closed (ADR 0021): queued by a run that failed before
 * its upload or was under way or resumed across the close (queued while the period was open, or after its close by a
 * run that judged it open at its record-closing-positions step), or for hours an earlier billing cycle of the customer
 * had in an open period. Stripe had invoiced the period without them and does not bill them, while the engine's
 * statement and the period's closing position count them. After the upload, every meter event the run sent whose
 * first call (its {@code in_flight_at}) came at or after its period's end plus
 * {@code tokentally.stripe.period-close-grace} counts, and each customer's period gets one
 * {@code METER_EVENTS_AFTER_CLOSE} error finding per run with what they are worth, so a person can charge it. Read
 * from the outbox, so a restarted upload finds what its failed attempt sent.
 */
final class MeterEventsAfterClose {

    private static final Logger log = LoggerFactory.getLogger(MeterEventsAfterClose.class);
    static final String KIND = "METER_EVENTS_AFTER_CLOSE";

    private final JdbcTemplate jdbc;
    private final FindingRepository findings;
    private final Duration grace;

    /** @param grace {@code tokentally.stripe.period-close-grace}: a period closes at its end plus this */
    MeterEventsAfterClose(JdbcTemplate jdbc, FindingRepository findings, Duration grace) {
        this.jdbc = jdbc;
        this.findings = findings;
        this.grace = grace;
    }

    /** What the run sent of one customer's closed period after its close. */
    private static final class Late {
        private long events;
        private long queuedAfterClose;
        private BigDecimal usd = BigDecimal.ZERO;
        private Instant firstCall;

        void add(BigDecimal worth, Instant call, boolean queuedAfterItsClose) {
            events++;
            queuedAfterClose += queuedAfterItsClose ? 1 : 0;
            usd = usd.add(worth);
            firstCall = firstCall == null || call.isBefore(firstCall) ? call : firstCall;
        }
    }

    private record Key(String customerId, BillingPeriod period) {}

    /**
     * Records the findings of the meter events the run sent after their periods closed, judged by each customer's
     * cycle in {@code customers}; returns how many customer periods have one.
     *
     * @param now the upload's clock: a period that has not closed by then holds no late event
     */
    int record(long run, Map<String, Customer> customers, Instant now) {
        Instant openFrom = customers.values().stream()
                .map(customer ->
                        customer.cycle().periodContaining(now.minus(grace)).start())
                .max(Instant::compareTo)
                .orElse(now);
        Map<Key, Late> late = new TreeMap<>(MeterEventsAfterClose::compare);
        jdbc.query(
                "SELECT customer_id, window_start, created_at, in_flight_at, value_micros, amount_usd FROM outbox"
                        + " WHERE sent_run = ? AND kind = 'METER_EVENT'"
                        + " AND outcome IN ('DELIVERED', 'ALREADY_DELIVERED') AND window_start < ?",
                rs -> {
                    String customerId = rs.getString("customer_id");
                    Customer customer = customers.get(customerId);
                    if (customer == null) {
                        log.warn(
                                "Meter events of customer {}, not in the customers file, are not checked for"
                                        + " having reached Stripe after their period closed",
                                customerId);
                        return;
                    }
                    BillingPeriod period = customer.cycle().periodContaining(SqlTime.read(rs, "window_start"));
                    Instant firstCall = SqlTime.read(rs, "in_flight_at");
                    Instant closedAt = period.end().plus(grace);
                    if (!closedAt.isAfter(firstCall)) {
                        BigDecimal amountUsd = rs.getBigDecimal("amount_usd");
                        BigDecimal worth =
                                amountUsd != null ? amountUsd : BigDecimal.valueOf(rs.getLong("value_micros"), 6);
                        late.computeIfAbsent(new Key(customerId, period), key -> new Late())
                                .add(worth, firstCall, !closedAt.isAfter(SqlTime.read(rs, "created_at")));
                    }
                },
                run,
                SqlTime.utc(openFrom));
        late.forEach((key, events) -> findings.record(finding(run, key, events), run));
        return late.size();
    }

    /**
     * When the events were queued: while the period was open, by a run that failed before its upload or ran across the
     * close; or after the close, by a run that judged the period open at its record-closing-positions step, or for
     * hours an earlier billing cycle of the customer had in an open period.
     */
    private static String whenQueued(Late late) {
        if (late.queuedAfterClose == 0) {
            return "They were queued while the period was open.";
        }
        return late.queuedAfterClose + " of them " + (late.queuedAfterClose == 1 ? "was" : "were")
                + " queued after that close: by a run that judged the period open at its record-closing-positions step,"
                + " or for hours an earlier billing cycle of the customer had in an open period (see"
                + " BILLING_CYCLE_CHANGED).";
    }

    private static int compare(Key a, Key b) {
        int byCustomer = a.customerId().compareTo(b.customerId());
        return byCustomer != 0 ? byCustomer : a.period().compareTo(b.period());
    }

    private Finding finding(long run, Key key, Late late) {
        Instant closedAt = key.period().end().plus(grace);
        return new Finding(
                "meter-events-after-close:" + key.customerId() + ":period:"
                        + key.period().start() + ":run:" + run,
                KIND,
                Finding.Severity.ERROR,
                "customer " + key.customerId() + ": " + late.events + " meter event(s) of the billing period "
                        + key.period() + ", worth " + Amounts.toMinorUnit(late.usd)
                        + " USD (exactly " + Amounts.toText(late.usd)
                        + ") at the customer's rates before included usage and credits, reached Stripe in run " + run
                        + " from " + late.firstCall + ", after the period closed at " + closedAt
                        + " (its end plus tokentally.stripe.period-close-grace " + grace + "). " + whenQueued(late)
                        + " Stripe had invoiced the period without them and does not bill them,"
                        + " while the statement and the period's closing position count them: check the invoice in"
                        + " Stripe and charge (or credit) the difference by hand, as a one-off invoice item");
    }
}
