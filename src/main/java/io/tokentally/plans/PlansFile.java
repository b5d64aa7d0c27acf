package io.tokentally.plans;

import io.tokentally.ingest.InputFiles;
import io.tokentally.shared.FieldLength;
import io.tokentally.shared.PlainNumbers;
import io.tokentally.shared.ProviderNames;
import io.tokentally.shared.ShownText;
import io.tokentally.shared.YamlFaults;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/** Reads the plans file (YAML). See sample-data/README.md for its shape. */
public final class PlansFile {

    /** A key given twice in one mapping is refused: read as it stands, the last value would silently win. */
    private static final YAMLMapper YAML = YAMLMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .build();
    /** How Jackson's duplicate detection words its fault; anything else is reported as Jackson words it. */
    private static final Pattern DUPLICATE_KEY = Pattern.compile("Duplicate Object property \"(.*)\"");
    /** How Jackson words a YAML number it cannot read as a decimal ({@code .inf}, {@code .nan}). */
    private static final Pattern NOT_A_DECIMAL =
            Pattern.compile("Malformed numeric value '([^:']*)[:'].*", Pattern.DOTALL);

    private static final Set<String> PLAN_KEYS = Set.of(
            "id",
            "type",
            "currency",
            "markup_percent",
            "overrides",
            "fixed_fee_usd",
            "included",
            "consumption_order",
            "allow_overage",
            "price_changes",
            "stripe_price_moves");
    /** The key of a model override's custom rates. */
    private static final String RATES = "rates_usd_per_million";

    /** The scale of {@code markup_percent} in the database. */
    private static final int MARKUP_SCALE = 6;

    private static final BigDecimal MAX_MARKUP = new BigDecimal("1000000");
    private static final Set<String> OVERRIDE_KEYS = Set.of("provider", "model", "markup_percent", RATES);

    /** The longest plan id tokentally keeps. */
    private static final int MAX_PLAN_ID = 100;

    private PlansFile() {}

