package io.tokentally.job;

import io.tokentally.rating.RatedHours;
import io.tokentally.shared.Amounts;
import io.tokentally.shared.SqlTime;
import io.tokentally.shared.UsageWindow;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/** Reads what a run rated: totals per customer, provider, model and token type over the run's hours. */
@Repository
public class RunTotalsRepository {

    /**
     * The run's hours: its window and {@code run_hour}. The bounds of the first and the last of them come
     * first, so the primary key (which starts with the hour) narrows the read to the run's span, where the
     * condition alone scanned every rated aggregate of all history.
     */
    private static final String RUN_HOURS = " hour_start >= ? AND hour_start < ? AND (hour_start IN (SELECT hour_start"
            + " FROM run_hour WHERE ingest_run = ?) OR (hour_start >= ? AND hour_start < ?))";

    private final JdbcTemplate jdbc;

    public RunTotalsRepository(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * One line of the report's totals: the line's usage in every hour the run rated (not only the rows of
     * the run's files), and the first and last of those hours (UTC hour starts) that hold it.
     */
    public record Total(
            String customerId,
            String provider,
            String model,
            String tokenType,
            long tokens,
            long reasoningTokens,
            BigDecimal costUsd,
            BigDecimal billedUsd,
            Instant firstHour,
            Instant lastHour) {

        Map<String, Object> toJson() {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("customer_id", customerId);
            json.put("provider", provider);
            json.put("model", model);
            json.put("token_type", tokenType);
            json.put("tokens", tokens);
            if (tokenType.equals("output")) {
                json.put("reasoning_tokens", reasoningTokens);
            }
            json.put("cost_usd", Amounts.toText(costUsd));
            json.put("billed_usd", Amounts.toText(billedUsd));
            json.put("first_hour", firstHour.toString());
            json.put("last_hour", lastHour.toString());
            return json;
        }
    }

    /**
     * The run's totals, billed and unattributed, and how many aggregates the run changed: one pass over the
     * run's hours instead of one per figure.
     */
    public RunTotals totals(long run, UsageWindow window) {
        List<Total> billed = new ArrayList<>();
        List<Total> unattributed = new ArrayList<>();
        long[] changed = {0};
        List<Object> arguments = new ArrayList<>(List.of(run));
        arguments.addAll(runHours(run, window));
        jdbc.query(
                "SELECT attributed, customer_id, provider, model, token_type, SUM(tokens), SUM(reasoning_tokens),"
                        + " SUM(cost_usd), SUM(billed_usd), SUM(CASE WHEN rated_run = ? THEN 1 ELSE 0 END),"
                        + " MIN(hour_start) AS first_hour, MAX(hour_start) AS last_hour"
                        + " FROM rated_aggregate WHERE" + RUN_HOURS
                        + " GROUP BY attributed, customer_id, provider, model, token_type"
                        + " ORDER BY attributed, customer_id, provider, model, token_type",
                rs -> {
                    Total total = new Total(
                            rs.getString(2),
                            rs.getString(3),
                            rs.getString(4),
                            rs.getString(5),
                            rs.getLong(6),
                            rs.getLong(7),
                            rs.getBigDecimal(8),
                            rs.getBigDecimal(9),
                            SqlTime.read(rs, "first_hour"),
                            SqlTime.read(rs, "last_hour"));
                    (rs.getBoolean(1) ? billed : unattributed).add(total);
                    changed[0] += rs.getLong(10);
                },
                arguments.toArray());
        return new RunTotals(billed, unattributed, changed[0]);
    }

    /** The parameters of {@link #RUN_HOURS}: the bounds of the run's hours, the run, and the window. */
    private List<Object> runHours(long run, UsageWindow window) {
        TreeSet<Instant> hours = RatedHours.of(jdbc, run, window);
        return List.of(
                SqlTime.utc(hours.first()),
                SqlTime.utc(hours.last().plus(Duration.ofHours(1))),
                run,
                SqlTime.utc(window.from()),
                SqlTime.utc(window.to()));
    }

    /**
     * What a run rated, attributed ({@code billed}) and not, each ordered by customer, provider, model and
     * token type, and how many aggregates it inserted or changed. The rate step of a nightly run rates only
     * the run's hours (its window, the hours its files touched and the held hours it added to them), so
     * counting there counts every aggregate the run changed.
     */
    public record RunTotals(List<Total> billed, List<Total> unattributed, long aggregatesChanged) {}

    /** How many hours the run rated, and how many of them lie outside its window. */
    public record RatedHourCounts(long rated, long outsideWindow) {}

    /**
     * The hours the run rated: of the hours the rate step rated (the run's hours and every hour of its window),
     * those that hold aggregates, each looked up by the key's first column instead of counting the distinct
     * hours of every aggregate of the run's hours; those outside the window are late or early usage its files
     * touched, or held usage it re-rated.
     */
    public RatedHourCounts ratedHours(long run, UsageWindow window) {
        List<Instant> rated = RatedHours.of(jdbc, run, window).stream()
                .filter(hour -> RatedHours.holdsAggregates(jdbc, hour, false))
                .toList();
        long outside = rated.stream().filter(hour -> !window.contains(hour)).count();
        return new RatedHourCounts(rated.size(), outside);
    }

    /**
     * The buckets of aggregated exports whose numbers this run's files replaced (ADR 0012): source,
     * bucket, customers, model and the old and new count of each token type.
     */
    public List<Map<String, Object>> snapshotChanges(long run) {
        return jdbc.query(
                "SELECT source, bucket_id, file_id, previous_file_id, old_customer_id, new_customer_id, model,"
                        + " old_input_tokens, new_input_tokens, old_cache_read_tokens, new_cache_read_tokens,"
                        + " old_cache_write_5m_tokens, new_cache_write_5m_tokens, old_cache_write_1h_tokens,"
                        + " new_cache_write_1h_tokens, old_output_tokens, new_output_tokens, old_reasoning_tokens,"
                        + " new_reasoning_tokens FROM usage_snapshot_change WHERE ingest_run = ?"
                        + " ORDER BY source, bucket_id, file_id",
                (rs, rowNum) -> {
                    Map<String, Object> json = new LinkedHashMap<>();
                    json.put("source", rs.getString("source"));
                    json.put("bucket", rs.getString("bucket_id"));
                    json.put("file_id", rs.getLong("file_id"));
                    json.put("previous_file_id", rs.getLong("previous_file_id"));
                    json.put("old_customer_id", rs.getString("old_customer_id"));
                    json.put("customer_id", rs.getString("new_customer_id"));
                    json.put("model", rs.getString("model"));
                    for (String type :
                            List.of("input", "cache_read", "cache_write_5m", "cache_write_1h", "output", "reasoning")) {
                        Map<String, Long> oldAndNew = new LinkedHashMap<>();
                        oldAndNew.put("old", rs.getLong("old_" + type + "_tokens"));
                        oldAndNew.put("new", rs.getLong("new_" + type + "_tokens"));
                        json.put(type, oldAndNew);
                    }
                    return json;
                },
                run);
    }
}
