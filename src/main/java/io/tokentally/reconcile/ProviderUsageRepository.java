package io.tokentally.reconcile;

import io.tokentally.ingest.SourceRole;
import io.tokentally.pricing.Price;
import io.tokentally.pricing.PriceCatalog;
import io.tokentally.shared.Amounts;
import io.tokentally.shared.ContextTier;
import io.tokentally.shared.ServiceTier;
import io.tokentally.shared.SqlTime;
import io.tokentally.shared.TokenType;
import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/**
 * Usage per provider, model, token type and UTC day, split by the role of the source it came from, with
 * its list-price cost (the catalog's price in force, as rating prices it) and the files behind it; and, from the
 * same rows, the billable usage of customer ids that are in no customers file ({@link UsageFindings}).
 * Error rows are not usage of either side; attributed and unattributed usage both count.
 */
@Repository
class ProviderUsageRepository {

    private static final String UNKNOWN_CUSTOMER = "CASE WHEN c.customer_id IS NULL THEN u.customer_id END";

    // grouped by the unknown customer id as well, so that one pass over the hours' rows serves both sides and the
    // unattributed usage; the groups are summed again in Java to the keys each of them needs
    private static final String QUERY = "SELECT f.path, f.source_role, f.format, u.provider, u.model, u.service_tier,"
            + " u.context_tier, u.hour_start, u.price_epoch, SUM(u.input_tokens), SUM(u.cache_read_tokens),"
            + " SUM(u.cache_write_5m_tokens), SUM(u.cache_write_1h_tokens), SUM(u.output_tokens),"
            + " SUM(u.web_search_requests), SUM(u.images), SUM(u.audio_seconds),"
            + " MIN(u.first_line), MAX(u.last_line), SUM(u.requests), " + UNKNOWN_CUSTOMER + ", u.held"
            + " FROM usage_hourly u JOIN ingested_file f ON f.file_id = u.file_id"
            + " LEFT JOIN customer c ON c.customer_id = u.customer_id"
            + " WHERE u.billable = TRUE AND u.hour_start >= ? AND u.hour_start < ?"
            + " GROUP BY f.path, f.source_role, f.format, u.provider, u.model, u.service_tier, u.context_tier,"
            + " u.hour_start,"
            + " u.price_epoch, " + UNKNOWN_CUSTOMER + ", u.held";

    /** The first of the token types' sums in the query's columns. */
    private static final int UNITS_COLUMN = 10;

    private static final int LINES_COLUMN = UNITS_COLUMN + TokenType.values().length;

    /**
     * The format whose rows of another vendor's models another party bills: Google's Cloud Billing export
     * ({@code GoogleCloudBillingFormat}) holds Claude on Vertex AI, which Google charges for, not Anthropic.
     */
    private static final String GOOGLE_BILLED = "gcp-billing-export";

    private final JdbcTemplate jdbc;

