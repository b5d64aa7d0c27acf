package io.tokentally.job;

import jakarta.validation.constraints.NotNull;
import java.nio.file.Path;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Where runs write their output.
 *
 * @param runsDir each run writes {@code report.json} and {@code rejects.csv} into a folder below it
 */
@Validated
@ConfigurationProperties("tokentally")
public record TokentallyProperties(
        @DefaultValue("runs") @NotNull Path runsDir) {}
