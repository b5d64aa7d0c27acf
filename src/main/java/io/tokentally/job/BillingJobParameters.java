package io.tokentally.job;

import io.tokentally.ingest.RegisterFilesStepConfiguration;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
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

    /** The parameters a run was started with, read back from its job parameters. */
    public static BillingJobParameters of(JobParameters parameters) {
        return new BillingJobParameters(
                LocalDate.parse(parameters.getString(DATE)),
                parameters.getLong(RERUN),
                Arrays.stream(parameters.getString(INPUT).split(";"))
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
                .addString(INPUT, inputs.stream().collect(Collectors.joining(";")), false)
                .addString(CUSTOMERS, customers.toAbsolutePath().normalize().toString(), false)
                .addString(PLANS, plans.toAbsolutePath().normalize().toString(), false)
                .addString(PRICES, prices.toAbsolutePath().normalize().toString(), false)
                .toJobParameters();
    }
}
