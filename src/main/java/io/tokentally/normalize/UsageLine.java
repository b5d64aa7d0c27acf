package io.tokentally.normalize;

import io.tokentally.shared.ContextTier;
import io.tokentally.shared.Hours;
import io.tokentally.shared.ServiceTier;
import io.tokentally.shared.UnitCounts;
import java.time.Instant;

/**
 * One normalized request. The token counts are disjoint canonical buckets: {@code input} is uncached
 * input only; {@code reasoning} is a sub-count of {@code output}, never billed on its own;
 * {@code units} counts the request's non-token units. {@code held} marks a request whose model had no price
 * at its time: its model is the row's own id and its context tier provisional until a price exists; {@code
 * heldInput} is then its whole input (cached and cache-write tokens included), or null if the row stated its
 * tier. {@code newestPriceId} is the newest of its model's price versions that had started by its time when it was
 * read (0 for held usage): usage read before and after a back-dated price was added is summed apart. {@code
 * contextTierStated} says whether the row stated its context tier; if not, the tier follows from its input and the
 * model's long-context threshold.
 */
public record UsageLine(
        String source,
        String requestId,
        long fileId,
        long lineNo,
        Instant occurredAt,
        Instant priceEpoch,
        long newestPriceId,
        String customerId,
        boolean attributed,
        String provider,
        String model,
        String rawModel,
        ServiceTier serviceTier,
        ContextTier contextTier,
        boolean billable,
        long input,
        long cacheRead,
        long cacheWrite5m,
        long cacheWrite1h,
        long output,
        long reasoning,
        UnitCounts units,
        boolean held,
        Long heldInput,
        boolean contextTierStated) {

    public Instant hourStart() {
        return Hours.startOf(occurredAt);
    }
}
