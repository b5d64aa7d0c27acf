package io.tokentally.stripe;

import io.tokentally.reconcile.Finding;
import io.tokentally.reconcile.FindingRepository;
import io.tokentally.shared.Amounts;
import io.tokentally.shared.BillingCycle;
import io.tokentally.shared.BillingPeriod;
import io.tokentally.shared.SqlTime;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Meter events that reached Stripe after their billing period closed (ADR 0021): queued while the period was
 * open, by a run that failed to upload or was under way or resumed across the close. Stripe had invoiced the
 * period without them and does not bill them, while the engine's statement and the period's closing position
 * count them. The upload notes each event Stripe takes whose first call came after the close; each customer's
 * period so noted gets one {@code METER_EVENTS_AFTER_CLOSE} error finding with what the outbox has sent for it
 * since the close, so a person can charge it.
 */
final class MeterEventsAfterClose {

    static final String KIND = "METER_EVENTS_AFTER_CLOSE";

    /** A customer's billing period that Stripe took a meter event of after it closed. */
    private record Late(String customerId, BillingPeriod period) {}

    private final JdbcTemplate jdbc;
    private final FindingRepository findings;
    private final Map<String, BillingCycle> cycles;
    private final Duration grace;
    private final Set<Late> noted = ConcurrentHashMap.newKeySet();

    /**
     * @param cycles each customer's billing cycle, by customer id
     * @param grace {@code tokentally.stripe.period-close-grace}: a period closes at its end plus this
     */
    MeterEventsAfterClose(
            JdbcTemplate jdbc, FindingRepository findings, Map<String, BillingCycle> cycles, Duration grace) {
        this.jdbc = jdbc;
        this.findings = findings;
        this.cycles = cycles;
        this.grace = grace;
    }

    /**
     * Notes a row Stripe took whose first call was made at {@code firstCall}, if it is a meter event whose
     * period had closed by then. Safe to call from several sending threads.
     */
    void noteTaken(OutboxRow row, Instant firstCall) {
        BillingCycle cycle = cycles.get(row.customerId());
        if (row.kind() != OutboxRow.Kind.METER_EVENT || cycle == null) {
            return;
        }
        BillingPeriod period = cycle.periodContaining(row.windowStart());
        if (!closesAt(period).isAfter(firstCall)) {
            noted.add(new Late(row.customerId(), period));
        }
    }

    /** Records, or brings up to date, the finding of every period noted since the last call. */
    void recordFindings(long run) {
        for (Late late : List.copyOf(noted)) {
            noted.remove(late);
            finding(late).ifPresent(finding -> findings.record(finding, run));
        }
    }

    private Instant closesAt(BillingPeriod period) {
        return period.end().plus(grace);
    }

    /** The finding of a period, from every meter event of it whose first call came after the close. */
    private Optional<Finding> finding(Late late) {
        Instant closedAt = closesAt(late.period());
        return jdbc.queryForObject(
                "SELECT COUNT(*), SUM(CASE WHEN amount_usd IS NULL THEN value_micros END), SUM(amount_usd),"
                        + " MIN(in_flight_at) AS first_call FROM outbox WHERE kind = 'METER_EVENT' AND customer_id = ?"
                        + " AND window_start >= ? AND window_start < ? AND outcome IN ('DELIVERED', 'ALREADY_DELIVERED')"
                        + " AND in_flight_at >= ?",
                (rs, rowNum) -> {
                    long events = rs.getLong(1);
                    if (events == 0) {
                        return Optional.<Finding>empty();
                    }
                    BigDecimal usd =
                            orZero(rs.getBigDecimal(2)).movePointLeft(6).add(orZero(rs.getBigDecimal(3)));
                    Instant first = SqlTime.read(rs, "first_call");
                    return Optional.of(new Finding(
                            "meter-events-after-close:" + late.customerId() + ":period:"
                                    + late.period().start(),
                            KIND,
                            Finding.Severity.ERROR,
                            message(late, closedAt, events, usd, first)));
                },
                late.customerId(),
                SqlTime.utc(late.period().start()),
                SqlTime.utc(late.period().end()),
                SqlTime.utc(closedAt));
    }

    private String message(Late late, Instant closedAt, long events, BigDecimal usd, Instant first) {
        return "customer " + late.customerId() + ": " + events + " meter event(s) of the billing period "
                + late.period() + ", worth " + Amounts.toText(usd)
                + " USD at the customer's rates before included usage and credits, first reached Stripe at " + first
                + ", after the period closed at " + closedAt + " (its end plus tokentally.stripe.period-close-grace "
                + grace + "). They were queued while the period was open (a run that failed to upload, or that was"
                + " under way or resumed across the close). Stripe had invoiced the period without them and does not"
                + " bill them, while the statement and the period's closing position count them: check the invoice"
                + " in Stripe and charge (or credit) the difference by hand, as a one-off invoice item";
    }

    private static BigDecimal orZero(BigDecimal value) {
        return value == null ? BigDecimal.ZERO : value;
    }
}
