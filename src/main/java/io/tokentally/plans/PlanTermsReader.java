package io.tokentally.plans;

import io.tokentally.shared.Amounts;
import io.tokentally.shared.FieldLength;
import io.tokentally.shared.PlainNumbers;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/** Reads a plan's fee, included usage, consumption order and overage rule, and checks them against its type. */
final class PlanTermsReader {

    private static final Set<String> ALLOWANCE_KEYS = Set.of("name", "usd", "tokens", "models");

    /** The longest allowance name, and list of models joined with commas, tokentally keeps. */
    private static final int MAX_NAME = 100;

    private static final int MAX_MODELS = 4000;

    private PlanTermsReader() {}

    static Plan withTerms(Path file, String where, JsonNode node, Plan plan) {
        BigDecimal fee = node.hasNonNull("fixed_fee_usd")
                ? amount(file, where + ".fixed_fee_usd", node.get("fixed_fee_usd"))
                : BigDecimal.ZERO;
        List<Allowance> allowances = allowances(file, where, node.get("included"));
        List<CreditSource> order = order(file, where, node.get("consumption_order"));
        boolean allowOverage = node.hasNonNull("allow_overage")
                ? PlanNodes.bool(file, where + ".allow_overage", node.get("allow_overage"))
                : plan.type() != PlanType.CREDITS;
        check(file, where, plan.type(), fee, allowances);
        return new Plan(
                plan.planId(),
                plan.type(),
                plan.currency(),
                plan.markupPercent(),
                plan.overrides(),
                fee,
                allowances,
                order,
                allowOverage,
                plan.priceChanges());
    }

    private static void check(Path file, String where, PlanType type, BigDecimal fee, List<Allowance> allowances) {
        boolean hasTerms = fee.signum() != 0 || !allowances.isEmpty();
        if ((type == PlanType.USAGE || type == PlanType.CREDITS) && hasTerms) {
            throw new PlanFault(
                    file,
                    where,
                    "is a '" + type.code()
                            + "' plan and cannot have fixed_fee_usd or included; use type fixed or hybrid");
        }
        if (type == PlanType.FIXED && fee.signum() == 0 && allowances.isEmpty()) {
            throw new PlanFault(file, where, "is a 'fixed' plan and needs fixed_fee_usd or included");
        }
    }

    private static List<Allowance> allowances(Path file, String where, JsonNode node) {
        List<Allowance> allowances = new ArrayList<>();
        List<JsonNode> list = PlanNodes.list(file, where + ".included", node);
        Map<String, Integer> named = new HashMap<>();
        for (int i = 0; i < list.size(); i++) {
            Allowance allowance = allowance(file, where + ".included[" + i + "]", list.get(i), i);
            // the name keys what is left of an allowance: two of one name would draw on one balance
            Integer first = named.putIfAbsent(allowance.name(), i);
            if (first != null) {
                throw new PlanFault(
                        file,
                        where + ".included[" + i + "]",
                        "is named '" + allowance.name() + "' as included[" + first + "] is; give each allowance of a"
                                + " plan its own name");
            }
            allowances.add(allowance);
        }
        return allowances;
    }

    private static Allowance allowance(Path file, String where, JsonNode node, int index) {
        PlanNodes.requireMapping(file, where, node);
        PlanNodes.requireKnownKeys(file, where, node, ALLOWANCE_KEYS);
        String name = node.hasNonNull("name")
                ? PlanNodes.text(file, where + ".name", node.get("name"), MAX_NAME)
                : "included-" + (index + 1);
        if (node.hasNonNull("usd") == node.hasNonNull("tokens")) {
            throw new PlanFault(file, where, "must have either usd or tokens");
        }
        BigDecimal usd = node.hasNonNull("usd") ? amount(file, where + ".usd", node.get("usd")) : null;
        Long tokens = node.hasNonNull("tokens") ? tokens(file, where + ".tokens", node.get("tokens")) : null;
        // a single model (models: openai/*) is refused, not read as no models, which would cover every model
        List<JsonNode> group = PlanNodes.list(file, where + ".models", node.get("models"));
        List<String> models = new ArrayList<>();
        for (int i = 0; i < group.size(); i++) {
            String model =
                    PlanNodes.modelId(file, where + ".models[" + i + "]", group.get(i), "provider/model or provider/*");
            if (model.contains("*") && !(model.endsWith("/*") && model.indexOf('*') == model.length() - 1)) {
                // openai/gpt-4o* covered nothing: no model id holds a *
                throw new PlanFault(
                        file,
                        where + ".models[" + i + "]",
                        "'" + model + "' must be written provider/model or"
                                + " provider/*: a * stands only for every model of a provider");
            }
            models.add(model);
        }
        int joined = String.join(",", models).length();
        if (joined > MAX_MODELS) {
            throw new PlanFault(
                    file, where + ".models", "written with commas " + FieldLength.tooLong(joined, MAX_MODELS));
        }
        return new Allowance(name, usd, tokens, models);
    }

    private static List<CreditSource> order(Path file, String where, JsonNode list) {
        if (list == null || list.isNull()) {
            return CreditSource.DEFAULT_ORDER;
        }
        List<CreditSource> order = new ArrayList<>();
        List<JsonNode> items = PlanNodes.list(file, where + ".consumption_order", list);
        for (int i = 0; i < items.size(); i++) {
            String item = PlanNodes.text(file, where + ".consumption_order[" + i + "]", items.get(i));
            try {
                order.add(CreditSource.parse(item));
            } catch (IllegalArgumentException e) {
                throw new PlanFault(
                        file,
                        where + ".consumption_order[" + i + "]",
                        "'" + item + "' is not included, promotional or paid");
            }
        }
        if (order.size() != CreditSource.values().length || new HashSet<>(order).size() != order.size()) {
            throw new PlanFault(
                    file,
                    where + ".consumption_order",
                    "must list included, promotional and paid once each (overage is always last)");
        }
        return order;
    }

    private static BigDecimal amount(Path file, String where, JsonNode node) {
        BigDecimal value = PlanNodes.decimal(file, where, node);
        if (value.signum() < 0 || value.stripTrailingZeros().scale() > 2) {
            throw new PlanFault(
                    file, where, "must be a non-negative amount in whole cents: " + PlainNumbers.shown(value));
        }
        if (value.compareTo(Amounts.MAX_CONFIGURED_USD) >= 0) {
            throw new PlanFault(
                    file,
                    where,
                    "must be less than " + Amounts.MAX_CONFIGURED_USD.toPlainString() + ": "
                            + PlainNumbers.shown(value));
        }
        return value;
    }

    private static long tokens(Path file, String where, JsonNode node) {
        long value;
        if (node.isNumber()) {
            // refused here, not by Jackson's conversion, which would throw in its own words
            if (!node.isIntegralNumber()) {
                throw new PlanFault(file, where, "must be a positive whole number: " + node.asString());
            }
            if (!node.canConvertToLong()) {
                throw new PlanFault(file, where, node.asString() + " is more than " + Long.MAX_VALUE);
            }
            value = node.longValue();
        } else {
            try {
                value = PlainNumbers.wholeLong(PlanNodes.text(file, where, node).strip());
            } catch (NumberFormatException e) {
                throw new PlanFault(file, where, "'" + node.asString() + "' is not a whole number");
            }
        }
        if (value <= 0) {
            throw new PlanFault(file, where, "must be a positive whole number");
        }
        return value;
    }
}
