package io.tokentally.job;

import jakarta.validation.constraints.NotNull;
import java.nio.file.Path;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Where runs write their output, and the files a run started by the service (the S3 drop watcher)
 * uses.
 *
 * @param runsDir each run writes {@code report.json} and {@code rejects.csv} into a folder below it; no default
 *     here (application.properties gives one), so that an empty value is refused, not replaced
 * @param dataDir the embedded database's folder and the S3 staging area's default parent; application.properties
 *     gives its default
 * @param customersFile the customers file of runs that do not name one
 * @param plansFile the plans file of runs that do not name one
 * @param pricesFile the prices file of runs that do not name one
 */
@Validated
@ConfigurationProperties("tokentally")
public record TokentallyProperties(
        @NotNull Path runsDir,
        @NotNull Path dataDir,
        @DefaultValue("sample-data/customers.csv") @NotNull Path customersFile,
        @DefaultValue("sample-data/plans.yaml") @NotNull Path plansFile,
        @DefaultValue("sample-data/prices.csv") @NotNull Path pricesFile) {}
