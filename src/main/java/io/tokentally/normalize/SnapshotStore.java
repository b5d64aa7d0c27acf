package io.tokentally.normalize;

import io.tokentally.shared.ContextTier;
import io.tokentally.shared.ServiceTier;
import io.tokentally.shared.SqlTime;
import io.tokentally.shared.UnitCounts;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The latest numbers of every bucket of an aggregated export ({@code usage_snapshot}, by source and
 * bucket id) and the replacements of a bucket's numbers by a newer export ({@code usage_snapshot_change}).
 */
class SnapshotStore {

    private static final int KEYS_PER_QUERY = 500;
    private static final String COLUMNS = "snapshot_key, source, bucket_id, file_id, ingest_run, hour_start,"
            + " customer_id, attributed, provider, model, service_tier, context_tier, price_epoch, newest_price_id,"
            + " billable, input_tokens, cache_read_tokens, cache_write_5m_tokens, cache_write_1h_tokens, output_tokens,"
            + " reasoning_tokens, web_search_requests, images, audio_seconds";
    private static final String INSERT = "INSERT INTO usage_snapshot (" + COLUMNS + ") VALUES ("
            + String.join(", ", Collections.nCopies(24, "?")) + ")";
    private static final String UPDATE = "UPDATE usage_snapshot SET source = ?, bucket_id = ?, file_id = ?,"
            + " ingest_run = ?, hour_start = ?, customer_id = ?, attributed = ?, provider = ?, model = ?,"
            + " service_tier = ?, context_tier = ?, price_epoch = ?, newest_price_id = ?, billable = ?,"
            + " input_tokens = ?,"
            + " cache_read_tokens = ?, cache_write_5m_tokens = ?, cache_write_1h_tokens = ?, output_tokens = ?,"
            + " reasoning_tokens = ?, web_search_requests = ?, images = ?, audio_seconds = ? WHERE snapshot_key = ?";
    private static final String INSERT_CHANGE = "INSERT INTO usage_snapshot_change (ingest_run, file_id,"
            + " previous_file_id, source, bucket_id, old_customer_id, new_customer_id, model, old_input_tokens,"
            + " new_input_tokens, old_cache_read_tokens, new_cache_read_tokens, old_cache_write_5m_tokens,"
            + " new_cache_write_5m_tokens, old_cache_write_1h_tokens, new_cache_write_1h_tokens, old_output_tokens,"
            + " new_output_tokens, old_reasoning_tokens, new_reasoning_tokens, old_web_search_requests,"
            + " new_web_search_requests, old_images, new_images, old_audio_seconds, new_audio_seconds) VALUES ("
            + String.join(", ", Collections.nCopies(26, "?")) + ")";

    /** A bucket's numbers as a usage line (its time is the bucket's hour), by its key. */
    record Snapshot(String key, UsageLine line) {}

    /** A bucket whose numbers a newer export replaced. */
    record Change(UsageLine previous, UsageLine current) {}

    private final JdbcTemplate jdbc;

