package io.tokentally.stripe;

import io.tokentally.rating.UnplannedHours;
import io.tokentally.shared.SqlTime;
import io.tokentally.shared.StorableText;
import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/** The outbox table. Every state change is its own statement, committed by the caller's transaction. */
@Repository
public class OutboxRepository {

    static final String COLUMNS = "outbox_id, kind, customer_id, stripe_customer_id, meter, window_start, revision,"
            + " identifier, idempotency_key, value_micros, event_timestamp, state, attempts, in_flight_at,"
            + " grant_category, grant_priority, grant_effective_at, grant_expires_at, grant_name, stripe_object_id,"
            + " amount_usd";

    /** Marks one row sent: its outcome, when, by which run, and the id of what Stripe made, if it names one. */
    private static final String MARK_SENT = "UPDATE outbox SET state = 'SENT', outcome = ?, sent_at = ?, sent_run = ?,"
            + " last_error = NULL, stripe_object_id = COALESCE(?, stripe_object_id) WHERE outbox_id = ?";

    /** The rows {@link #unsent()} reads. */
    private static final String UNSENT = "state IN ('PENDING', 'IN_FLIGHT') OR (state = 'UNCERTAIN'"
            + " AND kind <> 'METER_EVENT' AND NOT EXISTS (SELECT 1 FROM finding WHERE finding_key = '"
            + UploadFindings.UNCERTAIN + ":' || outbox.identifier AND status <> 'OPEN'))";

    private final JdbcTemplate jdbc;
    private final UnplannedHours unplannedHours;
    private final Clock clock;
    private final String insert;

