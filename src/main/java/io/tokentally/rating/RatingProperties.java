package io.tokentally.rating;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Rate step settings.
 *
 * @param chunkSize hourly usage items rated and written per transaction. Since H2 writes the rate step's
 *     commits in the background (ADR 0024), smaller chunks are faster there: the 1M-row bench's rate step took
 *     7.2-7.6 s with 1,000, 7.9-8.3 s with 10,000 and 8.8 s with 30,000. On PostgreSQL 1,000 and 10,000
 *     took the same time; 300 was no faster than 1,000 on H2 and slower on PostgreSQL.
 */
@Validated
@ConfigurationProperties("tokentally.rating")
public record RatingProperties(
        @DefaultValue("1000") @Min(1) @Max(100_000) int chunkSize) {}
