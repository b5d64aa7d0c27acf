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
        Map<TierKey, TierRepricing> tiers = new HashMap<>();
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

    /** Prices the provider's own usage of each key in a service tier as the billable usage prices it. */
    private static void priceAsBillable(Sides sides, Map<TierKey, TierRepricing> tiers) {
        tiers.forEach((tier, repricing) -> {
            BigDecimal difference = repricing.difference();
            if (difference.signum() != 0) {
                sides.provider().get(tier.key()).reprice(difference);
            }
        });
    }

    private static void add(
            Sides sides, Map<TierKey, TierRepricing> tiers, GroupKey key, Sums sums, PriceCatalog catalog) {
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
            BigDecimal perMillion = catalog.priceAt(key.model(), type, serviceTier, contextTier, pricedAt)
                    .map(Price::usdPerMillion)
                    .orElse(null);
            BigDecimal usd = perMillion == null ? BigDecimal.ZERO : Amounts.cost(tokens, perMillion);
            ReconcileKey reconcileKey = new ReconcileKey(key.provider(), key.model(), type.code(), day);
            TierRepricing tier =
                    tiers.computeIfAbsent(new TierKey(reconcileKey, serviceTier), k -> new TierRepricing());
            if (key.role().costs()) {
                UsageSide side = sides.provider().computeIfAbsent(reconcileKey, k -> new UsageSide());
                side.add(tokens, usd, key.path(), sums.firstLine(), sums.lastLine());
                boolean elsewhere = key.billedElsewhere();
                if (elsewhere) {
                    side.billedElsewhere(tokens, usd);
                }
                tier.addProvider(tokens, perMillion, elsewhere);
            }
            if (key.role().bills()) {
                UsageSide side = sides.billable().computeIfAbsent(reconcileKey, k -> new UsageSide());
                side.add(tokens, usd, key.path(), sums.firstLine(), sums.lastLine());
                if (perMillion == null) {
                    side.unpriced(tokens);
                }
                tier.addBillable(tokens, perMillion);
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
