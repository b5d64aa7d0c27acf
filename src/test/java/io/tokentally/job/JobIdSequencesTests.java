package io.tokentally.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokentally.TestH2;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.JdbcTemplate;

/** The ids of the job repository that operators read and type (restart N, "resolved by run N") on embedded H2. */
class JobIdSequencesTests {

    private static final List<String> SEQUENCES =
            List.of("BATCH_JOB_INSTANCE_SEQ", "BATCH_JOB_EXECUTION_SEQ", "BATCH_STEP_EXECUTION_SEQ");

    @TempDir
    Path dir;

    @Test
    void idsGoOnByOneAfterTheProcessThatTookThemWasKilled() throws Exception {
        // given: a process that migrated the embedded database and took one id of each, killed with -9
        Process process = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-cp",
                        System.getProperty("java.class.path"),
                        TakesOneOfEach.class.getName(),
                        dir.toString())
                .redirectErrorStream(true)
                .start();
        try (BufferedReader out =
                new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            List<String> printed = new ArrayList<>();
            String line = out.readLine();
            while (line != null && !line.startsWith("taken")) {
                printed.add(line); // Flyway's log, or why the process ended
                line = out.readLine();
            }
            assertThat(line).as("the process's output: %s", printed).isEqualTo("taken 1 1 1");
        } finally {
            process.destroyForcibly();
            assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }

        // when: the database is opened again
        JdbcTemplate jdbc = new JdbcTemplate(TestH2.fileDatabase(dir));

        // then: the ids taken are there, and each sequence goes on at 2 (a run killed as execution 1 was resumed as
        // execution 33)
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM taken WHERE id = 1", Long.class))
                .isEqualTo(SEQUENCES.size());
        for (String sequence : SEQUENCES) {
            assertThat(next(jdbc, sequence)).as(sequence).isEqualTo(2);
        }
    }

    private static long next(JdbcTemplate jdbc, String sequence) {
        return jdbc.queryForObject("SELECT NEXT VALUE FOR " + sequence, Long.class);
    }

    /**
     * The killed process: migrates the database in its folder, takes one id of each and writes it, says so and waits.
     */
    static final class TakesOneOfEach {

        public static void main(String[] arguments) throws InterruptedException, SQLException {
            JdbcDataSource dataSource = TestH2.fileDatabase(Path.of(arguments[0]));
            // a connection held open, as the application's pool holds them: H2 closes a database, writing its sequences
            // as they are, when its last connection closes
            Connection held = dataSource.getConnection();
            TestH2.flyway(dataSource, "latest").migrate();
            JdbcTemplate jdbc = new JdbcTemplate(dataSource);
            // each id written with the commit that uses it, each commit to the file at once (the application's
            // WRITE_DELAY=0)
            jdbc.execute("SET WRITE_DELAY 0");
            jdbc.execute("CREATE TABLE taken (sequence_name VARCHAR(40), id BIGINT)");
            StringBuilder taken = new StringBuilder("taken");
            for (String sequence : SEQUENCES) {
                long id = next(jdbc, sequence);
                jdbc.update("INSERT INTO taken VALUES (?, ?)", sequence, id);
                taken.append(' ').append(id);
            }
            System.out.println(taken);
            System.out.flush();
            Thread.sleep(TimeUnit.MINUTES.toMillis(2));
            held.close();
        }
    }
}
