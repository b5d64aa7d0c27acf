package io.tokentally.normalize;

import io.tokentally.shared.ContextTier;
import io.tokentally.shared.ServiceTier;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * A file's accepted usage summed per customer, model, tiers, hour, price epoch and billability: what
 * the ingest step stores instead of one row per request.
 */
final class UsageTotals {

    /** What a group of usage lines shares. */
    record Group(
            Instant hourStart,
            String customerId,
            boolean attributed,
            String provider,
            String model,
            ServiceTier serviceTier,
            ContextTier contextTier,
            Instant priceEpoch,
            boolean billable) {

        static Group of(UsageLine line) {
            return new Group(
                    line.hourStart(),
                    line.customerId(),
                    line.attributed(),
                    line.provider(),
                    line.model(),
                    line.serviceTier(),
                    line.contextTier(),
                    line.priceEpoch(),
                    line.billable());
        }
    }

    /** Requests, disjoint token buckets and non-token units of one group; reasoning is a sub-count of output. */
    static final class Sums {
        long requests;
        long input;
        long cacheRead;
        long cacheWrite5m;
        long cacheWrite1h;
        long output;
        long reasoning;
        long webSearchRequests;
        long images;
        long audioSeconds;

        void add(UsageLine line, int sign) {
            requests += sign;
            input += sign * line.input();
            cacheRead += sign * line.cacheRead();
            cacheWrite5m += sign * line.cacheWrite5m();
            cacheWrite1h += sign * line.cacheWrite1h();
            output += sign * line.output();
            reasoning += sign * line.reasoning();
            webSearchRequests += sign * line.units().webSearchRequests();
            images += sign * line.units().images();
            audioSeconds += sign * line.units().audioSeconds();
        }
    }

    private final Map<Group, Sums> groups = new HashMap<>();

    void add(UsageLine line) {
        groups.computeIfAbsent(Group.of(line), group -> new Sums()).add(line, 1);
    }

    /** Takes a line back out (it turned out to be a duplicate of a row another file committed first). */
    void subtract(UsageLine line) {
        Group group = Group.of(line);
        Sums sums = groups.get(group);
        sums.add(line, -1);
        if (sums.requests == 0) {
            groups.remove(group);
        }
    }

    int size() {
        return groups.size();
    }

    void forEach(BiConsumer<Group, Sums> action) {
        groups.forEach(action);
    }
}
