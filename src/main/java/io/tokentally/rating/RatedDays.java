package io.tokentally.rating;

import io.tokentally.shared.SqlDialect;
import io.tokentally.shared.SqlTime;
import io.tokentally.shared.TransactionLock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The attributed rated aggregates of each customer's UTC day, summed per model, token type, tiers and billed price
 * per million ({@code rated_day}, ADR 0028): what the days of a billing period before a given day add up to, read
 * without every hour of them (ADR 0025). The rate step's writer marks the customers' days it writes to ({@code
 * unsummed_day}, each mark naming its run); {@link #sumMarked} sums those days again, and every reader of {@code
 * rated_day} calls it first.
 */
@Component
public class RatedDays {

    /** An attributed aggregate's billed price per million: its custom rate, or its list price with the markup. */
    static final String BILLED_PER_MILLION =
            "COALESCE(rate_usd_per_million, usd_per_million * (100 + markup_percent) * 0.01)";

    private static final String SUM_DAY = "INSERT INTO rated_day (customer_id, day_start, model, token_type,"
            + " service_tier, context_tier, billed_per_million, tokens, billed_usd) SELECT customer_id,"
            + " CAST(? AS TIMESTAMP WITH TIME ZONE), model, token_type, service_tier, context_tier, "
            + BILLED_PER_MILLION + ", SUM(tokens), SUM(billed_usd) FROM rated_aggregate WHERE customer_id = ?"
            + " AND hour_start >= ? AND hour_start < ? AND attributed = TRUE"
            + " GROUP BY customer_id, model, token_type, service_tier, context_tier, " + BILLED_PER_MILLION;

    private static final long ADVISORY_KEY = 0x746f6b2d64617973L; // "tok-days"

    private final JdbcTemplate jdbc;
    private final TransactionLock lock;
    private final TransactionTemplate ownTransaction;
    private final String insertMark;

    public RatedDays(JdbcTemplate jdbc, DataSource dataSource, PlatformTransactionManager transactions) {
        this.jdbc = jdbc;
        SqlDialect dialect = SqlDialect.of(dataSource);
        this.lock = new TransactionLock(jdbc, dialect, ADVISORY_KEY);
        this.ownTransaction = new TransactionTemplate(transactions);
        this.ownTransaction.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
        List<String> columns = List.of("customer_id", "day_start", "marked_run");
        this.insertMark = dialect.insertIfAbsent("unsummed_day", columns, columns);
    }

    /** A customer's UTC day. */
    record CustomerDay(String customerId, Instant day) {

        static CustomerDay of(String customerId, Instant instant) {
            return new CustomerDay(customerId, instant.truncatedTo(ChronoUnit.DAYS));
        }
    }

    /** Marks the days as written to by {@code run}, in the caller's transaction. */
    void mark(Collection<CustomerDay> days, long run) {
        if (days.isEmpty()) {
            return;
        }
        jdbc.batchUpdate(insertMark, new ArrayList<>(days), days.size(), (ps, day) -> {
            ps.setString(1, day.customerId());
            SqlTime.bind(ps, 2, day.day());
            ps.setLong(3, run);
        });
    }

    /**
     * Takes the lock that summing holds, until the current transaction ends: a rate step's chunk holds it, so
     * that no sum falls inside the chunk ({@link WrittenMarks}). Never call {@link #sumMarked} while holding it:
     * the sum's own transaction would wait for it on PostgreSQL.
     */
    void holdSumLockUntilTransactionEnds() {
        lock.holdUntilTransactionEnds();
    }

    /** How many marks {@code run} has: fewer than it set means another run summed some. */
    int marksOf(long run) {
        return jdbc.queryForObject("SELECT COUNT(*) FROM unsummed_day WHERE marked_run = ?", Integer.class, run);
    }

    /**
     * Sums the marked days again from their rated aggregates and forgets the marks it read, in a transaction of
     * its own (a second connection while the caller's is open) under a lock that a rate step's chunks hold too
     * ({@link WrittenMarks}): two sums never overlap, and no chunk commits during one.
     *
     * @return how many customer days were summed
     */
    public int sumMarked() {
        return ownTransaction.execute(status -> {
            if (marks().isEmpty()) {
                return 0;
            }
            lock.holdUntilTransactionEnds();
            return sum(marks());
        });
    }

    private int sum(Map<CustomerDay, List<Long>> marks) {
        List<CustomerDay> days = new ArrayList<>(marks.keySet());
        jdbc.batchUpdate(
                "DELETE FROM rated_day WHERE customer_id = ? AND day_start = ?", days, days.size(), (ps, day) -> {
                    ps.setString(1, day.customerId());
                    SqlTime.bind(ps, 2, day.day());
                });
        jdbc.batchUpdate(SUM_DAY, days, days.size(), (ps, day) -> {
            SqlTime.bind(ps, 1, day.day());
            ps.setString(2, day.customerId());
            SqlTime.bind(ps, 3, day.day());
            SqlTime.bind(ps, 4, day.day().plus(1, ChronoUnit.DAYS));
        });
        List<Object[]> read = new ArrayList<>();
        marks.forEach((day, runs) ->
                runs.forEach(run -> read.add(new Object[] {day.customerId(), SqlTime.utc(day.day()), run})));
        jdbc.batchUpdate("DELETE FROM unsummed_day WHERE customer_id = ? AND day_start = ? AND marked_run = ?", read);
        return days.size();
    }

    /** The marked days, each with the runs that marked it. */
    private Map<CustomerDay, List<Long>> marks() {
        Map<CustomerDay, List<Long>> marks = new HashMap<>();
        jdbc.query("SELECT customer_id, day_start, marked_run FROM unsummed_day", rs -> {
            marks.computeIfAbsent(
                            new CustomerDay(rs.getString("customer_id"), SqlTime.read(rs, "day_start")),
                            day -> new ArrayList<>())
                    .add(rs.getLong("marked_run"));
        });
        return marks;
    }
}
