package io.tokentally.reconcile;

import io.tokentally.rating.HeldUsage;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/** One finding per model whose usage a run held back for want of a price, with the files and lines behind it. */
public final class HeldUsageFindings {

    private HeldUsageFindings() {}

    /** @param sources the files and line ranges of each model's held usage (a model may have none) */
    static List<Finding> of(List<HeldUsage> held, Map<String, UsageSide> sources) {
        Map<String, List<HeldUsage>> byModel = new TreeMap<>();
        held.forEach(
                h -> byModel.computeIfAbsent(h.model(), m -> new ArrayList<>()).add(h));
        List<Finding> findings = new ArrayList<>(byModel.size());
        byModel.forEach((model, rows) -> findings.add(finding(model, rows, sources.get(model))));
        return findings;
    }

    private static Finding finding(String model, List<HeldUsage> rows, UsageSide source) {
        long tokens = 0;
        TreeSet<String> customers = new TreeSet<>();
        TreeSet<String> types = new TreeSet<>();
        TreeSet<Instant> hours = new TreeSet<>();
        for (HeldUsage row : rows) {
            tokens += row.tokens();
            customers.add(row.customerId());
            types.add(row.serviceTier().code() + " " + row.tokenType().code());
            hours.add(row.hourStart());
        }
        Evidence evidence = new Evidence()
                .number("model", model)
                .number("tokens", tokens)
                .number("customers", customers.size())
                .number("hours", hours.size())
                .number("first_hour", hours.first().toString())
                .number("last_hour", hours.last().toString())
                .number("token_types", String.join(", ", types));
        if (source != null) {
            source.addSources(evidence, "held");
        }
        return new Finding(
                "usage-held:" + model,
                "USAGE_HELD_NO_PRICE",
                Finding.Severity.WARNING,
                tokens + " tokens of " + model + " (" + String.join(", ", types) + ") for " + customers.size()
                        + " customer(s) in " + hours.size() + " hour(s) from " + hours.first() + " to "
                        + hours.last() + " are held back, not billed: "
                        + rows.get(0).reason()
                        + ". The first run after a price for their time is added (prices file, price sync or"
                        + " override) bills them.",
                evidence);
    }
}
