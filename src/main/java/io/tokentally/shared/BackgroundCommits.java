package io.tokentally.shared;

import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.ExitStatus;
import org.springframework.batch.core.listener.StepExecutionListener;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Lets a step that only reads and writes the database commit without waiting for H2's file (ADR 0024). The
 * embedded database commits durably ({@code WRITE_DELAY=0} in its URL): a commit returns after H2 has written
 * it, on the committing thread. While a step with this listener runs, H2 writes commits in the background
 * instead, at most half a second later, on the machine's other core. A crash then loses up to half a second of
 * that step's commits, which is a crash half a second earlier: the step talks to nothing outside the database,
 * and its restart redoes the same work. The first commit after the last such step ends writes everything.
 *
 * <p>Steps of concurrent runs share the database's setting, so it is durable again only once no such step
 * runs. On PostgreSQL this does nothing.
 */
@Component
public class BackgroundCommits implements StepExecutionListener {

    private static final Logger log = LoggerFactory.getLogger(BackgroundCommits.class);
    /** H2's default: the longest a commit waits before it reaches the file. */
    private static final int BACKGROUND_WRITE_DELAY_MILLIS = 500;

    private final JdbcTemplate jdbc;
    private final boolean h2;
    private int running;

    public BackgroundCommits(JdbcTemplate jdbc, DataSource dataSource) {
        this.jdbc = jdbc;
        this.h2 = SqlDialect.of(dataSource) == SqlDialect.H2;
    }

    @Override
    public synchronized void beforeStep(StepExecution stepExecution) {
        if (h2 && running++ == 0) {
            writeDelay(BACKGROUND_WRITE_DELAY_MILLIS);
        }
    }

    @Override
    public synchronized ExitStatus afterStep(StepExecution stepExecution) {
        if (h2 && --running == 0) {
            writeDelay(0);
        }
        return null;
    }

    /** A database user that may not change the setting keeps durable commits: slower, never less safe. */
    private void writeDelay(int millis) {
        try {
            jdbc.execute("SET WRITE_DELAY " + millis);
        } catch (DataAccessException e) {
            log.warn(
                    "H2's WRITE_DELAY could not be set to {} ms ({}); commits stay as they were",
                    millis,
                    e.getMessage());
        }
    }
}
