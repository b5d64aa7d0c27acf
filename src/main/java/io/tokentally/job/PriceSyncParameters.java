package io.tokentally.job;

import io.tokentally.shared.SettingWords;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.batch.core.job.parameters.JobParametersBuilder;

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
        return new JobParametersBuilder()
                .addString(FEED, feed)
                .addString(NAME, name)
                .addString(FORMAT, format)
                .addString(EFFECTIVE, effective.toString())
                .addString(DRY_RUN, Boolean.toString(dryRun))
                .toJobParameters();
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
