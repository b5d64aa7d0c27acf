package io.tokentally.reconcile;

import io.tokentally.shared.SettingWords;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.math.BigDecimal;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Reconciliation settings.
 *
 * @param marginFloorPercent a customer and model whose daily margin (percent of billed) is under this is a finding;
 *     0 to 100 (a margin under 0 is a {@code NEGATIVE_MARGIN} whatever the floor; 100 is the margin of usage that
 *     cost nothing)
 * @param failOn the lowest severity of an open finding that makes a run's exit code non-zero
 *     ({@code INFO}, {@code WARNING}, {@code ERROR}, or {@code NONE})
 */
@Validated
@ConfigurationProperties("tokentally.reconcile")
public record ReconcileProperties(
        @DefaultValue("0")
        @NotNull
        @DecimalMin(
                value = "0",
                message = "must be 0 or more: a margin under 0 is a NEGATIVE_MARGIN error whatever the floor")
        @DecimalMax("100")
        BigDecimal marginFloorPercent,

        @DefaultValue("ERROR")
        @Pattern(regexp = "INFO|WARNING|ERROR|NONE", message = "must be INFO, WARNING, ERROR or NONE")
        String failOn) {

    public ReconcileProperties {
        failOn = SettingWords.upper(failOn);
    }

    /** Whether an open finding of this severity fails the run's exit code. */
    public boolean fails(Finding.Severity severity) {
        return !failOn.equals("NONE") && severity.compareTo(Finding.Severity.valueOf(failOn)) >= 0;
    }
}
