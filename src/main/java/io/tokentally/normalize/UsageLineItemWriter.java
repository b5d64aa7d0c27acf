package io.tokentally.normalize;

import io.tokentally.ingest.FileCounts;
import io.tokentally.ingest.FileRegistry;
import io.tokentally.ingest.Reject;
import io.tokentally.ingest.RejectRepository;
import io.tokentally.shared.SqlDialect;
import io.tokentally.shared.SqlTime;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.springframework.batch.infrastructure.item.Chunk;
import org.springframework.batch.infrastructure.item.ItemWriter;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Writes a chunk's usage lines (insert-if-absent on source and request id, so a duplicate is counted,
 * never stored twice), its rejects, the hours it touched and the file's row counts, all in the chunk's
 * transaction.
 */
class UsageLineItemWriter implements ItemWriter<UsageNormalizer.Result> {

    static final List<String> COLUMNS = List.of(
            "source",
            "request_id",
            "file_id",
            "line_no",
            "ingest_run",
            "occurred_at",
            "hour_start",
            "price_epoch",
            "customer_id",
            "provider",
            "model",
            "raw_model",
            "service_tier",
            "context_tier",
            "billable",
            "input_tokens",
            "cache_read_tokens",
            "cache_write_5m_tokens",
            "cache_write_1h_tokens",
            "output_tokens",
            "reasoning_tokens");

    private final JdbcTemplate jdbc;
    private final SqlDialect dialect;
    private final FileRegistry registry;
    private final RejectRepository rejects;
    private final UsageWriteLock lock;
    private final long fileId;
    private final long run;
    private final String insertLine;
    private final String plainInsert;
    private final String insertHour;
    private final Set<Instant> hoursRecorded = new HashSet<>();

    UsageLineItemWriter(
            JdbcTemplate jdbc,
            SqlDialect dialect,
            FileRegistry registry,
            RejectRepository rejects,
            UsageWriteLock lock,
            long fileId,
            long run) {
        this.jdbc = jdbc;
        this.dialect = dialect;
        this.registry = registry;
        this.rejects = rejects;
        this.lock = lock;
        this.fileId = fileId;
        this.run = run;
        this.insertLine = dialect.insertIfAbsent("usage_line", COLUMNS, List.of("source", "request_id"));
        this.plainInsert = "INSERT INTO usage_line (" + String.join(", ", COLUMNS) + ") VALUES ("
                + String.join(", ", java.util.Collections.nCopies(COLUMNS.size(), "?")) + ")";
        this.insertHour = dialect.insertIfAbsent(
                "run_hour", List.of("ingest_run", "hour_start"), List.of("ingest_run", "hour_start"));
    }

    @Override
    public void write(Chunk<? extends UsageNormalizer.Result> chunk) {
        List<UsageLine> lines = new ArrayList<>(chunk.size());
        List<Reject> rejected = new ArrayList<>();
        Set<String> requestIds = new HashSet<>();
        long duplicatesInChunk = 0;
        for (UsageNormalizer.Result result : chunk) {
            if (result.line() == null) {
                rejected.add(result.reject());
            } else if (requestIds.add(result.line().requestId())) {
                lines.add(result.line());
            } else {
                duplicatesInChunk++;
            }
        }
        lock.holdUntilTransactionEnds();
        int[] inserted = lines.isEmpty() ? new int[0] : insertLines(lines);
        long accepted = 0;
        long unattributed = 0;
        long errors = 0;
        Set<Instant> newHours = new HashSet<>();
        for (int i = 0; i < lines.size(); i++) {
            if (inserted[i] > 0) {
                UsageLine line = lines.get(i);
                accepted++;
                unattributed += line.attributed() ? 0 : 1;
                errors += line.billable() ? 0 : 1;
                if (!hoursRecorded.contains(line.hourStart())) {
                    newHours.add(line.hourStart());
                }
            }
        }
        recordHours(newHours);
        rejects.insertAll(rejected);
        long duplicates = lines.size() - accepted + duplicatesInChunk;
        registry.addCounts(
                fileId, new FileCounts(chunk.size(), accepted, rejected.size(), duplicates, unattributed, errors));
    }

    /** 1 for each line stored, 0 for each line whose (source, request id) was stored before. */
    private int[] insertLines(List<UsageLine> lines) {
        if (dialect == SqlDialect.POSTGRESQL) {
            return jdbc.batchUpdate(insertLine, lines, lines.size(), this::bind)[0];
        }
        // H2: writers are serialized (UsageWriteLock), so look the chunk's request ids up once, then insert.
        Object[] parameters = new Object[lines.size() + 1];
        parameters[0] = lines.get(0).source();
        for (int i = 0; i < lines.size(); i++) {
            parameters[i + 1] = lines.get(i).requestId();
        }
        Set<String> stored = new HashSet<>(jdbc.queryForList(
                "SELECT request_id FROM usage_line WHERE source = ? AND request_id IN ("
                        + String.join(", ", java.util.Collections.nCopies(lines.size(), "?")) + ")",
                String.class,
                parameters));
        List<UsageLine> fresh = lines.stream()
                .filter(line -> !stored.contains(line.requestId()))
                .toList();
        if (!fresh.isEmpty()) {
            jdbc.batchUpdate(plainInsert, fresh, fresh.size(), this::bind);
        }
        int[] inserted = new int[lines.size()];
        for (int i = 0; i < inserted.length; i++) {
            inserted[i] = stored.contains(lines.get(i).requestId()) ? 0 : 1;
        }
        return inserted;
    }

    private void recordHours(Set<Instant> hours) {
        if (hours.isEmpty()) {
            return;
        }
        List<Instant> list = new ArrayList<>(hours);
        jdbc.batchUpdate(insertHour, list, list.size(), (ps, hour) -> {
            ps.setLong(1, run);
            SqlTime.bind(ps, 2, hour);
            if (dialect.repeatsKeyParameters()) {
                ps.setLong(3, run);
                SqlTime.bind(ps, 4, hour);
            }
        });
        hoursRecorded.addAll(hours);
    }

    private void bind(PreparedStatement ps, UsageLine line) throws SQLException {
        ps.setString(1, line.source());
        ps.setString(2, line.requestId());
        ps.setLong(3, line.fileId());
        ps.setLong(4, line.lineNo());
        ps.setLong(5, run);
        SqlTime.bind(ps, 6, line.occurredAt());
        SqlTime.bind(ps, 7, line.hourStart());
        SqlTime.bind(ps, 8, line.priceEpoch());
        ps.setString(9, line.customerId());
        ps.setString(10, line.provider());
        ps.setString(11, line.model());
        ps.setString(12, line.rawModel());
        ps.setString(13, line.serviceTier().code());
        ps.setString(14, line.contextTier().code());
        ps.setBoolean(15, line.billable());
        ps.setLong(16, line.input());
        ps.setLong(17, line.cacheRead());
        ps.setLong(18, line.cacheWrite5m());
        ps.setLong(19, line.cacheWrite1h());
        ps.setLong(20, line.output());
        ps.setLong(21, line.reasoning());
    }
}
