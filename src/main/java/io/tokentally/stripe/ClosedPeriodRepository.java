package io.tokentally.stripe;

import io.tokentally.shared.BillingPeriod;
import io.tokentally.shared.SqlTime;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/**
 * The closing positions of billing periods (table {@code closed_period}) and the late invoice items
 * queued for them (outbox rows of meter {@link #METER}).
 */
@Repository
public class ClosedPeriodRepository {

    /** The outbox meter column of a closed period's invoice items; no real meter can be named so. */
    public static final String METER = "closed-period";

    private final JdbcTemplate jdbc;

    public ClosedPeriodRepository(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * A period's closing position, the rule it counts carried credits by and, by rule 3, what each grant paid of its
     * usage and carried, by grant key (empty by the earlier rules).
     */
    record ClosingPosition(PeriodPosition position, CarriedCredits rule, Map<String, GrantCredit> credits) {}

    /** What a grant paid of a closed period's usage at its close, and what of that its position counts as carried. */
    record GrantCredit(BigDecimal paidUsd, BigDecimal carriedUsd) {

        static final GrantCredit NONE = new GrantCredit(BigDecimal.ZERO, BigDecimal.ZERO);
    }

    /** The closing position of a customer's period, if a run recorded one. */
    Optional<ClosingPosition> closing(String customerId, BillingPeriod period) {
        List<ClosingPosition> found = jdbc.query(
                "SELECT overage_usd, carried_credits_usd, carried_rule FROM closed_period"
                        + " WHERE customer_id = ? AND period_start = ?",
                (rs, n) -> new ClosingPosition(
                        new PeriodPosition(
                                rs.getBigDecimal(1).stripTrailingZeros(),
                                rs.getBigDecimal(2).stripTrailingZeros()),
                        CarriedCredits.of(rs.getInt(3)),
                        Map.of()),
                customerId,
                SqlTime.utc(period.start()));
        return found.stream()
                .findFirst()
                .map(closing -> new ClosingPosition(closing.position(), closing.rule(), credits(customerId, period)));
    }

    private Map<String, GrantCredit> credits(String customerId, BillingPeriod period) {
        Map<String, GrantCredit> credits = new TreeMap<>();
        jdbc.query(
                "SELECT grant_key, paid_usd, carried_usd FROM closed_period_credit"
                        + " WHERE customer_id = ? AND period_start = ?",
                rs -> {
                    credits.put(
                            rs.getString(1),
                            new GrantCredit(
                                    rs.getBigDecimal(2).stripTrailingZeros(),
                                    rs.getBigDecimal(3).stripTrailingZeros()));
                },
                customerId,
                SqlTime.utc(period.start()));
        return credits;
    }

    /**
     * Per customer id, the latest end of its periods whose closing position a run recorded at or before {@code asOf}:
     * a run judges by the closes made by its own clock, so one resumed after a later run closed a period it rated
     * still sends that period's events (and {@link MeterEventsAfterClose} says they came late).
     */
    Map<String, Instant> latestEnds(Instant asOf) {
        Map<String, Instant> ends = new HashMap<>();
        jdbc.query(
                "SELECT customer_id, MAX(period_end) AS latest_end FROM closed_period WHERE closed_at <= ?"
                        + " GROUP BY customer_id",
                rs -> {
                    ends.put(rs.getString(1), SqlTime.read(rs, "latest_end"));
                },
                SqlTime.utc(asOf));
        return ends;
    }

    /** Whether a run recorded the closing position of a customer's period. */
    boolean isRecorded(String customerId, BillingPeriod period) {
        return jdbc.queryForObject(
                        "SELECT COUNT(*) FROM closed_period WHERE customer_id = ? AND period_start = ?",
                        Integer.class,
                        customerId,
                        SqlTime.utc(period.start()))
                > 0;
    }

    /** Records a closing position unless one is there: the first run to find the period closed wins. */
    boolean recordIfAbsent(String customerId, BillingPeriod period, ClosingPosition closing, long run, Instant at) {
        if (isRecorded(customerId, period)) {
            return false;
        }
        jdbc.update(
                "INSERT INTO closed_period (customer_id, period_start, period_end, overage_usd, carried_credits_usd,"
                        + " carried_rule, closed_run, closed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                customerId,
                SqlTime.utc(period.start()),
                SqlTime.utc(period.end()),
                closing.position().overageUsd(),
                closing.position().carriedCreditsUsd(),
                closing.rule().code,
                run,
                SqlTime.utc(at));
        closing.credits()
                .forEach((grantKey, credit) -> jdbc.update(
                        "INSERT INTO closed_period_credit (customer_id, period_start, grant_key, paid_usd, carried_usd)"
                                + " VALUES (?, ?, ?, ?, ?)",
                        customerId,
                        SqlTime.utc(period.start()),
                        grantKey,
                        credit.paidUsd(),
                        credit.carriedUsd()));
        return true;
    }

    /**
     * What the outbox holds for a closed period: the sum of its invoice items (rows Stripe refused for
     * good do not count, so their amount is planned again) and the highest revision.
     */
    public ClosedPeriodPlanner.Queued queued(String customerId, BillingPeriod period) {
        return jdbc.queryForObject(
                "SELECT COALESCE(SUM(CASE WHEN state = 'FAILED' THEN 0 ELSE value_micros END), 0),"
                        + " COALESCE(MAX(revision), 0) FROM outbox WHERE customer_id = ? AND meter = ? AND window_start = ?",
                (rs, n) -> new ClosedPeriodPlanner.Queued(rs.getLong(1), rs.getInt(2)),
                customerId,
                METER,
                SqlTime.utc(period.start()));
    }
}
