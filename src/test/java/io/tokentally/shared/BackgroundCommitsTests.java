package io.tokentally.shared;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.h2.Driver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.SimpleDriverDataSource;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;

class BackgroundCommitsTests {

    @TempDir
    Path work;

    @Test
    void h2CommitsInTheBackgroundOnlyWhileAStepWithTheListenerRuns() throws Exception {
        // given the embedded database as the application opens it: durable commits
        JdbcTemplate jdbc = h2("WRITE_DELAY=0");
        BackgroundCommits commits = new BackgroundCommits(jdbc, jdbc.getDataSource());
        StepExecution rate = new StepExecution("rateStep", null);
        StepExecution outbox = new StepExecution("buildOutboxStep", null);
        assertThat(writeDelay(jdbc)).isZero();

        // when two runs' steps overlap
        commits.beforeStep(rate);
        int whileOne = writeDelay(jdbc);
        commits.beforeStep(outbox);
        commits.afterStep(rate);
        int whileTheOtherStillRuns = writeDelay(jdbc);
        commits.afterStep(outbox);

        // then
        assertThat(whileOne).isEqualTo(500);
        assertThat(whileTheOtherStillRuns).isEqualTo(500);
        assertThat(writeDelay(jdbc)).as("durable again once no such step runs").isZero();
    }

    @Test
    void aCommitAfterTheStepsReachesTheFile() throws Exception {
        // given a step that committed in the background
        JdbcTemplate jdbc = h2("WRITE_DELAY=0");
        BackgroundCommits commits = new BackgroundCommits(jdbc, jdbc.getDataSource());
        StepExecution step = new StepExecution("rateStep", null);
        commits.beforeStep(step);
        jdbc.execute("CREATE TABLE t (n INT)");
        jdbc.update("INSERT INTO t VALUES (1)");
        commits.afterStep(step);

        // when the next commit is made and the process dies without closing the database
        jdbc.update("INSERT INTO t VALUES (2)");
        Files.copy(work.resolve("db.mv.db"), work.resolve("copy.mv.db"));

        // then the file holds both rows: the step's and the durable one after it
        JdbcTemplate copy = new JdbcTemplate(new SimpleDriverDataSource(
                new Driver(), "jdbc:h2:file:" + work.resolve("copy") + ";DB_CLOSE_ON_EXIT=FALSE", "sa", ""));
        assertThat(copy.queryForObject("SELECT COUNT(*) FROM t", Integer.class)).isEqualTo(2);
    }

    /** One connection, as the pool keeps its connections: H2 applies the URL's settings to each new one. */
    private JdbcTemplate h2(String settings) {
        return new JdbcTemplate(new SingleConnectionDataSource(
                "jdbc:h2:file:" + work.resolve("db") + ";" + settings + ";DB_CLOSE_ON_EXIT=FALSE", "sa", "", true));
    }

    private static int writeDelay(JdbcTemplate jdbc) {
        return Integer.parseInt(jdbc.queryForObject(
                "SELECT DISTINCT SETTING_VALUE FROM INFORMATION_SCHEMA.SETTINGS WHERE SETTING_NAME = 'WRITE_DELAY'",
                String.class));
    }
}
