package io.tokentally.reconcile;

import static io.tokentally.shared.DurationSettings.POSITIVE;

import io.tokentally.shared.Amounts;
import io.tokentally.shared.HttpUrls;
import io.tokentally.shared.Repeats;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import java.math.BigDecimal;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Balances, their thresholds and the published balances export.
 *
 * @param floorUsd a customer whose plan stops at zero may spend while its balance is above this
 * @param lowBalanceUsd a customer with credit grants whose balance falls below this gets a finding
 * @param includedThresholdsPercent consuming this share of a period's included usage gives a finding; each share
 *     once (a share listed twice is refused: its finding is one either way)
 * @param webhookUrl where each threshold finding is POSTed once as JSON; empty: no webhook
 * @param webhookMaxAttempts how many runs try to deliver a threshold finding the webhook did not accept
 * @param webhookTimeout how long one webhook call may take
 * @param exportS3Uri {@code s3://bucket/key} the balances export is also written to after every run; empty: none
 */
@Validated
@ConfigurationProperties("tokentally.balances")
public record BalanceProperties(
        @DefaultValue("0")
        @NotNull
        @DecimalMin("0")
        @DecimalMax(value = Amounts.MAX_CONFIGURED_USD_TEXT, inclusive = false)
        BigDecimal floorUsd,

        @DefaultValue("5")
        @NotNull
        @DecimalMin("0")
        @DecimalMax(value = Amounts.MAX_CONFIGURED_USD_TEXT, inclusive = false)
        BigDecimal lowBalanceUsd,

        @DefaultValue({"80", "100"}) @NotEmpty List<@NotNull @Min(1) @Max(1000) Integer> includedThresholdsPercent,
        URI webhookUrl,
        @DefaultValue("3") @Min(1) @Max(100) int webhookMaxAttempts,

        @DefaultValue("10s") @NotNull @DurationMin(millis = 1, message = POSITIVE)
        Duration webhookTimeout,

        String exportS3Uri) {

    public BalanceProperties {
        if (includedThresholdsPercent != null) {
            Repeats.firstRepeated(includedThresholdsPercent).ifPresent(twice -> {
                throw new IllegalArgumentException("tokentally.balances.included-thresholds-percent lists " + twice
                        + " twice; list each share once");
            });
        }
        webhookUrl = HttpUrls.requireHttp("tokentally.balances.webhook-url", webhookUrl);
        if (exportS3Uri != null && exportS3Uri.isBlank()) {
            exportS3Uri = null;
        }
        if (exportS3Uri != null && !exportS3Uri.matches("s3://[^/]+/.+[^/]")) {
            throw new IllegalArgumentException(
                    "tokentally.balances.export-s3-uri must be s3://bucket/key, not '" + exportS3Uri + "'");
        }
    }
}