    public static List<Plan> read(Path file) throws IOException {
        String text = InputFiles.readUtf8Strictly(file);
        JsonNode plans = plansList(file, text);
        ValueLines lines = ValueLines.of(YAML, text);
        if (lines.firstAliasLine() > 0) {
            throw new IllegalArgumentException(file + " line " + lines.firstAliasLine()
                    + ": a YAML alias (*name) is not read as the value it names; write the value itself");
        }
        List<Plan> result = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < plans.size(); i++) {
            String where = where(i, plans.get(i));
            Plan plan;
            try {
                PlanNodes.requireMapping(file, where, plans.get(i));
                plan = plan(file, where, plans.get(i));
            } catch (PlanFault fault) {
                throw fault.onLine(file, lines.lineOf("/plans/" + i + ValueLines.pointer(fault.at(), where)));
            }
            if (!ids.add(plan.planId())) {
                throw new IllegalArgumentException(file + " line " + lines.lineOf("/plans/" + i + "/id") + ": plan id "
                        + ShownText.quoted(plan.planId()) + " appears twice");
            }
            result.add(plan);
        }
        return result;
    }

    /** The file's top-level {@code plans} list, which must have at least one plan. */
    private static JsonNode plansList(Path file, String text) {
        JsonNode root;
        try {
            root = YAML.readTree(text);
        } catch (JacksonException e) {
            throw new IllegalArgumentException(located(file, text, e) + ": " + fault(e));
        }
        JsonNode plans = root == null ? null : root.get("plans");
        if (plans == null || !plans.isArray() || plans.isEmpty()) {
            throw new IllegalArgumentException(file + ": expected a top-level 'plans' list with at least one plan");
        }
        return plans;
    }

    /**
     * The file and, when the parser knows it, the line: {@code plans.yaml line 4}. A YAML syntax fault is on the
     * line where the YAML reader found the problem, which can be past the token Jackson read last.
     */
    private static String located(Path file, String text, JacksonException e) {
        int line = YamlFaults.line(e, text);
        return line < 1 ? file.toString() : file + " line " + line;
    }

    /** The fault in the YAML reader's words, without its excerpts of the file (the line is named before it). */
    private static String fault(JacksonException e) {
        Matcher duplicate = DUPLICATE_KEY.matcher(e.getOriginalMessage());
        if (duplicate.matches()) {
            return "key '" + duplicate.group(1) + "' is given twice in one mapping; give it once";
        }
        Matcher notDecimal = NOT_A_DECIMAL.matcher(e.getOriginalMessage());
        if (notDecimal.matches()) {
            String number = notDecimal.group(1);
            String shown = number.length() <= 40
                    ? number
                    : number.substring(0, 40) + "... (" + number.length() + " characters)";
            return "'" + shown + "' is not a finite number; amounts, markups and rates are decimals";
        }
        return "not valid YAML: " + YamlFaults.problem(e, "the plans file holds one, with its 'plans' list");
    }

    /** How a fault names plan {@code i}: by its id, {@code plans[id=pro]}, or by position when it has none. */
    private static String where(int i, JsonNode node) {
        JsonNode id = node.get("id");
        return id != null && id.isString() && !id.asString().isBlank()
                ? "plans[id=" + ShownText.escaped(id.asString().strip()) + "]"
                : "plans[" + i + "]";
    }

    private static Plan plan(Path file, String where, JsonNode node) {
        PlanNodes.requireKnownKeys(file, where, node, PLAN_KEYS);
        String id = requiredText(file, where + ".id", node.get("id"), MAX_PLAN_ID);
        String typeText = node.hasNonNull("type") ? PlanNodes.text(file, where + ".type", node.get("type")) : "usage";
        PlanType type;
        try {
            type = PlanType.valueOf(typeText.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new PlanFault(file, where + ".type", "'" + typeText + "' is not usage, fixed, credits or hybrid");
        }
        String currency = node.hasNonNull("currency")
                ? PlanNodes.text(file, where + ".currency", node.get("currency"))
                        .toUpperCase(Locale.ROOT)
                : "USD";
        if (!currency.equals("USD")) {
            throw new PlanFault(file, where + ".currency", "'" + currency + "': only USD is supported");
        }
        BigDecimal markup = percent(file, where + ".markup_percent", node.get("markup_percent"));
        List<MarkupOverride> overrides = overrides(file, where, node.get("overrides"));
        return PlanTermsReader.withTerms(file, where, node, new Plan(id, type, currency, markup, overrides))
                .withPriceChanges(priceChanges(file, where, node.get("price_changes")))
                .withStripePriceMoves(stripePriceMoves(file, where, node.get("stripe_price_moves")));
    }

    private static StripePriceMoves stripePriceMoves(Path file, String where, JsonNode node) {
        if (node == null || node.isNull()) {
            return StripePriceMoves.EFFECTIVE_INSTANT;
        }
        String text = PlanNodes.text(file, where + ".stripe_price_moves", node);
        try {
            return StripePriceMoves.parse(text);
        } catch (IllegalArgumentException e) {
            throw new PlanFault(file, where + ".stripe_price_moves", e.getMessage());
        }
    }

    private static PriceChangePolicy priceChanges(Path file, String where, JsonNode node) {
        if (node == null || node.isNull()) {
            return PriceChangePolicy.AUTO;
        }
        String text = PlanNodes.text(file, where + ".price_changes", node);
        try {
            return PriceChangePolicy.valueOf(text.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new PlanFault(file, where + ".price_changes", "'" + text + "' is not auto or hold");
        }
    }

    /** A plan's overrides, at most one per provider and one per model: a second would be stored over the first. */
    private static List<MarkupOverride> overrides(Path file, String where, JsonNode node) {
        List<MarkupOverride> overrides = new ArrayList<>();
        Map<String, Integer> named = new HashMap<>();
        List<JsonNode> list = PlanNodes.list(file, where + ".overrides", node);
        for (int i = 0; i < list.size(); i++) {
            MarkupOverride override = override(file, where + ".overrides[" + i + "]", list.get(i));
            String target = override.model().equals(MarkupOverride.ANY)
                    ? "provider '" + override.provider() + "'"
                    : "model '" + override.model() + "'";
            Integer first = named.putIfAbsent(target, i);
            if (first != null) {
                throw new PlanFault(
                        file,
                        where + ".overrides[" + i + "]",
                        "gives " + target
                                + " a second override (overrides[" + first + "] gives the first); a plan has one per"
                                + " provider and one per model");
            }
            overrides.add(override);
        }
        return overrides;
    }

    private static MarkupOverride override(Path file, String where, JsonNode node) {
        PlanNodes.requireMapping(file, where, node);
        PlanNodes.requireKnownKeys(file, where, node, OVERRIDE_KEYS);
        boolean hasModel = node.hasNonNull("model");
        boolean hasProvider = node.hasNonNull("provider");
        if (hasModel == hasProvider) {
            throw new PlanFault(
                    file,
                    where,
                    hasModel
                            ? "names both a provider and a model: an override is for one provider or one model"
                            : "must name either a provider or a model (provider/model)");
        }
        if (hasModel) {
            return modelOverride(file, where, node);
        }
        if (node.has(RATES)) {
            throw new PlanFault(
                    file,
                    where + "." + RATES,
                    "is given for a provider; custom rates are set per model (model: provider/model)");
        }
        BigDecimal markup = percent(file, where + ".markup_percent", node.get("markup_percent"));
        String provider = ProviderNames.canonical(
                PlanNodes.text(file, where + ".provider", node.get("provider"), FieldLength.PROVIDER));
        return new MarkupOverride(provider, MarkupOverride.ANY, markup);
    }

    /** A model's override: a markup, custom rates, or both (its markup is then optional). */
    private static MarkupOverride modelOverride(Path file, String where, JsonNode node) {
        String model = PlanNodes.modelId(file, where + ".model", node.get("model"), "provider/model");
        String provider = model.substring(0, model.indexOf('/'));
        if (!node.has(RATES)) {
            return new MarkupOverride(
                    provider, model, percent(file, where + ".markup_percent", node.get("markup_percent")));
        }
        List<CustomRate> rates = CustomRatesReader.read(file, where + "." + RATES, node.get(RATES));
        BigDecimal markup = node.hasNonNull("markup_percent")
                ? percent(file, where + ".markup_percent", node.get("markup_percent"))
                : null;
        return new MarkupOverride(provider, model, markup, rates);
    }

    private static String requiredText(Path file, String where, JsonNode node, int maxLength) {
        if (node == null || node.isNull() || PlanNodes.text(file, where, node).isBlank()) {
            throw new PlanFault(file, where, "is required");
        }
        return PlanNodes.text(file, where, node, maxLength);
    }

    private static BigDecimal percent(Path file, String where, JsonNode node) {
        if (node == null || node.isNull()) {
            throw new PlanFault(file, where, "is required");
        }
        BigDecimal value = PlanNodes.decimal(file, where, node);
        if (value.compareTo(new BigDecimal("-100")) < 0) {
            throw new PlanFault(file, where, "is below -100%: " + PlainNumbers.shown(value));
        }
        if (value.stripTrailingZeros().scale() > MARKUP_SCALE) {
            throw new PlanFault(
                    file,
                    where,
                    PlainNumbers.shown(value) + " has more than " + MARKUP_SCALE + " decimals; markups are kept"
                            + " exactly, to " + MARKUP_SCALE + " decimals, never rounded");
        }
        if (value.abs().compareTo(MAX_MARKUP) >= 0) {
            throw new PlanFault(file, where, PlainNumbers.shown(value) + " is 1,000,000% or more, more than is kept");
        }
        return value;
    }
}
