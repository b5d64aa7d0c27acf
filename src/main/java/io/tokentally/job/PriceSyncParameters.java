package io.tokentally.job;

import io.tokentally.shared.SettingWords;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.JobInstance;
import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.batch.core.job.parameters.JobParametersBuilder;
import org.springframework.batch.core.repository.JobRepository;

/**
 * The price-sync job's parameters: where the feed is, what it is called (its versions' origin and its
 * findings name it), its format ({@code litellm} or {@code csv}), the instant its changes take effect,
 * and whether to only show them.
 */
public record PriceSyncParameters(String feed, String name, String format, Instant effective, boolean dryRun) {

    public static final String FEED = "feed";
    public static final String NAME = "name";
    public static final String FORMAT = "format";
    public static final String EFFECTIVE = "effective";
    public static final String DRY_RUN = "dryRun";
    /** Which repeat of the same sync a run is, from 1; a first run has none, as runs had before repeats. */
    public static final String RERUN = "rerun";

    public PriceSyncParameters {
        format = SettingWords.lower(format);
        if (!format.equals("litellm") && !format.equals("csv")) {
            throw new IllegalArgumentException("price feed format must be litellm or csv, not '" + format + "'");
        }
    }

    /** The feed's file, when it names one rather than an HTTP(S) URL or an S3 object ({@code s3://bucket/key}). */
    public static Optional<Path> localFile(String feed) {
        boolean remote = feed.startsWith("http://") || feed.startsWith("https://") || feed.startsWith("s3://");
        return remote ? Optional.empty() : Optional.of(Path.of(feed));
    }

    public JobParameters toJobParameters() {
        return toJobParameters(0);
    }

    /**
     * The parameters to start this sync with: those of its latest run of the same feed, name, format and instant
     * when that one failed or stopped (the same sync again resumes it) or still runs (refused as running), else
     * those of a new run, so that a sync given again once it completed (a corrected feed at the same instant, a
     * second dry run), or once its run ended in a state Spring Batch does not restart (abandoned, unknown), runs
     * again instead of being refused. A run found without an execution is waited for briefly, as another process
     * may be starting it ({@link BillingRuns#lastExecutionOf}), and passed over if it still has none.
     */
    public JobParameters toJobParameters(JobRepository repository, String jobName) throws InterruptedException {
        for (long rerun = 0; ; rerun++) {
            JobParameters parameters = toJobParameters(rerun);
            JobInstance instance = repository.getJobInstance(jobName, parameters);
            if (instance == null) {
                return parameters;
            }
            Optional<JobExecution> last = BillingRuns.lastExecutionOf(repository, instance);
            if (last.isPresent()
                    && (BillingRuns.endedUnfinished(last.get())
                            || last.get().getStatus().isRunning())) {
                return parameters;
            }
        }
    }

    private JobParameters toJobParameters(long rerun) {
        JobParametersBuilder builder = new JobParametersBuilder()
                .addString(FEED, feed)
                .addString(NAME, name)
                .addString(FORMAT, format)
                .addString(EFFECTIVE, effective.toString())
                .addString(DRY_RUN, Boolean.toString(dryRun));
        if (rerun > 0) {
            builder.addLong(RERUN, rerun);
        }
        return builder.toJobParameters();
    }

    static PriceSyncParameters of(JobParameters parameters) {
        return new PriceSyncParameters(
                parameters.getString(FEED),
                parameters.getString(NAME),
                parameters.getString(FORMAT),
                Instant.parse(parameters.getString(EFFECTIVE)),
                Boolean.parseBoolean(parameters.getString(DRY_RUN)));
    }
}
