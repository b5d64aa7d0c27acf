package io.tokentally.job;

import io.tokentally.ingest.RegisterFilesStepConfiguration;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.batch.core.job.parameters.JobParametersBuilder;

/**
 * The nightly job's parameters. A run is identified by its date (the UTC day of usage) and a rerun
 * counter; the files it reads are not identifying, so a restart reuses them.
 */
public record BillingJobParameters(
        LocalDate date, long rerun, List<String> inputs, Path customers, Path plans, Path prices) {

    public static final String DATE = "date";
    public static final String RERUN = "rerun";
    public static final String INPUT = RegisterFilesStepConfiguration.INPUT_PARAMETER;
    public static final String CUSTOMERS = "customers";
    public static final String PLANS = "plans";
    public static final String PRICES = "prices";

    /**
     * Why a day cannot be run yet, or empty when it can: a day after today's (UTC) has no usage, and its run
     * would stand in the way of the day's real one.
     */
    public static Optional<String> notYetBegun(LocalDate date, Clock clock) {
        LocalDate today = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
        return date.isAfter(today)
                ? Optional.of(date + " is after today, " + today + " (UTC): a day is run once it has begun")
                : Optional.empty();
    }

    /** The parameters a run was started with, read back from its job parameters. */
    public static BillingJobParameters of(JobParameters parameters) {
        return new BillingJobParameters(
                LocalDate.parse(parameters.getString(DATE)),
                parameters.getLong(RERUN),
                Arrays.stream(parameters.getString(INPUT).split(RegisterFilesStepConfiguration.INPUT_SEPARATOR))
                        .filter(spec -> !spec.isBlank())
                        .toList(),
                Path.of(parameters.getString(CUSTOMERS)),
                Path.of(parameters.getString(PLANS)),
                Path.of(parameters.getString(PRICES)));
    }

    public BillingJobParameters withRerun(long counter) {
        return new BillingJobParameters(date, counter, inputs, customers, plans, prices);
    }

    public JobParameters toJobParameters() {
        return new JobParametersBuilder()
                .addString(DATE, date.toString())
                .addLong(RERUN, rerun)
                .addString(
                        INPUT,
                        inputs.stream().collect(Collectors.joining(RegisterFilesStepConfiguration.INPUT_SEPARATOR)),
                        false)
                .addString(CUSTOMERS, customers.toAbsolutePath().normalize().toString(), false)
                .addString(PLANS, plans.toAbsolutePath().normalize().toString(), false)
                .addString(PRICES, prices.toAbsolutePath().normalize().toString(), false)
                .toJobParameters();
    }
}
