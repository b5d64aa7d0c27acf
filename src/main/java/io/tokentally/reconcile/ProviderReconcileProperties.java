package io.tokentally.reconcile;

import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.math.BigDecimal;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Tolerances of the provider reconciliation. A difference is within tolerance when it is at most the
 * absolute tolerance or at most the relative tolerance of the larger side, whichever allows more.
 *
 * @param usageTokens provider vs billable usage: tokens per provider, model, token type and day
 * @param usageUsd provider vs billable usage: list-price USD of the same key
 * @param usagePercent provider vs billable usage: percent of the larger side (tokens and USD)
 * @param chargeUsd the provider's charge vs the list price of its usage: USD per provider, model and day
 * @param chargePercent the same, percent of the larger side
 */
@Validated
@ConfigurationProperties("tokentally.reconcile.providers")
public record ProviderReconcileProperties(
        @DefaultValue("0") @Min(0) long usageTokens,
        @DefaultValue("0.01") @NotNull @DecimalMin("0") BigDecimal usageUsd,

        @DefaultValue("0") @NotNull @DecimalMin("0") @DecimalMax("100")
        BigDecimal usagePercent,

        @DefaultValue("0.01") @NotNull @DecimalMin("0") BigDecimal chargeUsd,

        @DefaultValue("0") @NotNull @DecimalMin("0") @DecimalMax("100")
        BigDecimal chargePercent) {

    Tolerance usageTokenTolerance() {
        return new Tolerance(BigDecimal.valueOf(usageTokens), usagePercent);
    }

    Tolerance usageUsdTolerance() {
        return new Tolerance(usageUsd, usagePercent);
    }

    Tolerance chargeTolerance() {
        return new Tolerance(chargeUsd, chargePercent);
    }
}
