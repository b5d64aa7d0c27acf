package io.tokentally.reconcile;

import io.tokentally.ingest.provider.CustomerAttribution;
import io.tokentally.plans.CustomerRepository;
import io.tokentally.pricing.PriceCatalogs;
import io.tokentally.shared.SqlTime;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/**
 * The providers' charges as the cost exports stored them ({@code provider_cost}; only USD lines are compared and
 * shared), and the actual costs they make of usage ({@link ActualCosts}).
 */
@Repository
class ChargeRepository {

    private final JdbcTemplate jdbc;
    private final ProviderUsageRepository usage;
    private final PriceCatalogs catalogs;
    private final CustomerAttribution attribution;
    private final CustomerRepository customers;

    ChargeRepository(
            JdbcTemplate jdbc,
            ProviderUsageRepository usage,
            PriceCatalogs catalogs,
            CustomerAttribution attribution,
            CustomerRepository customers) {
        this.jdbc = jdbc;
        this.usage = usage;
        this.catalogs = catalogs;
        this.attribution = attribution;
        this.customers = customers;
    }

    /**
     * The lines of the cost exports of the UTC days of [from, to) in every currency: a line in another tells how
     * the export splits a day as a USD one does, though its amount is compared and shared with none ({@link
     * ProviderChargeCheck}, {@link ActualCosts}).
     */
    List<ChargedCost> charges(Instant from, Instant to) {
        List<ChargedCost> lines = jdbc.query(
                "SELECT c.cost_day, c.provider, c.model, c.token_type, c.cost_type, c.line_item, c.amount_major,"
                        + " f.path, c.line_no, c.bucket_key, c.currency, c.project_id, c.api_key_id"
                        + " FROM provider_cost c JOIN ingested_file f ON f.file_id = c.file_id"
                        + " WHERE c.cost_day >= ? AND c.cost_day <= ?"
                        + " ORDER BY c.cost_day, c.provider, f.path, c.line_no",
                (rs, rowNum) -> new ChargedCost(
                        rs.getObject(1, LocalDate.class),
                        rs.getString(2),
                        rs.getString(3),
                        rs.getString(4),
                        rs.getString(5),
                        rs.getString(6),
                        rs.getBigDecimal(7),
                        rs.getString(8),
                        rs.getLong(9),
                        rs.getString(10),
                        rs.getString(11),
                        attribution
                                .customerOfCostLine(rs.getString(2), rs.getString(12), rs.getString(13))
                                .orElse(null)),
                LocalDate.ofInstant(from, ZoneOffset.UTC),
                LocalDate.ofInstant(to.minusNanos(1), ZoneOffset.UTC));
        if (lines.stream().allMatch(line -> line.customerId() == null)) {
            return lines;
        }
        // a project or key no known customer owns is no customer's
        Set<String> known = customers.customerIds();
        return lines.stream()
                .map(line -> known.contains(line.customerId()) ? line : line.withCustomer(null))
                .toList();
    }

    /**
     * The actual costs of the hours in [from, to): none when no cost export covers them. A charge is of a whole
     * UTC day, so its reference usage is the whole day's even when [from, to) holds part of it (a billing period
     * starting during the day): each part takes its share of the charge, not all of it.
     */
    ActualCosts actualCosts(Instant from, Instant to) {
        List<ChargedCost> charges = charges(from, to);
        if (charges.isEmpty()) {
            return ActualCosts.NONE;
        }
        Instant firstDay = from.truncatedTo(ChronoUnit.DAYS);
        Instant afterLastDay = to.minusNanos(1).truncatedTo(ChronoUnit.DAYS).plus(1, ChronoUnit.DAYS);
        return actualCosts(charges, usage.sides(firstDay, afterLastDay, catalogs.current()));
    }

    /** The actual costs of the hours in [from, to), whose usage {@code sides} already holds. */
    ActualCosts actualCosts(Instant from, Instant to, ProviderUsageRepository.Sides sides) {
        return actualCosts(charges(from, to), sides);
    }

    private ActualCosts actualCosts(List<ChargedCost> charges, ProviderUsageRepository.Sides sides) {
        if (charges.isEmpty()) {
            return ActualCosts.NONE;
        }
        Map<String, Map<ReconcileKey, UsageSide>> byCustomer = new TreeMap<>();
        Map<ReconcileKey, UsageSide> unattributed = new TreeMap<>();
        billableByCustomer(charges, byCustomer, unattributed);
        return ActualCosts.of(charges, sides.provider(), sides.billable(), byCustomer, unattributed);
    }

    /**
     * The billable usage of the days and providers of the lines of known customers, attributed per customer into
     * {@code byCustomer}, and that of customer ids in no customers file into {@code unattributed}: the usage their
     * charges are shared over ({@link ActualCosts}). A whole UTC day's, as a charge is a day's.
     */
    private void billableByCustomer(
            List<ChargedCost> charges,
            Map<String, Map<ReconcileKey, UsageSide>> byCustomer,
            Map<ReconcileKey, UsageSide> unattributed) {
        charges.stream()
                .filter(line -> line.customerId() != null)
                .map(line -> new ReconcileKey(line.provider(), ActualCosts.ANY, ActualCosts.ANY, line.day()))
                .distinct()
                .forEach(providerDay -> jdbc.query(
                        "SELECT attributed, customer_id, model, token_type, SUM(tokens), SUM(cost_usd)"
                                + " FROM rated_aggregate WHERE provider = ? AND hour_start >= ? AND hour_start < ?"
                                + " GROUP BY attributed, customer_id, model, token_type",
                        rs -> {
                            ReconcileKey key = new ReconcileKey(
                                    providerDay.provider(), rs.getString(3), rs.getString(4), providerDay.day());
                            UsageSide side = UsageSide.of(
                                    rs.getLong(5), rs.getBigDecimal(6).toPlainString());
                            if (rs.getBoolean(1)) {
                                byCustomer
                                        .computeIfAbsent(rs.getString(2), k -> new TreeMap<>())
                                        .put(key, side);
                            } else {
                                unattributed
                                        .computeIfAbsent(key, k -> new UsageSide())
                                        .addAll(side);
                            }
                        },
                        providerDay.provider(),
                        SqlTime.utc(
                                providerDay.day().atStartOfDay(ZoneOffset.UTC).toInstant()),
                        SqlTime.utc(providerDay
                                .day()
                                .plusDays(1)
                                .atStartOfDay(ZoneOffset.UTC)
                                .toInstant())));
    }
}
