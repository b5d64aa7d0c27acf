package io.tokentally.reconcile;

import io.tokentally.pricing.PriceCatalogs;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
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

    ChargeRepository(JdbcTemplate jdbc, ProviderUsageRepository usage, PriceCatalogs catalogs) {
        this.jdbc = jdbc;
        this.usage = usage;
        this.catalogs = catalogs;
    }

    /**
     * The lines of the cost exports of the UTC days of [from, to) in every currency: a line in another tells how
     * the export splits a day as a USD one does, though its amount is compared and shared with none ({@link
     * ProviderChargeCheck}, {@link ActualCosts}).
     */
    List<ChargedCost> charges(Instant from, Instant to) {
        return jdbc.query(
                "SELECT c.cost_day, c.provider, c.model, c.token_type, c.cost_type, c.line_item, c.amount_major,"
                        + " f.path, c.line_no, c.bucket_key, c.currency FROM provider_cost c"
                        + " JOIN ingested_file f ON f.file_id = c.file_id"
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
                        rs.getString(11)),
                LocalDate.ofInstant(from, ZoneOffset.UTC),
                LocalDate.ofInstant(to.minusNanos(1), ZoneOffset.UTC));
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

    private static ActualCosts actualCosts(List<ChargedCost> charges, ProviderUsageRepository.Sides sides) {
        return charges.isEmpty() ? ActualCosts.NONE : ActualCosts.of(charges, sides.provider(), sides.billable());
    }
}
