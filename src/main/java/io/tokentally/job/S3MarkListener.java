package io.tokentally.job;

import io.tokentally.ingest.S3ObjectMarker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.listener.JobExecutionListener;
import org.springframework.stereotype.Component;

/**
 * After a run, marks the S3 objects it settled as processed or failed. A failure to mark is logged,
 * not fatal: the usage is already committed, and the next run marks what is left.
 */
@Component
class S3MarkListener implements JobExecutionListener {

    private static final Logger log = LoggerFactory.getLogger(S3MarkListener.class);

    private final S3ObjectMarker marker;

    S3MarkListener(S3ObjectMarker marker) {
        this.marker = marker;
    }

    @Override
    public void afterJob(JobExecution execution) {
        try {
            int marked = marker.markSettled();
            if (marked > 0) {
                log.info("Marked {} S3 object(s) processed or failed", marked);
            }
        } catch (RuntimeException e) {
            log.warn("Could not mark S3 objects processed or failed (the next run retries): {}", e.getMessage());
        }
    }
}
