package io.tokentally.reconcile;

import io.tokentally.pricing.PriceCatalogs;
import io.tokentally.shared.UsageWindow;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * The provider side of reconciliation for a run's window: cost-role usage against billable usage
 * ({@link ProviderUsageCheck}) and the providers' charges against list price ({@link ProviderChargeCheck});
 * findings outside tolerance, and every compared key kept for {@code reconciliation.csv}.
 */
@Component
@EnableConfigurationProperties(ProviderReconcileProperties.class)
public class ProviderReconciliation {

    private final ProviderUsageRepository usage;
    private final ReconciliationLineRepository lines;
    private final FindingRepository findings;
    private final PriceCatalogs catalogs;
    private final ProviderReconcileProperties properties;
    private final JdbcTemplate jdbc;

    ProviderReconciliation(
            ProviderUsageRepository usage,
            ReconciliationLineRepository lines,
            FindingRepository findings,
            PriceCatalogs catalogs,
            ProviderReconcileProperties properties,
            JdbcTemplate jdbc) {
        this.usage = usage;
        this.lines = lines;
        this.findings = findings;
        this.catalogs = catalogs;
        this.properties = properties;
        this.jdbc = jdbc;
    }

    /** Compares the window's usage and charges, records the findings; returns how many findings it recorded. */
    public int reconcile(UsageWindow window, long run) {
        ProviderUsageRepository.Sides sides = usage.sides(window.from(), window.to(), catalogs.current());
        List<ProviderUsageCheck.Checked> checked =
                new ArrayList<>(new ProviderUsageCheck(properties.usageTokenTolerance(), properties.usageUsdTolerance())
                        .check(sides.provider(), sides.billable()));
        checked.addAll(new ProviderChargeCheck(properties.chargeTolerance())
                .check(charges(window), sides.provider(), sides.billable()));
        lines.replace(
                run, checked.stream().map(ProviderUsageCheck.Checked::line).toList());
        int recorded = 0;
        for (ProviderUsageCheck.Checked one : checked) {
            if (one.finding() != null) {
                findings.record(one.finding(), run);
                recorded++;
            }
        }
        return recorded;
    }

    /** The USD lines of the cost exports of the window's days. */
    private List<ChargedCost> charges(UsageWindow window) {
        LocalDate from = LocalDate.ofInstant(window.from(), ZoneOffset.UTC);
        LocalDate to = LocalDate.ofInstant(window.to().minusNanos(1), ZoneOffset.UTC);
        return jdbc.query(
                "SELECT c.cost_day, c.provider, c.model, c.token_type, c.cost_type, c.line_item, c.amount_major,"
                        + " f.path FROM provider_cost c JOIN ingested_file f ON f.file_id = c.file_id"
                        + " WHERE c.cost_day >= ? AND c.cost_day <= ? AND c.currency = 'USD'",
                (rs, rowNum) -> new ChargedCost(
                        rs.getObject(1, LocalDate.class),
                        rs.getString(2),
                        rs.getString(3),
                        rs.getString(4),
                        rs.getString(5),
                        rs.getString(6),
                        rs.getBigDecimal(7),
                        rs.getString(8)),
                from,
                to);
    }
}
