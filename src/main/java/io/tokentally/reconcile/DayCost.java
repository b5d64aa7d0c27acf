package io.tokentally.reconcile;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/** One customer's usage of one model on one day, per token type, before it is costed. */
final class DayCost {
    private final String customerId;
    private final String provider;
    private final String model;
    private final LocalDate day;
    private final String sortKey;
    private final Map<String, BigDecimal> listByType = new TreeMap<>();
    private BigDecimal billed = BigDecimal.ZERO;

    DayCost(String customerId, String provider, String model, LocalDate day) {
        this.customerId = customerId;
        this.provider = provider;
        this.model = model;
        this.day = day;
        this.sortKey = customerId + '\u0000' + model + '\u0000' + day;
    }

    /** The order of the margin lines: customer, model, day. */
    String sortKey() {
        return sortKey;
    }

    /** Adds a token type's list cost and billed amount to the day. */
    void add(String tokenType, BigDecimal listUsd, BigDecimal billedUsd) {
        listByType.merge(tokenType, listUsd, BigDecimal::add);
        billed = billed.add(billedUsd);
    }

    /** Each token type at its actual cost where a charge covers it, else at list price. */
    MarginLine costed(ActualCosts actual) {
        BigDecimal cost = BigDecimal.ZERO;
        BigDecimal list = BigDecimal.ZERO;
        String basis = null;
        Set<MarginLine.CostSource> sources = new TreeSet<>(
                Comparator.comparing(MarginLine.CostSource::file).thenComparingLong(MarginLine.CostSource::line));
        for (Map.Entry<String, BigDecimal> type : listByType.entrySet()) {
            Optional<ActualCosts.Charge> charge = actual.covering(customerId, provider, model, type.getKey(), day);
            list = list.add(type.getValue());
            cost = cost.add(charge.map(c -> c.actual(type.getValue())).orElse(type.getValue()));
            if (type.getValue().signum() != 0) {
                basis = MarginLine.combine(basis, charge.isPresent() ? MarginLine.ACTUAL : MarginLine.LIST);
            }
            charge.filter(c -> type.getValue().signum() != 0)
                    .ifPresent(c -> c.lines()
                            .forEach(line -> sources.add(
                                    new MarginLine.CostSource(line.file(), line.lineNo(), line.bucketKey()))));
        }
        return new MarginLine(
                customerId,
                model,
                day,
                cost,
                billed,
                list,
                basis == null ? MarginLine.LIST : basis,
                List.copyOf(sources));
    }
}
