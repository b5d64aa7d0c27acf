package io.tokentally.reconcile;

import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import java.math.BigDecimal;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Balances and their thresholds.
 *
 * @param floorUsd a customer whose plan stops at zero may spend while its balance is above this
 * @param lowBalanceUsd a customer with credit grants whose balance falls below this gets a finding
 * @param includedThresholdsPercent consuming this share of a period's included usage gives a finding
 */
@Validated
@ConfigurationProperties("tokentally.balances")
public record BalanceProperties(
        @DefaultValue("0") @NotNull @DecimalMin("0") BigDecimal floorUsd,
        @DefaultValue("5") @NotNull @DecimalMin("0") BigDecimal lowBalanceUsd,
        @DefaultValue({"80", "100"}) @NotEmpty List<@NotNull @Min(1) @Max(1000) Integer> includedThresholdsPercent) {}
