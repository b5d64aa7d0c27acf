package io.tokentally.normalize;

import io.tokentally.shared.SqlDialect;
import io.tokentally.shared.SqlTime;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Where ingest keeps what it accepted: usage totals per file and hour ({@code usage_hourly}), the
 * request keys of every accepted row, with their fingerprints, in blocks per file and day
 * ({@code usage_key_block}), and the
 * hours each run touched ({@code run_hour}).
 */
class UsageStore {

    static final int KEYS_PER_BLOCK = 65_536;
    private static final String INSERT_TOTALS = "INSERT INTO usage_hourly (file_id, ingest_run, hour_start,"
            + " customer_id, attributed, provider, model, service_tier, context_tier, price_epoch, billable, requests,"
            + " input_tokens, cache_read_tokens, cache_write_5m_tokens, cache_write_1h_tokens, output_tokens,"
            + " reasoning_tokens, web_search_requests, images, audio_seconds, first_line, last_line, held,"
            + " held_input_tokens, newest_price_id)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

    private static final Comparator<UsageTotals.Group> STORAGE_ORDER = Comparator.comparing(
                    UsageTotals.Group::hourStart)
            .thenComparing(UsageTotals.Group::customerId)
            .thenComparing(UsageTotals.Group::model);

    private final JdbcTemplate jdbc;
    private final String insertHour;
    private final String insertHeldModelHour;

    UsageStore(JdbcTemplate jdbc, SqlDialect dialect) {
        this.jdbc = jdbc;
        this.insertHour = dialect.insertIfAbsent(
                "run_hour", List.of("ingest_run", "hour_start"), List.of("ingest_run", "hour_start"));
        this.insertHeldModelHour = dialect.insertIfAbsent(
                "held_model_hour",
                List.of("provider", "model", "hour_start"),
                List.of("provider", "model", "hour_start"));
    }

    /** The newest stored key block; blocks stored later have higher ids. */
    long latestKeyBlock() {
        Long latest = jdbc.queryForObject("SELECT MAX(block_id) FROM usage_key_block", Long.class);
        return latest == null ? 0 : latest;
    }

    /**
     * Adds to {@code keys} the stored keys of {@code day} in blocks after {@code afterBlock}; returns the last block
     * added, or {@code afterBlock} when there was none. The blocks are read one by one: a day's blocks in one result
     * held 24 bytes per key beside the set being filled (180 MB for a day of 7.5 million requests).
     */
    long loadKeys(LocalDate day, long afterBlock, RequestKeySet keys) {
        List<Long> blocks = blocksAfter(day, afterBlock);
        for (long block : blocks) {
            jdbc.query(
                    "SELECT request_keys, request_fingerprints FROM usage_key_block WHERE block_id = ?",
                    rs -> {
                        keys.addAll(rs.getBytes(1), rs.getBytes(2));
                    },
                    block);
        }
        return blocks.isEmpty() ? afterBlock : blocks.get(blocks.size() - 1);
    }

    /**
     * A file whose keys of {@code day} were committed after block {@code afterBlock} and hold one of {@code
     * candidates}, named by path and file id (a version of the same path may be the one); empty when there is none.
     */
    Optional<String> committedFileHoldingAnyOf(LocalDate day, long afterBlock, RequestKeySet candidates) {
        for (long block : blocksAfter(day, afterBlock)) {
            Optional<String> file = jdbc.query(
                    "SELECT b.request_keys, f.path, f.file_id FROM usage_key_block b"
                            + " JOIN ingested_file f ON f.file_id = b.file_id WHERE b.block_id = ?",
                    rs -> rs.next() && candidates.holdsAnyOf(rs.getBytes(1))
                            ? Optional.of(rs.getString(2) + " (file " + rs.getLong(3) + ")")
                            : Optional.<String>empty(),
                    block);
            if (file.isPresent()) {
                return file;
            }
        }
        return Optional.empty();
    }

    /**
     * The ids of the key blocks of {@code day} stored after block {@code afterBlock}, in order: a caller reads them one
     * by one, as both databases' drivers hold a query's whole result.
     */
    private List<Long> blocksAfter(LocalDate day, long afterBlock) {
        return jdbc.queryForList(
                "SELECT block_id FROM usage_key_block WHERE usage_day = ? AND block_id > ? ORDER BY block_id",
                Long.class,
                day,
                afterBlock);
    }

    /**
     * Stores a file's keys, a block at a time: all of a big file's blocks in one batch held them twice beside its
     * keys (24 bytes a key in the blocks and as many in the driver's copies: about 120 MB for a file of 2.5 million
     * requests).
     */
    void insertKeys(long fileId, Map<LocalDate, RequestKeySet> keysByDay) {
        keysByDay.forEach((day, keys) -> keys.forEachBlock(
                KEYS_PER_BLOCK,
                block -> jdbc.update(
                        "INSERT INTO usage_key_block (file_id, usage_day, key_count, request_keys, request_fingerprints)"
                                + " VALUES (?, ?, ?, ?, ?)",
                        fileId,
                        day,
                        block.size(),
                        block.keys(),
                        block.fingerprints())));
    }

