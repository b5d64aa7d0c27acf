package io.tokentally.reconcile;

import io.tokentally.rating.HeldUsage;
import io.tokentally.shared.ContextTier;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/** One finding per model whose usage a run held back for want of a price, with the files and lines behind it. */
public final class HeldUsageFindings {

    static final String KIND = "USAGE_HELD_NO_PRICE";
    private static final String KEY_PREFIX = "usage-held:";

    private HeldUsageFindings() {}

    /** The model a finding of this kind is about, from its key. */
    static String modelOf(String key) {
        return key.substring(KEY_PREFIX.length());
    }

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
        HeldTotals held = HeldTotals.of(rows);
        Evidence evidence = new Evidence()
                .number("model", model)
                .number("tokens", held.tokens())
                .number("customers", held.customers().size())
                .number("hours", held.hours().size())
                .number("first_hour", held.hours().first().toString())
                .number("last_hour", held.hours().last().toString())
                .number("token_types", String.join(", ", held.types()));
        if (source != null) {
            source.addSources(evidence, "held");
        }
        return new Finding(
                KEY_PREFIX + model,
                KIND,
                Finding.Severity.WARNING,
                held.tokens() + " tokens of " + model + " (" + String.join(", ", held.types()) + ") for "
                        + held.customers().size()
                        + " customer(s) in " + held.hours().size() + " hour(s) from "
                        + held.hours().first() + " to "
                        + held.hours().last() + " are held back, not billed: no price of " + model
                        + " for these tiers and token types is in force at their time. The first run after a price for"
                        + " their time is added (prices file, price sync or override) bills them.",
                evidence);
    }

    /**
     * A model's held tokens, and the customers, service tier (with the context tier when long) and token type
     * pairs, and hours they were held in.
     */
    private record HeldTotals(long tokens, TreeSet<String> customers, TreeSet<String> types, TreeSet<Instant> hours) {

        static HeldTotals of(List<HeldUsage> rows) {
            long tokens = 0;
            TreeSet<String> customers = new TreeSet<>();
            TreeSet<String> types = new TreeSet<>();
            TreeSet<Instant> hours = new TreeSet<>();
            for (HeldUsage row : rows) {
                tokens += row.tokens();
                customers.add(row.customerId());
                types.add(row.serviceTier().code()
                        + (row.contextTier() == ContextTier.LONG ? " long-context " : " ")
                        + row.tokenType().code());
                hours.add(row.hourStart());
            }
            return new HeldTotals(tokens, customers, types, hours);
        }
    }
}
