package io.tokentally.normalize;

import io.tokentally.ingest.UsageRowParser;
import io.tokentally.shared.ContextTier;
import io.tokentally.shared.ServiceTier;
import io.tokentally.shared.TokenType;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * A file's accepted usage summed per customer, model, tiers, hour, price epoch, newest price version and
 * billability: what the ingest step stores instead of one row per request.
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
            long newestPriceId,
            boolean billable,
            boolean held,
            Long heldInput) {

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
                    line.newestPriceId(),
                    line.billable(),
                    line.held(),
                    line.heldInput());
        }

        /** This group with no newest price version. */
        Group withoutNewestPriceId() {
            return with(priceEpoch, 0, held, heldInput);
        }

        /**
         * The group of the whole hour, whatever the price epochs and versions of its lines and whether they are held:
         * usage held for want of any price keeps each row's input apart (its tier is found once priced), whose groups
         * alone would let an hour hold the limit once per input.
         */
        Group ofHour() {
            return with(hourStart, 0, false, null);
        }

        private Group with(Instant epoch, long newest, boolean isHeld, Long input) {
            return new Group(
                    hourStart,
                    customerId,
                    attributed,
                    provider,
                    model,
                    serviceTier,
                    contextTier,
                    epoch,
                    newest,
                    billable,
                    isHeld,
                    input);
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
        long firstLine = Long.MAX_VALUE;
        long lastLine;

        /** Adds (sign 1) or takes out (sign -1) a line; a sum past a long's range fails the file, never wraps. */
        void add(UsageLine line, int sign) {
            requests = Math.addExact(requests, sign);
            input = Math.addExact(input, sign * line.input());
            cacheRead = Math.addExact(cacheRead, sign * line.cacheRead());
            cacheWrite5m = Math.addExact(cacheWrite5m, sign * line.cacheWrite5m());
            cacheWrite1h = Math.addExact(cacheWrite1h, sign * line.cacheWrite1h());
            output = Math.addExact(output, sign * line.output());
            reasoning = Math.addExact(reasoning, sign * line.reasoning());
            webSearchRequests =
                    Math.addExact(webSearchRequests, sign * line.units().webSearchRequests());
            images = Math.addExact(images, sign * line.units().images());
            audioSeconds = Math.addExact(audioSeconds, sign * line.units().audioSeconds());
            if (sign > 0) {
                firstLine = Math.min(firstLine, line.lineNo());
                lastLine = Math.max(lastLine, line.lineNo());
            }
        }

        /** The first token type whose total would pass {@link UsageRowParser#MAX_TOKENS} with {@code line} added. */
        TokenType typePastLimit(UsageLine line) {
            for (TokenType type : TokenType.values()) {
                if (total(type) + count(line, type) > UsageRowParser.MAX_TOKENS) {
                    return type;
                }
            }
            return null;
        }

        private long total(TokenType type) {
            return switch (type) {
                case INPUT -> input;
                case CACHE_READ -> cacheRead;
                case CACHE_WRITE_5M -> cacheWrite5m;
                case CACHE_WRITE_1H -> cacheWrite1h;
                case OUTPUT -> output;
                case WEB_SEARCH_REQUEST -> webSearchRequests;
                case IMAGE -> images;
                case AUDIO_SECOND -> audioSeconds;
            };
        }

        private static long count(UsageLine line, TokenType type) {
            return switch (type) {
                case INPUT -> line.input();
                case CACHE_READ -> line.cacheRead();
                case CACHE_WRITE_5M -> line.cacheWrite5m();
                case CACHE_WRITE_1H -> line.cacheWrite1h();
                case OUTPUT -> line.output();
                default -> line.units().of(type);
            };
        }

        boolean isZero() {
            return requests == 0
                    && input == 0
                    && cacheRead == 0
                    && cacheWrite5m == 0
                    && cacheWrite1h == 0
                    && output == 0
                    && reasoning == 0
                    && webSearchRequests == 0
                    && images == 0
                    && audioSeconds == 0;
        }
    }

    private final Map<Group, Sums> groups = new HashMap<>();
    /**
     * The request rows' sums per hour whatever their price epochs, which the limit applies to: usage held for its tier
     * has an epoch a minute, whose groups alone would let an hour hold 60 times the limit.
     */
    private final Map<Group, Sums> hours = new HashMap<>();

    void add(UsageLine line) {
        groups.computeIfAbsent(Group.of(line), group -> new Sums()).add(line, 1);
    }

    /**
     * Adds a line unless it would take one of its hour's token or unit totals (its group's, whatever the price epoch)
     * past {@link UsageRowParser#MAX_TOKENS}, the most one row may hold; then adds nothing and names that total's
     * token type.
     * So a total of a file's hour stays a count a row could hold, and a year of one file's hours fits a long.
     * (Request rows only: an export's buckets replace each other and are summed by {@link FileSnapshots}.)
     */
    TokenType addWithinLimit(UsageLine line) {
        Group group = Group.of(line);
        // a new hour takes any line (a row holds at most MAX_TOKENS of each); a group is made only for a line it takes
        Sums hour = hours.computeIfAbsent(group.ofHour(), g -> new Sums());
        TokenType past = hour.typePastLimit(line);
        if (past == null) {
            hour.add(line, 1);
            groups.computeIfAbsent(group, g -> new Sums()).add(line, 1);
        }
        return past;
    }

    /**
     * Takes a line out: the older numbers of a snapshot bucket that this file replaces (then the group may hold
     * only this file's difference).
     */
    void subtract(UsageLine line) {
        Group group = Group.of(line);
        Sums sums = groups.computeIfAbsent(group, g -> new Sums());
        sums.add(line, -1);
        if (sums.isZero()) {
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