    SnapshotStore(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** The stored snapshots of these keys, by key. */
    Map<String, UsageLine> load(List<String> keys) {
        Map<String, UsageLine> stored = new HashMap<>();
        for (int from = 0; from < keys.size(); from += KEYS_PER_QUERY) {
            List<String> slice = keys.subList(from, Math.min(keys.size(), from + KEYS_PER_QUERY));
            jdbc.query(
                    "SELECT " + COLUMNS + " FROM usage_snapshot WHERE snapshot_key IN ("
                            + String.join(", ", Collections.nCopies(slice.size(), "?")) + ")",
                    rs -> {
                        stored.put(rs.getString("snapshot_key"), snapshotLine(rs));
                    },
                    slice.toArray());
        }
        return stored;
    }

    /** The usage line of a {@code usage_snapshot} row, with its bucket id as the request id. */
    private static UsageLine snapshotLine(ResultSet rs) throws SQLException {
        return new UsageLine(
                rs.getString("source"),
                rs.getString("bucket_id"),
                rs.getLong("file_id"),
                0,
                SqlTime.read(rs, "hour_start"),
                SqlTime.read(rs, "price_epoch"),
                rs.getLong("newest_price_id"),
                rs.getString("customer_id"),
                rs.getBoolean("attributed"),
                rs.getString("provider"),
                rs.getString("model"),
                rs.getString("model"),
                ServiceTier.parse(rs.getString("service_tier")).orElseThrow(),
                ContextTier.fromCode(rs.getString("context_tier")),
                rs.getBoolean("billable"),
                rs.getLong("input_tokens"),
                rs.getLong("cache_read_tokens"),
                rs.getLong("cache_write_5m_tokens"),
                rs.getLong("cache_write_1h_tokens"),
                rs.getLong("output_tokens"),
                rs.getLong("reasoning_tokens"),
                units(rs),
                false,
                null,
                true); // the tier it was stored at, as stated: a stored bucket is compared as it is
    }

    /** The web search, image and audio counts of a {@code usage_snapshot} row. */
    private static UnitCounts units(ResultSet rs) throws SQLException {
        return new UnitCounts(rs.getLong("web_search_requests"), rs.getLong("images"), rs.getLong("audio_seconds"));
    }

    void insert(long run, List<Snapshot> snapshots) {
        jdbc.batchUpdate(INSERT, snapshots, 1_000, (ps, snapshot) -> {
            ps.setString(1, snapshot.key());
            bindLine(ps, 2, run, snapshot.line());
        });
    }

    void update(long run, List<Snapshot> snapshots) {
        jdbc.batchUpdate(UPDATE, snapshots, 1_000, (ps, snapshot) -> {
            bindLine(ps, 1, run, snapshot.line());
            ps.setString(24, snapshot.key());
        });
    }

    void recordChanges(long run, List<Change> changes) {
        jdbc.batchUpdate(INSERT_CHANGE, changes, 1_000, (ps, change) -> {
            UsageLine previous = change.previous();
            UsageLine current = change.current();
            ps.setLong(1, run);
            ps.setLong(2, current.fileId());
            ps.setLong(3, previous.fileId());
            ps.setString(4, current.source());
            ps.setString(5, current.requestId());
            ps.setString(6, previous.customerId());
            ps.setString(7, current.customerId());
            ps.setString(8, current.model());
            long[] old = counts(previous);
            long[] now = counts(current);
            for (int i = 0; i < old.length; i++) {
                ps.setLong(9 + 2 * i, old[i]);
                ps.setLong(10 + 2 * i, now[i]);
            }
        });
    }

    /** Input, cache read, 5-minute and 1-hour cache writes, output, reasoning, then the units. */
    static long[] counts(UsageLine line) {
        return new long[] {
            line.input(),
            line.cacheRead(),
            line.cacheWrite5m(),
            line.cacheWrite1h(),
            line.output(),
            line.reasoning(),
            line.units().webSearchRequests(),
            line.units().images(),
            line.units().audioSeconds()
        };
    }

    private static void bindLine(PreparedStatement ps, int at, long run, UsageLine line) throws SQLException {
        int i = at;
        ps.setString(i++, line.source());
        ps.setString(i++, line.requestId());
        ps.setLong(i++, line.fileId());
        ps.setLong(i++, run);
        SqlTime.bind(ps, i++, line.hourStart());
        ps.setString(i++, line.customerId());
        ps.setBoolean(i++, line.attributed());
        ps.setString(i++, line.provider());
        ps.setString(i++, line.model());
        ps.setString(i++, line.serviceTier().code());
        ps.setString(i++, line.contextTier().code());
        SqlTime.bind(ps, i++, line.priceEpoch());
        ps.setLong(i++, line.newestPriceId());
        ps.setBoolean(i++, line.billable());
        for (long count : counts(line)) {
            ps.setLong(i++, count);
        }
    }
}
