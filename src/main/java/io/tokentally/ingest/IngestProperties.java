package io.tokentally.ingest;

import io.tokentally.shared.DurationSettings;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Ingest settings.
 *
 * @param batchSize rows per JDBC batch when ingest writes rejects and usage totals
 * @param threads files read in parallel (local partitions)
 * @param progressIntervalSeconds how often a long ingest logs its progress, and a long run the step it is in
 * @param dedupDays how many UTC days either side of a row's day a repeat of its request id is looked for: 1 finds
 *     a request re-reported across midnight. Each more day loads the stored keys of two more days for each file
 *     being read (33 to 50 MB per million keys, see {@code RequestKeySet}). Keep it fixed: a change applies to
 *     files read after it, so the same inputs could bill differently
 * @param partitioning where the ingest step's file partitions run: {@code local}, on {@code threads} threads of the
 *     run's process, or {@code remote}, on the processes of the {@code worker} command, sent to them through the
 *     broker's {@code queue} (Spring Batch remote partitioning; PostgreSQL only, which run and workers share)
 * @param brokerUri the RabbitMQ broker of remote partitions, an AMQP URI such as {@code
 *     amqp://user:password@host:5672/vhost}
 * @param queue the broker's queue of file partitions; one per database, that database's runs and workers share it
 * @param partitionTimeout how long a run with remote partitions waits for its files to be read before its ingest step
 *     fails (a worker that died while others waited for its file, no worker running); a restart sends the files not
 *     ingested again
 */
@Validated
@ConfigurationProperties("tokentally.ingest")
public record IngestProperties(
        @DefaultValue("5000") @Min(1) @Max(100_000) int batchSize,
        @DefaultValue("2") @Min(1) @Max(64) int threads,
        @DefaultValue("5") @Min(1) int progressIntervalSeconds,
        @DefaultValue("1") @Min(1) @Max(31) int dedupDays,
        @DefaultValue("local") Partitioning partitioning,
        @DefaultValue("") String brokerUri,

        @DefaultValue("tokentally-ingest-partitions") @NotBlank
        String queue,
        // Spring Batch's handler waits without a limit for a timeout of 0 or less (ADR 0027, bounded waits)
        @DefaultValue("2h") @NotNull @DurationMin(millis = 1, message = DurationSettings.POSITIVE)
        Duration partitionTimeout) {

    /** Where the file partitions of the ingest step run. */
    public enum Partitioning {
        LOCAL,
        REMOTE
    }
}
