package io.tokentally.plans;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/** Reads a plan's fee, included usage, consumption order and overage rule, and checks them against its type. */
final class PlanTermsReader {

    private static final Set<String> ALLOWANCE_KEYS = Set.of("name", "usd", "tokens", "models");

    private PlanTermsReader() {}

    static Plan withTerms(Path file, String where, JsonNode node, Plan plan) {
        BigDecimal fee = node.hasNonNull("fixed_fee_usd")
                ? amount(file, where + ".fixed_fee_usd", node.get("fixed_fee_usd"))
                : BigDecimal.ZERO;
        List<Allowance> allowances = allowances(file, where, node.get("included"));
        List<CreditSource> order = order(file, where, node.get("consumption_order"));
        boolean allowOverage = node.hasNonNull("allow_overage")
                ? node.get("allow_overage").asBoolean()
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
            throw new IllegalArgumentException(file + ": " + where + " is a '" + type.code()
                    + "' plan and cannot have fixed_fee_usd or included; use type fixed or hybrid");
        }
        if (type == PlanType.FIXED && fee.signum() == 0 && allowances.isEmpty()) {
            throw new IllegalArgumentException(
                    file + ": " + where + " is a 'fixed' plan and needs fixed_fee_usd or included");
        }
    }

    private static List<Allowance> allowances(Path file, String where, JsonNode list) {
        List<Allowance> allowances = new ArrayList<>();
        if (list == null || list.isNull()) {
            return allowances;
        }
        if (!list.isArray()) {
            throw new IllegalArgumentException(file + ": " + where + ".included must be a list");
        }
        for (int i = 0; i < list.size(); i++) {
            allowances.add(allowance(file, where + ".included[" + i + "]", list.get(i), i));
        }
        return allowances;
    }

    private static Allowance allowance(Path file, String where, JsonNode node, int index) {
        for (Map.Entry<String, JsonNode> property : node.properties()) {
            if (!ALLOWANCE_KEYS.contains(property.getKey())) {
                throw new IllegalArgumentException(file + ": " + where + " has unknown key '" + property.getKey()
                        + "'; known keys are " + ALLOWANCE_KEYS);
            }
        }
        String name = node.hasNonNull("name") ? node.get("name").asString().strip() : "included-" + (index + 1);
        if (node.hasNonNull("usd") == node.hasNonNull("tokens")) {
            throw new IllegalArgumentException(file + ": " + where + " must have either usd or tokens");
        }
        BigDecimal usd = node.hasNonNull("usd") ? amount(file, where + ".usd", node.get("usd")) : null;
        Long tokens = node.hasNonNull("tokens") ? tokens(file, where + ".tokens", node.get("tokens")) : null;
        List<String> models = new ArrayList<>();
        JsonNode group = node.get("models");
        if (group != null && !group.isNull()) {
            for (JsonNode model : group) {
                if (!model.asString().contains("/")) {
                    throw new IllegalArgumentException(file + ": " + where + ".models '" + model.asString()
                            + "' must be written provider/model or provider/*");
                }
                models.add(model.asString());
            }
        }
        return new Allowance(name, usd, tokens, models);
    }

    private static List<CreditSource> order(Path file, String where, JsonNode list) {
        if (list == null || list.isNull()) {
            return CreditSource.DEFAULT_ORDER;
        }
        List<CreditSource> order = new ArrayList<>();
        for (JsonNode item : list) {
            try {
                order.add(CreditSource.parse(item.asString()));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(file + ": " + where + ".consumption_order '" + item.asString()
                        + "' is not included, promotional or paid");
            }
        }
        if (order.size() != CreditSource.values().length || new HashSet<>(order).size() != order.size()) {
            throw new IllegalArgumentException(file + ": " + where
                    + ".consumption_order must list included, promotional and paid once each (overage is always last)");
        }
        return order;
    }

    private static BigDecimal amount(Path file, String where, JsonNode node) {
        try {
            BigDecimal value = node.isNumber()
                    ? node.decimalValue()
                    : new BigDecimal(node.asString().strip());
            if (value.signum() < 0 || value.stripTrailingZeros().scale() > 2) {
                throw new IllegalArgumentException(
                        file + ": " + where + " must be a non-negative amount in whole cents: " + value);
            }
            return value;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(file + ": " + where + " '" + node.asString() + "' is not a number");
        }
    }

    private static long tokens(Path file, String where, JsonNode node) {
        try {
            long value = node.isNumber()
                    ? node.longValue()
                    : Long.parseLong(node.asString().strip());
            if (value <= 0 || (node.isNumber() && !node.isIntegralNumber())) {
                throw new IllegalArgumentException(file + ": " + where + " must be a positive whole number");
            }
            return value;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    file + ": " + where + " '" + node.asString() + "' is not a whole number");
        }
    }
}
