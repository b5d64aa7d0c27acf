package io.tokentally.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import io.tokentally.ingest.RejectRepository.RejectedLine;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/** A run's rejects as the run report reads them; the database is the subclass's. */
abstract class RejectRepositoryScenarios {

    @Autowired
    RejectRepository rejects;

    @Autowired
    JdbcTemplate jdbc;

    @Test
    void handsOverEveryRejectInFileAndLineOrderAndKeepsOnlyTheFirstHundred() {
        // given: 2,550 rejects of a run's two files (more than one fetch of the streamed read), and a repeat of an
        // earlier version's line
        long run = 7_000 + System.nanoTime() % 1_000_000;
        long b = file(run, "usage/b.csv");
        long a = file(run, "usage/a.csv");
        List<Reject> stored = new ArrayList<>();
        LongStream.rangeClosed(1, 2_500).forEach(line -> stored.add(reject(b, line, RejectCode.NEGATIVE_NUMBER)));
        LongStream.rangeClosed(1, 50).forEach(line -> stored.add(reject(a, line, RejectCode.MALFORMED_ROW)));
        stored.add(reject(a, 51, RejectCode.MALFORMED_ROW).asRepeated());
        rejects.insertAll(stored);
        List<RejectedLine> handed = new ArrayList<>();

        // when
        RejectRepository.RunRejects ofRun = rejects.ofRun(run, handed::add);

        // then
        assertThat(handed).hasSize(2_550);
        assertThat(handed.get(0)).isEqualTo(new RejectedLine("usage/a.csv", 1, "MALFORMED_ROW", "bad 1", "raw 1"));
        assertThat(handed.get(50)).isEqualTo(new RejectedLine("usage/b.csv", 1, "NEGATIVE_NUMBER", "bad 1", "raw 1"));
        assertThat(handed.get(2_549).lineNo()).isEqualTo(2_500);
        assertThat(ofRun.first()).isEqualTo(handed.subList(0, 100));
        assertThat(ofRun.byReason()).containsExactly(entry("NEGATIVE_NUMBER", 2_500L), entry("MALFORMED_ROW", 50L));
    }

    private long file(long run, String path) {
        String checksum = UUID.randomUUID().toString();
        jdbc.update(
                "INSERT INTO ingested_file (source, path, checksum, size_bytes, status, ingest_run, registered_at)"
                        + " VALUES ('gateway', ?, ?, 1, 'INGESTED', ?, CURRENT_TIMESTAMP)",
                path,
                checksum,
                run);
        return jdbc.queryForObject("SELECT file_id FROM ingested_file WHERE checksum = ?", Long.class, checksum);
    }

    private static Reject reject(long fileId, long line, RejectCode code) {
        return new Reject(fileId, line, code, "bad " + line, "raw " + line);
    }
}
