package io.tokentally.rating;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Rate step settings.
 *
 * @param chunkSize hourly usage items rated and written per transaction; each commit rewrites the
 *     index pages the chunk touched, so fewer, larger chunks write far less
 */
@Validated
@ConfigurationProperties("tokentally.rating")
public record RatingProperties(
        @DefaultValue("10000") @Min(1) @Max(100_000) int chunkSize) {}