    /**
     * Inserts a file's totals hour by hour, so that each hour's rows of the file lie together in the table and
     * a read of one hour (the rate step's) finds them in a few pages: in the order of the in-memory map, the
     * 1M-row bench's rate step read its rows through the hour index from pages all over the table.
     */
    void insertTotals(long fileId, long run, UsageTotals totals, int batchSize) {
        List<Map.Entry<UsageTotals.Group, UsageTotals.Sums>> rows = new ArrayList<>(totals.size());
        totals.forEach((group, sums) -> rows.add(Map.entry(group, sums)));
        rows.sort(Map.Entry.comparingByKey(STORAGE_ORDER));
        jdbc.batchUpdate(INSERT_TOTALS, rows, batchSize, (ps, row) -> bindTotals(ps, fileId, run, row));
        recordHeldModelHours(rows);
    }

    /** Records where held totals lie ({@code held_model_hour}), for the rate step to settle once priced. */
    private void recordHeldModelHours(List<Map.Entry<UsageTotals.Group, UsageTotals.Sums>> rows) {
        Set<HeldModelHour> held = new LinkedHashSet<>();
        for (Map.Entry<UsageTotals.Group, UsageTotals.Sums> row : rows) {
            UsageTotals.Group group = row.getKey();
            if (group.held()) {
                held.add(new HeldModelHour(group.provider(), group.model(), group.hourStart()));
            }
        }
        if (held.isEmpty()) {
            return;
        }
        jdbc.batchUpdate(insertHeldModelHour, new ArrayList<>(held), held.size(), (ps, key) -> {
            ps.setString(1, key.provider());
            ps.setString(2, key.model());
            SqlTime.bind(ps, 3, key.hourStart());
        });
    }

    void recordHours(long run, Collection<Instant> hours) {
        jdbc.batchUpdate(insertHour, new ArrayList<>(hours), hours.size(), (ps, hour) -> {
            ps.setLong(1, run);
            SqlTime.bind(ps, 2, hour);
        });
    }

    private static void bindTotals(
            PreparedStatement ps, long fileId, long run, Map.Entry<UsageTotals.Group, UsageTotals.Sums> row)
            throws SQLException {
        UsageTotals.Group group = row.getKey();
        UsageTotals.Sums sums = row.getValue();
        ps.setLong(1, fileId);
        ps.setLong(2, run);
        bindGroup(ps, group);
        bindSums(ps, sums);
        bindHeld(ps, group);
        ps.setLong(26, group.newestPriceId());
    }

    /**
     * Binds what the totals are summed by (parameters 3 to 11): hour, customer, whether attributed, provider, model,
     * tiers, price epoch and whether billable.
     */
    private static void bindGroup(PreparedStatement ps, UsageTotals.Group group) throws SQLException {
        SqlTime.bind(ps, 3, group.hourStart());
        ps.setString(4, group.customerId());
        ps.setBoolean(5, group.attributed());
        ps.setString(6, group.provider());
        ps.setString(7, group.model());
        ps.setString(8, group.serviceTier().code());
        ps.setString(9, group.contextTier().code());
        SqlTime.bind(ps, 10, group.priceEpoch());
        ps.setBoolean(11, group.billable());
    }

    /** Binds the request, token and unit sums and the first and last line summed (parameters 12 to 23). */
    private static void bindSums(PreparedStatement ps, UsageTotals.Sums sums) throws SQLException {
        ps.setLong(12, sums.requests);
        ps.setLong(13, sums.input);
        ps.setLong(14, sums.cacheRead);
        ps.setLong(15, sums.cacheWrite5m);
        ps.setLong(16, sums.cacheWrite1h);
        ps.setLong(17, sums.output);
        ps.setLong(18, sums.reasoning);
        ps.setLong(19, sums.webSearchRequests);
        ps.setLong(20, sums.images);
        ps.setLong(21, sums.audioSeconds);
        if (sums.lastLine == 0) {
            ps.setNull(22, Types.BIGINT);
            ps.setNull(23, Types.BIGINT);
        } else {
            ps.setLong(22, sums.firstLine);
            ps.setLong(23, sums.lastLine);
        }
    }

    /** Binds whether the totals wait for a price of their model, and their whole input if so (parameters 24, 25). */
    private static void bindHeld(PreparedStatement ps, UsageTotals.Group group) throws SQLException {
        ps.setBoolean(24, group.held());
        if (group.heldInput() == null) {
            ps.setNull(25, Types.BIGINT);
        } else {
            ps.setLong(25, group.heldInput());
        }
    }
}
