package io.tokentally.reconcile;

import io.tokentally.pricing.PriceCatalogs;
import io.tokentally.shared.UsageWindow;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.stereotype.Component;

/**
 * The provider side of reconciliation for the days a run reconciles ({@link ReconcileDays}): cost-role usage against billable usage
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
    private final ChargeRepository charges;

    ProviderReconciliation(
            ProviderUsageRepository usage,
            ReconciliationLineRepository lines,
            FindingRepository findings,
            PriceCatalogs catalogs,
            ProviderReconcileProperties properties,
            ChargeRepository charges) {
        this.usage = usage;
        this.lines = lines;
        this.findings = findings;
        this.catalogs = catalogs;
        this.properties = properties;
        this.charges = charges;
    }

    /** The usage of each of these days, read once for the reconciliation and the unattributed-usage findings. */
    SortedMap<LocalDate, ProviderUsageRepository.Sides> usage(Collection<LocalDate> days) {
        SortedMap<LocalDate, ProviderUsageRepository.Sides> usage = new TreeMap<>();
        for (LocalDate day : days) {
            UsageWindow window = UsageWindow.ofUtcDate(day);
            usage.put(day, this.usage.sides(window.from(), window.to(), catalogs.current()));
        }
        return usage;
    }

    /** Compares the usage and charges of each day, records the findings; returns the findings it recorded. */
    List<Finding> reconcile(SortedMap<LocalDate, ProviderUsageRepository.Sides> usage, long run) {
        List<ProviderUsageCheck.Checked> checked = new ArrayList<>();
        usage.forEach((day, sides) -> {
            UsageWindow window = UsageWindow.ofUtcDate(day);
            checked.addAll(new ProviderUsageCheck(properties.usageTokenTolerance(), properties.usageUsdTolerance())
                    .check(sides.provider(), sides.billable()));
            checked.addAll(new ProviderChargeCheck(properties.chargeTolerance())
                    .check(charges.charges(window.from(), window.to()), sides.provider(), sides.billable()));
        });
        lines.replace(
                run, checked.stream().map(ProviderUsageCheck.Checked::line).toList());
        List<Finding> recorded = new ArrayList<>();
        for (ProviderUsageCheck.Checked one : checked) {
            if (one.finding() != null) {
                findings.record(one.finding(), run);
                recorded.add(one.finding());
            }
        }
        return recorded;
    }
}
