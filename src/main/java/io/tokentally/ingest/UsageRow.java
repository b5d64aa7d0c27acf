package io.tokentally.ingest;

import io.tokentally.shared.ContextTier;
import io.tokentally.shared.ServiceTier;
import io.tokentally.shared.UnitCounts;
import java.time.Instant;

/**
 * A row of the usage format that passed the format's own rules. Token counts follow the format's
 * convention: {@code inputTokens} includes cached and cache-write tokens, {@code outputTokens}
 * includes reasoning tokens. {@code contextTier} is the context tier the source states (aggregated
 * exports do, per bucket), or {@code null} when it follows from the request's own prompt size.
 * {@code units} counts the request's non-token units (web searches, images, audio seconds).
 */
public record UsageRow(
        long fileId,
        long lineNo,
        String raw,
        String requestId,
        Instant timestamp,
        String customerId,
        String provider,
        String model,
        long inputTokens,
        long cachedInputTokens,
        long cacheWriteTokens,
        long cacheWrite1hTokens,
        long outputTokens,
        long reasoningTokens,
        ServiceTier serviceTier,
        boolean error,
        ContextTier contextTier,
        UnitCounts units) {

    /** A row without non-token units. */
    public UsageRow(
            long fileId,
            long lineNo,
            String raw,
            String requestId,
            Instant timestamp,
            String customerId,
            String provider,
            String model,
            long inputTokens,
            long cachedInputTokens,
            long cacheWriteTokens,
            long cacheWrite1hTokens,
            long outputTokens,
            long reasoningTokens,
            ServiceTier serviceTier,
            boolean error,
            ContextTier contextTier) {
        this(
                fileId,
                lineNo,
                raw,
                requestId,
                timestamp,
                customerId,
                provider,
                model,
                inputTokens,
                cachedInputTokens,
                cacheWriteTokens,
                cacheWrite1hTokens,
                outputTokens,
                reasoningTokens,
                serviceTier,
                error,
                contextTier,
                UnitCounts.NONE);
    }

    /** A row whose context tier follows from its prompt size. */
    public UsageRow(
            long fileId,
            long lineNo,
            String raw,
            String requestId,
            Instant timestamp,
            String customerId,
            String provider,
            String model,
            long inputTokens,
            long cachedInputTokens,
            long cacheWriteTokens,
            long cacheWrite1hTokens,
            long outputTokens,
            long reasoningTokens,
            ServiceTier serviceTier,
            boolean error) {
        this(
                fileId,
                lineNo,
                raw,
                requestId,
                timestamp,
                customerId,
                provider,
                model,
                inputTokens,
                cachedInputTokens,
                cacheWriteTokens,
                cacheWrite1hTokens,
                outputTokens,
                reasoningTokens,
                serviceTier,
                error,
                null);
    }
}
