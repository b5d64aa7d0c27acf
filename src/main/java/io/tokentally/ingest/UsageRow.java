package io.tokentally.ingest;

import io.tokentally.shared.ServiceTier;
import java.time.Instant;

/**
 * A row of the usage format that passed the format's own rules. Token counts follow the format's
 * convention: {@code inputTokens} includes cached and cache-write tokens, {@code outputTokens}
 * includes reasoning tokens.
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
        boolean error) {}
