package io.tokentally.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokentally.TempFolders;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The file registry on the embedded database: which paths later runs saw. */
@SpringBootTest
class FileRegistryTests {

    static final Path WORK = TempFolders.create("tokentally-file-registry-");

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        registry.add("tokentally.data-dir", () -> WORK.resolve("data").toString());
        registry.add("tokentally.runs-dir", () -> WORK.resolve("runs").toString());
    }

    @Autowired
    FileRegistry files;

    @Autowired
    JdbcTemplate jdbc;

    @Test
    void thePathsLaterRunsSawAreFoundAcrossMoreThanOneStatementsWorthOfPaths() {
        // given: run 71 saw 2,500 files, more than two statements' worth of paths
        int seenCount = FileRegistry.PATHS_PER_QUERY * 2 + 500;
        List<String> seen =
                IntStream.range(0, seenCount).mapToObj(FileRegistryTests::path).toList();
        jdbc.batchUpdate(
                "INSERT INTO run_file (ingest_run, source, path, file_id, outcome) VALUES (71, 'gateway', ?, ?, 'NEW')",
                IntStream.range(0, seenCount).boxed().toList(),
                1_000,
                (ps, file) -> {
                    ps.setString(1, path(file));
                    ps.setLong(2, file);
                });
        List<String> asked = new ArrayList<>(seen);
        asked.addAll(List.of("/input/registry/never-seen-1.csv", "s3://drop/usage/never-seen-2.csv"));

        // when
        var seenAfterAnEarlierRun = files.pathsSeenByRunsAfter(70, asked);
        var seenAfterItself = files.pathsSeenByRunsAfter(71, asked);
        var seenAfterALaterRun = files.pathsSeenByRunsAfter(72, asked);

        // then: only a run started after the one asking counts
        assertThat(seenAfterAnEarlierRun).hasSize(seenCount).containsAll(seen);
        assertThat(seenAfterItself).isEmpty();
        assertThat(seenAfterALaterRun).isEmpty();
        assertThat(files.pathsSeenByRunsAfter(70, List.of())).isEmpty();
    }

    @Test
    void aFileReadAsOtherBytesIsKeyedByThemOrWhenAnotherFileHoldsThemByAKeyNoContentHas() {
        // given: file A registered with content "a", and files B and C, whose paths held "b" and "c" then
        long a = files.register(
                "rekey",
                "/input/rekey/a.csv",
                null,
                "a".repeat(64),
                10,
                "usage-csv",
                FileStatus.PENDING,
                null,
                null,
                81);
        long b = files.register(
                "rekey",
                "/input/rekey/b.csv",
                null,
                "b".repeat(64),
                20,
                "usage-csv",
                FileStatus.PENDING,
                null,
                null,
                81);
        long c = files.register(
                "rekey",
                "/input/rekey/c.csv",
                null,
                "c".repeat(64),
                30,
                "usage-csv",
                FileStatus.PENDING,
                null,
                null,
                81);

        // when: B is read as new bytes "d", and C as A's
        files.rekey(files.find(b).orElseThrow(), new ContentReading.Content("d".repeat(64), 40));
        files.rekey(files.find(c).orElseThrow(), new ContentReading.Content("a".repeat(64), 10));

        // then: B is keyed by what was read, C by a key of its own; "b" and "c" are new content again, "a" is A's
        assertThat(files.find(b).orElseThrow())
                .extracting(RegisteredFile::checksum, RegisteredFile::sizeBytes)
                .containsExactly("d".repeat(64), 40L);
        assertThat(files.find(c).orElseThrow().checksum()).isEqualTo("read-as-file-" + c);
        assertThat(files.findByChecksum("b".repeat(64))).isEmpty();
        assertThat(files.findByChecksum("c".repeat(64))).isEmpty();
        assertThat(files.findByChecksum("a".repeat(64)).orElseThrow().fileId()).isEqualTo(a);
    }

    private static String path(int file) {
        return "/input/registry/" + file + ".csv";
    }
}