    ProviderUsageRepository(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** The two sides of the hours in [from, to), and their unattributed usage. */
    Sides sides(Instant from, Instant to, PriceCatalog catalog) {
        Map<GroupKey, Sums> groups = new HashMap<>();
        Map<UnknownKey, Sums> unknown = new TreeMap<>();
        jdbc.query(
                QUERY,
                rs -> {
                    GroupKey key = GroupKey.of(rs);
                    Sums sums = Sums.of(rs);
                    groups.merge(key, sums, Sums::plus);
                    String customerId = rs.getString(LINES_COLUMN + 3);
                    // rows held for want of a price are counted with the rejects (NO_PRICE), not as unattributed;
                    // an export's buckets are not marked held (ADR 0014), but have no price in force either
                    if (customerId != null
                            && key.role().bills()
                            && !rs.getBoolean(LINES_COLUMN + 4)
                            && catalog.pricingAt(key.model(), key.epoch()).isPresent()) {
                        unknown.merge(new UnknownKey(customerId, key.hour(), key.path()), sums, Sums::plus);
                    }
                },
                SqlTime.utc(from),
                SqlTime.utc(to));
        Sides sides = new Sides(new TreeMap<>(), new TreeMap<>(), new ArrayList<>());
        Map<TierKey, TierSums> tiers = new HashMap<>();
        groups.forEach((key, sums) -> add(sides, tiers, key, sums, catalog));
        priceAsBillable(sides, tiers);
        unknown.forEach((key, sums) -> sides.unattributed().add(unattributed(key, sums)));
        return sides;
    }

    private static UnattributedUsage unattributed(UnknownKey key, Sums sums) {
        return new UnattributedUsage(
                key.customerId(),
                key.hour(),
                key.path(),
                sums.requests,
                sums.tokens(),
                sums.firstLine(),
                sums.lastLine());
    }

    /**
     * Prices the tokens both sides have of a key in a service tier as the billable usage prices them: a daily bucket
     * of an export is priced at its start, and OpenAI's usage gives no context tier, where the gateway's requests tell
     * each one's hour and context tier. Where the provider reports more, the gateway's tokens take the gateway's price
     * and the rest the export's own price per token. Where it reports fewer, its tokens move from their own price
     * towards the gateway's price per token in the measure that they cover the gateway's tokens: a provider that saw
     * a fiftieth of the gateway's tokens may have seen requests of another mix (long context ones, say), so it keeps
     * nearly its own price. Equal tokens take the gateway's price exactly, and a token more or less moves the price
     * by about a token's worth. Only what the provider bills itself is repriced, against the gateway's usage less
     * what another party's rows report (hour by hour and tier by tier already: Claude on Vertex AI in Google's billing
     * export); tokens without a price take none from the gateway's side (held usage), and the export's tokens without
     * a price at the bucket's start take the gateway's price per token. The service tier is one both tell, so tokens
     * the two sides put in different service tiers keep their own prices.
     */
    private static void priceAsBillable(Sides sides, Map<TierKey, TierSums> tiers) {
        tiers.forEach((tier, sums) -> {
            BigDecimal difference = sums.repricing();
            if (difference.signum() != 0) {
                sides.provider().get(tier.key()).reprice(difference);
            }
        });
    }

    private static void add(Sides sides, Map<TierKey, TierSums> tiers, GroupKey key, Sums sums, PriceCatalog catalog) {
        ServiceTier serviceTier = ServiceTier.parse(key.serviceTier()).orElseThrow();
        ContextTier contextTier = ContextTier.fromCode(key.contextTier());
        Instant pricedAt = key.hour().isAfter(key.epoch()) ? key.hour() : key.epoch();
        LocalDate day = LocalDate.ofInstant(key.hour(), ZoneOffset.UTC);
        for (TokenType type : TokenType.values()) {
            // the sums follow TokenType's order: the five token types, then the units
            long tokens = sums.units[type.ordinal()];
            if (tokens == 0) {
                continue;
            }
            Optional<BigDecimal> listed = catalog.priceAt(key.model(), type, serviceTier, contextTier, pricedAt)
                    .map(Price::usdPerMillion)
                    .map(price -> Amounts.cost(tokens, price));
            BigDecimal usd = listed.orElse(BigDecimal.ZERO);
            ReconcileKey reconcileKey = new ReconcileKey(key.provider(), key.model(), type.code(), day);
            TierSums tier = tiers.computeIfAbsent(new TierKey(reconcileKey, serviceTier), k -> new TierSums());
            if (key.role().costs()) {
                UsageSide side = sides.provider().computeIfAbsent(reconcileKey, k -> new UsageSide());
                side.add(tokens, usd, key.path(), sums.firstLine(), sums.lastLine());
                boolean elsewhere = key.billedElsewhere();
                if (elsewhere) {
                    side.billedElsewhere(tokens, usd);
                }
                tier.provider(elsewhere).add(tokens, usd, listed.isPresent());
            }
            if (key.role().bills()) {
                UsageSide side = sides.billable().computeIfAbsent(reconcileKey, k -> new UsageSide());
                side.add(tokens, usd, key.path(), sums.firstLine(), sums.lastLine());
                if (listed.isEmpty()) {
                    side.unpriced(tokens);
                }
                tier.billable.add(tokens, usd, listed.isPresent());
            }
        }
    }

    /**
     * Usage of the cost-role sources (the provider's side) and of the billable-role sources, and the billable usage
     * of unknown customer ids, by customer id, hour and file.
     */
    record Sides(
            Map<ReconcileKey, UsageSide> provider,
            Map<ReconcileKey, UsageSide> billable,
            List<UnattributedUsage> unattributed) {}

    /**
     * Billable usage of a customer id in no customers file, in one hour of one file: its requests, its tokens (of
     * the five token types) and the file's lines behind it (0 and 0 when unknown).
     */
    record UnattributedUsage(
            String customerId, Instant hour, String path, long requests, long tokens, long firstLine, long lastLine) {}

    private record GroupKey(
            String path,
            SourceRole role,
            String format,
            String provider,
            String model,
            String serviceTier,
            String contextTier,
            Instant hour,
            Instant epoch) {

        /** Whether another party than the row's vendor bills it: a non-Google model in Google's billing export. */
        boolean billedElsewhere() {
            return GOOGLE_BILLED.equals(format) && !provider.equals("google");
        }

        static GroupKey of(ResultSet rs) throws SQLException {
            return new GroupKey(
                    rs.getString(1),
                    SourceRole.parse(rs.getString(2)),
                    rs.getString(3),
                    rs.getString(4),
                    rs.getString(5),
                    rs.getString(6),
                    rs.getString(7),
                    SqlTime.read(rs, "hour_start"),
                    SqlTime.read(rs, "price_epoch"));
        }
    }

    /** A reconciliation key in one service tier. */
    private record TierKey(ReconcileKey key, ServiceTier serviceTier) {}

    /**
     * The tokens and list price of each side in a {@link TierKey}: the provider's own usage, the provider-side usage
     * another party bills, and the billable usage.
     */
    private static final class TierSums {
        private final Part own = new Part();
        private final Part elsewhere = new Part();
        private final Part billable = new Part();

        Part provider(boolean billedElsewhere) {
            return billedElsewhere ? elsewhere : own;
        }

        /** How much {@link #priceAsBillable} changes the list price of the provider's own usage by. */
        BigDecimal repricing() {
            // the gateway does not tell which of its requests another party served: those its rows report are taken out
            long comparable = billable.pricedTokens - elsewhere.pricedTokens;
            BigDecimal comparableUsd = billable.usd.subtract(elsewhere.usd);
            if (own.tokens == 0 || comparable <= 0 || comparableUsd.signum() <= 0) {
                return BigDecimal.ZERO;
            }
            BigDecimal ownUsd = own.usd;
            if (own.pricedTokens < own.tokens) {
                ownUsd = ownUsd.add(Amounts.share(
                        comparableUsd,
                        BigDecimal.valueOf(own.tokens - own.pricedTokens),
                        BigDecimal.valueOf(comparable)));
            }
            return asBillable(own.tokens, ownUsd, comparable, comparableUsd).subtract(own.usd);
        }

        /** {@code tokens} of list price {@code usd} priced as {@code billable} tokens of {@code billableUsd} are. */
        private static BigDecimal asBillable(long tokens, BigDecimal usd, long billable, BigDecimal billableUsd) {
            if (tokens == billable) {
                return billableUsd;
            }
            if (tokens < billable) {
                BigDecimal covered = BigDecimal.valueOf(tokens);
                BigDecimal all = BigDecimal.valueOf(billable);
                BigDecimal atBillable = Amounts.share(billableUsd, covered, all);
                return usd.add(Amounts.share(atBillable.subtract(usd), covered, all));
            }
            BigDecimal more = BigDecimal.valueOf(tokens - billable);
            return billableUsd.add(Amounts.share(usd, more, BigDecimal.valueOf(tokens)));
        }
    }

    /** Tokens and their list price, and how many of them have a price. */
    private static final class Part {
        private long tokens;
        private long pricedTokens;
        private BigDecimal usd = BigDecimal.ZERO;

        void add(long moreTokens, BigDecimal moreUsd, boolean priced) {
            tokens += moreTokens;
            if (priced) {
                pricedTokens += moreTokens;
                usd = usd.add(moreUsd);
            }
        }
    }

    private record UnknownKey(String customerId, Instant hour, String path) implements Comparable<UnknownKey> {
        @Override
        public int compareTo(UnknownKey other) {
            int byCustomer = customerId.compareTo(other.customerId);
            if (byCustomer != 0) {
                return byCustomer;
            }
            int byHour = hour.compareTo(other.hour);
            return byHour != 0 ? byHour : path.compareTo(other.path);
        }
    }

    /** The sums of one or more groups of the query: first and last line as SQL's MIN and MAX, which skip nulls. */
    private static final class Sums {
        private final long[] units = new long[TokenType.values().length];
        private long requests;
        private Long firstLine;
        private Long lastLine;

        static Sums of(ResultSet rs) throws SQLException {
            Sums sums = new Sums();
            for (int i = 0; i < sums.units.length; i++) {
                sums.units[i] = rs.getLong(UNITS_COLUMN + i);
            }
            sums.firstLine = rs.getObject(LINES_COLUMN, Long.class);
            sums.lastLine = rs.getObject(LINES_COLUMN + 1, Long.class);
            sums.requests = rs.getLong(LINES_COLUMN + 2);
            return sums;
        }

        static Sums plus(Sums a, Sums b) {
            Sums sums = new Sums();
            for (int i = 0; i < sums.units.length; i++) {
                sums.units[i] = a.units[i] + b.units[i];
            }
            sums.requests = a.requests + b.requests;
            sums.firstLine = a.firstLine == null
                    ? b.firstLine
                    : b.firstLine == null ? a.firstLine : Math.min(a.firstLine, b.firstLine);
            sums.lastLine = a.lastLine == null
                    ? b.lastLine
                    : b.lastLine == null ? a.lastLine : Math.max(a.lastLine, b.lastLine);
            return sums;
        }

        /** The five token types' tokens, without the units. */
        long tokens() {
            long tokens = 0;
            for (TokenType type : TokenType.values()) {
                if (!type.isUnit()) {
                    tokens += units[type.ordinal()];
                }
            }
            return tokens;
        }

        long firstLine() {
            return firstLine == null ? 0 : firstLine;
        }

        long lastLine() {
            return lastLine == null ? 0 : lastLine;
        }
    }
}