    public OutboxRepository(JdbcTemplate jdbc, UnplannedHours unplannedHours, Clock clock) {
        this.jdbc = jdbc;
        this.unplannedHours = unplannedHours;
        this.clock = clock;
        this.insert = "INSERT INTO outbox (kind, customer_id, stripe_customer_id, meter, window_start, revision,"
                + " identifier, idempotency_key, value_micros, event_timestamp, state, created_run, created_at,"
                + " grant_category, grant_priority, grant_effective_at, grant_expires_at, grant_name, amount_usd)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    }

    /**
     * Adds planned rows. Planning reads what the outbox holds, so a restarted build plans only what is
     * still missing; the unique identifier refuses anything else.
     */
    public int insertAll(List<OutboxRow> rows, long run) {
        Instant now = Instant.now(clock);
        jdbc.batchUpdate(insert, rows, 1_000, (ps, row) -> {
            ps.setString(1, row.kind().name());
            ps.setString(2, row.customerId());
            ps.setString(3, row.stripeCustomerId());
            ps.setString(4, row.meter());
            SqlTime.bind(ps, 5, row.windowStart());
            ps.setInt(6, row.revision());
            ps.setString(7, row.identifier());
            ps.setString(8, row.idempotencyKey());
            ps.setLong(9, row.valueMicros());
            SqlTime.bind(ps, 10, row.eventTimestamp());
            ps.setString(11, row.state().name());
            ps.setLong(12, run);
            SqlTime.bind(ps, 13, now);
            OutboxRow.GrantTerms grant = row.grant();
            ps.setString(14, grant == null ? null : grant.category());
            ps.setObject(15, grant == null ? null : grant.priority(), java.sql.Types.INTEGER);
            SqlTime.bind(ps, 16, grant == null ? null : grant.effectiveAt());
            SqlTime.bind(ps, 17, grant == null ? null : grant.expiresAt());
            ps.setString(18, grant == null ? null : grant.name());
            ps.setBigDecimal(19, row.amountUsd());
        });
        // every row is inserted or the batch fails: the driver's counts say no more, and PostgreSQL's multi-row
        // inserts (reWriteBatchedInserts) report no count per row at all
        return rows.size();
    }

    /**
     * For the customers the run touched (run_customer), per (customer, meter) and hour of [from, to): the
     * sum of the values queued (rows Stripe rejected for good do not count, so their value is planned
     * again), the highest revision, the billed USD of tokens-layout rows, the sum of the invoice items' values and,
     * per Stripe customer its meter events went to, the latest first, what they hold and whether Stripe refused the
     * latest of them for good (a customer deleted in Stripe: the next decrease is not sent there night after night).
     */
    public Map<String, Map<Instant, OutboxPlanner.Queued>> queued(Instant from, Instant to, long run) {
        Map<String, Map<Instant, List<HeldPart>>> parts = new TreeMap<>();
        jdbc.query(
                "SELECT o.customer_id, o.meter, o.window_start, o.stripe_customer_id,"
                        + " SUM(CASE WHEN o.state = 'FAILED' THEN 0 ELSE o.value_micros END), MAX(o.revision),"
                        + " SUM(CASE WHEN o.state = 'FAILED' THEN 0 ELSE COALESCE(o.amount_usd, 0) END),"
                        + " SUM(CASE WHEN o.kind = 'INVOICE_ITEM' AND o.state <> 'FAILED' THEN o.value_micros"
                        + " ELSE 0 END),"
                        + " SUM(CASE WHEN o.kind = 'METER_EVENT' AND o.state <> 'FAILED' THEN o.value_micros"
                        + " ELSE 0 END),"
                        + " MAX(CASE WHEN o.kind = 'METER_EVENT' THEN o.revision END),"
                        + " MAX(CASE WHEN o.kind = 'METER_EVENT' AND o.state = 'FAILED' THEN o.revision END)"
                        + " FROM outbox o"
                        + " JOIN run_customer c ON c.customer_id = o.customer_id AND c.ingest_run = ?"
                        + " WHERE o.window_start >= ? AND o.window_start < ?"
                        + " AND o.kind IN ('METER_EVENT', 'INVOICE_ITEM') AND o.meter <> '"
                        + ClosedPeriodRepository.METER + "'"
                        + " GROUP BY o.customer_id, o.meter, o.window_start, o.stripe_customer_id",
                rs -> {
                    int latestEvent = rs.getInt(10);
                    boolean anyEvent = !rs.wasNull();
                    int latestRefused = rs.getInt(11);
                    boolean anyRefused = !rs.wasNull();
                    parts.computeIfAbsent(key(rs.getString(1), rs.getString(2)), k -> new TreeMap<>())
                            .computeIfAbsent(SqlTime.read(rs, "window_start"), k -> new ArrayList<>())
                            .add(new HeldPart(
                                    rs.getLong(5),
                                    rs.getInt(6),
                                    rs.getBigDecimal(7),
                                    rs.getLong(8),
                                    anyEvent
                                            ? new OutboxPlanner.Holding(
                                                    rs.getString(4),
                                                    rs.getLong(9),
                                                    anyRefused && latestRefused == latestEvent)
                                            : null,
                                    latestEvent));
                },
                run,
                SqlTime.utc(from),
                SqlTime.utc(to));
        Map<String, Map<Instant, OutboxPlanner.Queued>> queued = new TreeMap<>();
        parts.forEach((customerMeter, hours) -> {
            Map<Instant, OutboxPlanner.Queued> byHour = new TreeMap<>();
            hours.forEach((hour, held) -> byHour.put(hour, HeldPart.sum(held)));
            queued.put(customerMeter, byHour);
        });
        return queued;
    }

    /**
     * What the rows of an hour sent to one Stripe customer hold, as {@link OutboxPlanner.Queued} counts them, and
     * its meter events' holding (null: none) with the revision of the latest of them.
     */
    private record HeldPart(
            long valueMicros,
            int revision,
            BigDecimal amountUsd,
            long invoicedMicros,
            OutboxPlanner.Holding holding,
            int latestEvent) {

        /** The hour's queued rows, all Stripe customers' together. */
        static OutboxPlanner.Queued sum(List<HeldPart> parts) {
            long value = 0;
            int revision = 0;
            BigDecimal amountUsd = BigDecimal.ZERO;
            long invoiced = 0;
            for (HeldPart part : parts) {
                value += part.valueMicros();
                revision = Math.max(revision, part.revision());
                amountUsd = amountUsd.add(part.amountUsd());
                invoiced += part.invoicedMicros();
            }
            List<OutboxPlanner.Holding> holdings = parts.stream()
                    .filter(part -> part.holding() != null)
                    .sorted(Comparator.comparingInt(HeldPart::latestEvent).reversed())
                    .map(HeldPart::holding)
                    .toList();
            return new OutboxPlanner.Queued(value, revision, amountUsd, invoiced, holdings);
        }
    }

    static String key(String customerId, String meter) {
        return customerId + '\u0000' + meter;
    }

    /**
     * Rows still to send (or to resolve), oldest first; invoice item and credit grant rows left uncertain too, which
     * Stripe can be asked about ({@link StripeArrivals}), unless a person took their {@code UPLOAD_UNCERTAIN} error
     * on (resolved or acknowledged it): the versions that left them told a person to send them by hand if they had
     * not arrived, and what a person makes carries no identifier a lookup could find.
     */
    public List<OutboxRow> unsent() {
        return jdbc.query(
                "SELECT " + COLUMNS + " FROM outbox WHERE " + UNSENT + " ORDER BY outbox_id", OutboxRepository::map);
    }

    /** How many of a customer's rows naming {@code stripeCustomerId} are still to send (or to resolve). */
    public long unsent(String customerId, String stripeCustomerId) {
        Long rows = jdbc.queryForObject(
                "SELECT COUNT(*) FROM outbox WHERE customer_id = ? AND stripe_customer_id = ?"
                        + " AND state IN ('PENDING', 'IN_FLIGHT')",
                Long.class,
                customerId,
                stripeCustomerId);
        return rows == null ? 0 : rows;
    }

    /**
     * The rows run {@code run}'s upload tried and left pending (every call refused, unreachable, unanswered or
     * answered 429: {@link #markNeverReceived}, {@link #markMayHaveArrived}), and the error of the last of them; empty
     * when there are none. Rows another uploader claimed after it are that uploader's.
     */
    public Optional<NotSent> notSent(long run) {
        Map<String, Object> tried = jdbc.queryForMap(
                "SELECT COUNT(*) AS tried, MAX(outbox_id) AS last_id FROM outbox"
                        + " WHERE state = 'PENDING' AND attempts > 0 AND tried_run = ?",
                run);
        long rows = ((Number) tried.get("tried")).longValue();
        if (rows == 0) {
            return Optional.empty();
        }
        // another uploader may have sent it since the count: its error is then gone
        String lastError = jdbc
                .queryForList(
                        "SELECT last_error FROM outbox WHERE outbox_id = ? AND state = 'PENDING'",
                        String.class,
                        tried.get("last_id"))
                .stream()
                .findFirst()
                .orElse("sent since");
        return Optional.of(new NotSent(rows, lastError));
    }

    /** Whether any row an upload tried, of any run, is still pending. */
    public boolean anyTriedPending() {
        return jdbc.queryForObject("SELECT COUNT(*) FROM outbox WHERE state = 'PENDING' AND attempts > 0", Long.class)
                > 0;
    }

    /** Rows an upload tried and left pending, and the last one's error. */
    public record NotSent(long rows, String lastError) {}

    /**
     * Claims a row for a call: only a row still pending or in flight is claimed, so a row another
     * uploader has sent (or given up on) meanwhile is left alone. A row no claim has marked yet takes
     * {@code claimedAt} as its {@code in_flight_at}.
     *
     * @param claimedAt the claim's time, to the microsecond: what {@link #markNeverReceived} compares
     * @param run the claiming run, which {@link #notSent} counts the row to while it stays pending
     * @return whether this caller claimed the row
     */
    public boolean markInFlight(long outboxId, Instant claimedAt, long run) {
        return jdbc.update(
                        "UPDATE outbox SET state = 'IN_FLIGHT', attempts = attempts + 1,"
                                + " in_flight_at = COALESCE(in_flight_at, ?), tried_run = ? WHERE outbox_id = ?"
                                + " AND state IN ('PENDING', 'IN_FLIGHT')",
                        SqlTime.utc(claimedAt),
                        run,
                        outboxId)
                == 1;
    }

    /** Counts calls that were repeated (429, 409, 5xx, connection errors) in the row's attempts. */
    public void addRetries(long outboxId, int retries) {
        if (retries > 0) {
            jdbc.update("UPDATE outbox SET attempts = attempts + ? WHERE outbox_id = ?", retries, outboxId);
        }
    }

    public void markSent(long outboxId, String outcome, long run) {
        markSent(outboxId, outcome, run, null);
    }

    /** @param stripeObjectId the id of what Stripe created (a credit grant), or null */
    public void markSent(long outboxId, String outcome, long run, String stripeObjectId) {
        jdbc.update(MARK_SENT, outcome, SqlTime.utc(Instant.now(clock)), run, stripeObjectId, outboxId);
    }

    /**
     * Marks a row sent with what a lookup in Stripe found of it, unless another upload moved the row since {@code
     * row} was read from it (its state or its time in flight differ): then the row is left as it is.
     *
     * @param stripeObjectId the id of what the lookup found (a grant, an invoice item), or null
     * @return whether the row was marked
     */
    boolean settleLookedUp(OutboxRow row, String outcome, long run, String stripeObjectId) {
        List<Object> arguments = new ArrayList<>(Arrays.asList(
                outcome,
                SqlTime.utc(Instant.now(clock)),
                run,
                stripeObjectId,
                row.outboxId(),
                row.state().name()));
        if (row.inFlightAt() != null) {
            arguments.add(SqlTime.utc(row.inFlightAt()));
        }
        return jdbc.update(
                        MARK_SENT + " AND state = ?"
                                + (row.inFlightAt() != null ? " AND in_flight_at = ?" : " AND in_flight_at IS NULL"),
                        arguments.toArray())
                > 0;
    }

    /**
     * Per hour of [from, to) and Stripe customer, what the customer's meter events of the hour there bill, refused
     * ones left out: their billed USD in the tokens layout, their micro-USD as USD in the amount layout.
     */
    public StripeHolders stripeHolders(String customerId, String current, Instant from, Instant to) {
        Map<Instant, Map<String, BigDecimal>> billed = new TreeMap<>();
        jdbc.query(
                "SELECT window_start, stripe_customer_id,"
                        + " SUM(CASE WHEN state = 'FAILED' THEN 0 ELSE COALESCE(amount_usd, 0) END),"
                        + " SUM(CASE WHEN state = 'FAILED' OR amount_usd IS NOT NULL THEN 0 ELSE value_micros END)"
                        + " FROM outbox WHERE customer_id = ? AND kind = 'METER_EVENT' AND window_start >= ?"
                        + " AND window_start < ? AND stripe_customer_id IS NOT NULL"
                        + " GROUP BY window_start, stripe_customer_id",
                rs -> {
                    BigDecimal usd = rs.getBigDecimal(3).add(BigDecimal.valueOf(rs.getLong(4), 6));
                    billed.computeIfAbsent(SqlTime.read(rs, "window_start"), hour -> new TreeMap<>())
                            .put(rs.getString(2), usd);
                },
                customerId,
                SqlTime.utc(from),
                SqlTime.utc(to));
        return new StripeHolders(current, billed);
    }

    /** Marks a row refused for good; its value is planned again by the next build ({@link #unplanHourOf}). */
    public void markFailed(long outboxId, String error, long run) {
        jdbc.update(
                "UPDATE outbox SET state = 'FAILED', outcome = 'REJECTED', last_error = ?, sent_run = ? WHERE outbox_id = ?",
                limit(error),
                run,
                outboxId);
        unplanHourOf("outbox_id = ?", outboxId);
    }

    /**
     * The identifiers of the hour's meter events and invoice items that Stripe refused for good before the row was
     * planned: a plan leaves a refused value out of what the hour holds, so the row carries it again.
     */
    public List<String> refusedBeforePlanned(OutboxRow row) {
        return jdbc.queryForList(
                "SELECT identifier FROM outbox WHERE customer_id = ? AND meter = ? AND window_start = ?"
                        + " AND kind IN ('METER_EVENT', 'INVOICE_ITEM') AND state = 'FAILED'"
                        + " AND sent_run < (SELECT created_run FROM outbox WHERE outbox_id = ?)",
                String.class,
                row.customerId(),
                row.meter(),
                SqlTime.utc(row.windowStart()),
                row.outboxId());
    }

    /**
     * Marks a sent row that Stripe refused after accepting it (its meter's error report) as refused for good.
     *
     * @return how many rows with this identifier are failed
     */
    int markRefusedAfterAcceptance(String identifier, String error) {
        jdbc.update(
                "UPDATE outbox SET state = 'FAILED', outcome = 'REJECTED', last_error = ? WHERE identifier = ?"
                        + " AND state = 'SENT'",
                limit(error),
                identifier);
        unplanHourOf("identifier = ?", identifier);
        return jdbc.queryForObject(
                "SELECT COUNT(*) FROM outbox WHERE identifier = ? AND state = 'FAILED'", Integer.class, identifier);
    }

    /**
     * Marks the hour of the meter value rows that {@code where} selects unplanned, so that the next build plans
     * the hour's value again, without the failed row: it plans a period only from its first unplanned day. The
     * mark names minus the row's id, not a run, so no other mark is the same one: a build that read an earlier
     * mark of the hour forgets that one only.
     */
    private void unplanHourOf(String where, Object argument) {
        jdbc.query(
                "SELECT window_start, outbox_id FROM outbox WHERE " + where
                        + " AND kind IN ('METER_EVENT', 'INVOICE_ITEM')",
                rs -> {
                    unplannedHours.mark(List.of(SqlTime.read(rs, "window_start")), -rs.getLong("outbox_id"));
                },
                argument);
    }

    public void markUncertain(long outboxId, String reason, long run) {
        jdbc.update(
                "UPDATE outbox SET state = 'UNCERTAIN', last_error = ?, sent_run = ? WHERE outbox_id = ?",
                limit(reason),
                run,
                outboxId);
    }

    /**
     * Leaves a claimed row pending after calls of which none reached Stripe (every one answered 429 or refused its
     * connection). If this claim marked its {@code in_flight_at} ({@code claimedAt}), no call of the row reached
     * Stripe, so the time is cleared and a later run may send it whenever it comes, not only while Stripe dedups
     * its identifier; a time another claim marked stays. A row another uploader sent or gave up on meanwhile is
     * left alone.
     */
    public void markNeverReceived(long outboxId, String error, Instant claimedAt) {
        jdbc.update(
                "UPDATE outbox SET state = 'PENDING', last_error = ?,"
                        + " in_flight_at = CASE WHEN in_flight_at = ? THEN NULL ELSE in_flight_at END"
                        + " WHERE outbox_id = ? AND state = 'IN_FLIGHT'",
                limit(error),
                SqlTime.utc(claimedAt),
                outboxId);
    }

    /**
     * Leaves a claimed row pending after calls that may have reached Stripe, its {@code in_flight_at} the earliest
     * of its own and {@code claimedAt} (another claim that reached nothing may have cleared it meanwhile). A row
     * another uploader sent or Stripe refused meanwhile is left alone.
     *
     * @return the row's first call that may have reached Stripe, its {@code in_flight_at} now; empty for a row left
     *     alone
     */
    public Optional<Instant> markMayHaveArrived(long outboxId, String error, Instant claimedAt) {
        int updated = jdbc.update(
                "UPDATE outbox SET state = 'PENDING', last_error = ?, in_flight_at = CASE"
                        + " WHEN in_flight_at IS NULL OR in_flight_at > ? THEN ? ELSE in_flight_at END"
                        + " WHERE outbox_id = ? AND state IN ('PENDING', 'IN_FLIGHT')",
                limit(error),
                SqlTime.utc(claimedAt),
                SqlTime.utc(claimedAt),
                outboxId);
        if (updated == 0) {
            return Optional.empty();
        }
        return Optional.of(jdbc.queryForObject(
                "SELECT in_flight_at FROM outbox WHERE outbox_id = ?",
                (rs, rowNum) -> SqlTime.read(rs, "in_flight_at"),
                outboxId));
    }

    /**
     * Leaves a row Stripe showed never arrived pending and no longer in flight, so that it is sent as new (with its
     * idempotency key, which holds no grant in Stripe if Stripe still keeps it).
     */
    public void markNotArrived(long outboxId) {
        jdbc.update(
                "UPDATE outbox SET state = 'PENDING', in_flight_at = NULL WHERE outbox_id = ?"
                        + " AND state IN ('PENDING', 'IN_FLIGHT', 'UNCERTAIN')",
                outboxId);
    }

    /** Leaves a row pending after transient errors, with the last error, for the next run to retry. */
    public void markRetryLater(long outboxId, String error) {
        jdbc.update("UPDATE outbox SET state = 'PENDING', last_error = ? WHERE outbox_id = ?", limit(error), outboxId);
    }

    /** Counts of rows by outcome or state that a run produced, for the report. */
    public Map<String, Long> countsOfRun(long run) {
        Map<String, Long> counts = new TreeMap<>();
        jdbc.query(
                "SELECT kind, COALESCE(outcome, state), COUNT(*) FROM outbox WHERE sent_run = ? GROUP BY kind, COALESCE(outcome, state)",
                rs -> {
                    counts.put(rs.getString(1) + ":" + rs.getString(2), rs.getLong(3));
                },
                run);
        // what the next upload reads waits too: a row in flight, or left uncertain, that Stripe could not be asked
        // about
        Long pending = jdbc.queryForObject("SELECT COUNT(*) FROM outbox WHERE " + UNSENT, Long.class);
        counts.put("PENDING", pending == null ? 0 : pending);
        return counts;
    }

    /** Invoice items (late usage) a run sent or would send. */
    public List<OutboxRow> invoiceItemsOfRun(long run) {
        return jdbc.query(
                "SELECT " + COLUMNS + " FROM outbox WHERE kind = 'INVOICE_ITEM' AND (created_run = ? OR sent_run = ?)"
                        + " ORDER BY outbox_id",
                OutboxRepository::map,
                run,
                run);
    }

    static OutboxRow map(ResultSet rs, int rowNum) throws SQLException {
        return new OutboxRow(
                rs.getLong("outbox_id"),
                OutboxRow.Kind.valueOf(rs.getString("kind")),
                rs.getString("customer_id"),
                rs.getString("stripe_customer_id"),
                rs.getString("meter"),
                SqlTime.read(rs, "window_start"),
                rs.getInt("revision"),
                rs.getString("identifier"),
                rs.getString("idempotency_key"),
                rs.getLong("value_micros"),
                SqlTime.read(rs, "event_timestamp"),
                OutboxRow.State.valueOf(rs.getString("state")),
                rs.getInt("attempts"),
                SqlTime.read(rs, "in_flight_at"),
                grantTerms(rs),
                rs.getBigDecimal("amount_usd"));
    }

    private static OutboxRow.GrantTerms grantTerms(ResultSet rs) throws SQLException {
        String category = rs.getString("grant_category");
        if (category == null && !rs.getString("kind").startsWith("CREDIT_GRANT")) {
            return null;
        }
        return new OutboxRow.GrantTerms(
                category,
                rs.getInt("grant_priority"),
                SqlTime.read(rs, "grant_effective_at"),
                SqlTime.read(rs, "grant_expires_at"),
                rs.getString("grant_name"),
                rs.getString("stripe_object_id"));
    }

    private static String limit(String text) {
        return StorableText.cut(text, 2000);
    }
}
