package io.tokentally.plans;

import io.tokentally.shared.Amounts;
import io.tokentally.shared.ContextTier;
import io.tokentally.shared.PlainNumbers;
import io.tokentally.shared.ServiceTier;
import io.tokentally.shared.TokenType;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import tools.jackson.databind.JsonNode;

/**
 * Reads a model override's {@code rates_usd_per_million}: a rate per token type for standard usage, and sections
 * {@code batch}, {@code priority}, {@code flex} (service tiers) and {@code long} (long context) with rates of their
 * own. Usage of a token type and tiers without a rate is billed at the markup.
 */
final class CustomRatesReader {

    /** A rate at or above this is refused, as a price is: a dollar a token. */
    private static final BigDecimal MAX_RATE = BigDecimal.valueOf(1_000_000);

    private static final String NO_RATE = "gives no rate; name a token type and its USD per million tokens";

    private static final List<String> SECTIONS = List.of("batch", "priority", "flex", "long");

    private final Path file;
    private final List<CustomRate> rates = new ArrayList<>();
    /** The key that named each token type and tiers, by {@code type/service/context}: a second naming is refused. */
    private final Map<String, String> named = new HashMap<>();

    private CustomRatesReader(Path file) {
        this.file = file;
    }

    static List<CustomRate> read(Path file, String where, JsonNode node) {
        if (node.isNull()) {
            throw new PlanFault(file, where, NO_RATE);
        }
        PlanNodes.requireMapping(file, where, node);
        CustomRatesReader reader = new CustomRatesReader(file);
        for (Map.Entry<String, JsonNode> entry : node.properties()) {
            String key = entry.getKey();
            String section = key.strip().toLowerCase(Locale.ROOT);
            if (!SECTIONS.contains(section)) {
                reader.add(where, key, entry.getValue(), ServiceTier.STANDARD, ContextTier.STANDARD);
                continue;
            }
            String sectionWhere = where + "." + key;
            PlanNodes.requireMapping(file, sectionWhere, entry.getValue());
            if (entry.getValue().isEmpty()) {
                throw new PlanFault(file, sectionWhere, NO_RATE);
            }
            ServiceTier service = section.equals("long")
                    ? ServiceTier.STANDARD
                    : ServiceTier.parse(section).orElseThrow();
            ContextTier context = section.equals("long") ? ContextTier.LONG : ContextTier.STANDARD;
            for (Map.Entry<String, JsonNode> rate : entry.getValue().properties()) {
                reader.add(sectionWhere, rate.getKey(), rate.getValue(), service, context);
            }
        }
        if (reader.rates.isEmpty()) {
            throw new PlanFault(file, where, NO_RATE);
        }
        return reader.rates;
    }

    private void add(String where, String key, JsonNode value, ServiceTier service, ContextTier context) {
        String at = where + "." + key;
        // only the top level (standard usage) may also name a section
        boolean topLevel = service == ServiceTier.STANDARD && context == ContextTier.STANDARD;
        TokenType type = tokenType(file, where, key, at, topLevel);
        String first = named.putIfAbsent(type + "/" + service + "/" + context, key);
        if (first != null) {
            throw new PlanFault(
                    file, at, "names the token type that '" + first + "' names already; give each rate once");
        }
        rates.add(new CustomRate(type, service, context, usdPerMillion(file, at, value)));
    }

    private static TokenType tokenType(Path file, String where, String key, String at, boolean topLevel) {
        try {
            return TokenType.fromCode(key);
        } catch (IllegalArgumentException e) {
            String known =
                    Arrays.stream(TokenType.values()).map(TokenType::code).collect(Collectors.joining(", "));
            throw new PlanFault(
                    file,
                    where,
                    "has unknown key '" + key + "'; a rate is named by its token type (" + known + ")"
                            + (topLevel ? ", or a section batch, priority, flex or long" : ""),
                    at);
        }
    }

    private static BigDecimal usdPerMillion(Path file, String where, JsonNode node) {
        if (node == null || node.isNull()) {
            throw new PlanFault(file, where, "is required");
        }
        BigDecimal value = PlanNodes.decimal(file, where, node);
        if (value.signum() < 0) {
            throw new PlanFault(file, where, "is negative: " + PlainNumbers.shown(value));
        }
        if (value.stripTrailingZeros().scale() > Amounts.PRICE_SCALE) {
            throw new PlanFault(
                    file,
                    where,
                    PlainNumbers.shown(value) + " has more than " + Amounts.PRICE_SCALE + " decimals; rates are kept"
                            + " exactly, never rounded");
        }
        if (value.compareTo(MAX_RATE) >= 0) {
            throw new PlanFault(
                    file, where, PlainNumbers.shown(value) + " is not less than 1000000 (a dollar a token)");
        }
        return value.stripTrailingZeros();
    }
}
