package io.tokentally.ingest.provider;

import io.tokentally.ingest.CsvRow;
import io.tokentally.ingest.CsvTable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The ordered table that maps a Google Cloud Billing SKU description to a provider, model, token type
 * and tiers: the first pattern that matches the whole description wins. Its format is described in the
 * default table, {@code gcp-sku-patterns.csv} next to this class.
 */
final class GcpSkuPatterns {

    static final String DEFAULT = "gcp-sku-patterns.csv";
    static final String NONE = "none";
    /** In the order messages list them (a set's order changes from one start to the next), as the tiers below. */
    static final List<String> TOKEN_TYPES =
            List.of("input", "cache_read", "cache_write_5m", "cache_write_1h", "output", "reasoning", NONE);

    private static final List<String> REQUIRED_COLUMNS = List.of("sku_pattern", "provider", "model", "token_type");
    private static final List<String> OPTIONAL_COLUMNS = List.of("service_tier", "context_tier", "note");
    private static final List<String> SERVICE_TIERS = List.of("standard", "batch", "priority", "flex");

    private static final List<String> CONTEXT_TIERS = List.of("standard", "long");
    private static final List<String> TIER_GROUPS = List.of("batch", "priority", "flex");
    private static final String LONG_GROUP = "long";
    /** A {@code {name}} in a model template: filled with what the pattern's group {@code name} matched. */
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([^{}]*)}");
    /** A group name as Java writes it, after the {@code (?<} that opens the group. */
    private static final Pattern GROUP_NAME = Pattern.compile("[a-zA-Z][a-zA-Z0-9]*");

    /** What a SKU is: {@code tokenType} {@value #NONE} means it is not token usage ({@code note} says why). */
    record Sku(
            String provider,
            String model,
            String tokenType,
            String serviceTier,
            String contextTier,
            String note,
            long patternLine) {}

    private record Rule(
            long line,
            Pattern pattern,
            Set<String> groups,
            String provider,
            String model,
            String tokenType,
            String serviceTier,
            String contextTier,
            String note) {}

    private final List<Rule> rules;

    private GcpSkuPatterns(List<Rule> rules) {
        this.rules = List.copyOf(rules);
    }

    /**
     * Reads a table strictly: a column the table does not know or named twice, and a row with more fields than the
     * header, are refused as a bad pattern or value is; a row may leave out its last, optional fields.
     *
     * @param text the table, read as UTF-8
     * @param origin names the table in error messages (the property and the file)
     * @throws IllegalArgumentException naming the origin and line of a bad pattern or value
     */
    static GcpSkuPatterns read(String text, String origin) {
        List<CsvRow> rows;
        try {
            rows = CsvTable.readStrictlyWithShortRows(text, origin, REQUIRED_COLUMNS, OPTIONAL_COLUMNS);
        } catch (IOException e) {
            throw new IllegalArgumentException(origin + ": not a readable CSV file: " + e.getMessage(), e);
        }
        if (rows.isEmpty()) {
            throw new IllegalArgumentException(origin + ": the table has no pattern");
        }
        List<Rule> rules = new ArrayList<>();
        for (CsvRow row : rows) {
            rules.add(rule(row, rules.size() + 1));
        }
        return new GcpSkuPatterns(rules);
    }

    /** The SKU's mapping, or {@code null} when no pattern matches. */
    Sku match(String description) {
        for (Rule rule : rules) {
            Matcher matcher = rule.pattern().matcher(description);
            if (matcher.matches()) {
                return sku(rule, matcher);
            }
        }
        return null;
    }

    private static Sku sku(Rule rule, Matcher matcher) {
        String serviceTier = rule.serviceTier();
        for (String tier : TIER_GROUPS) {
            if (matched(rule, matcher, tier)) {
                serviceTier = tier;
            }
        }
        String contextTier = matched(rule, matcher, LONG_GROUP) ? "long" : rule.contextTier();
        return new Sku(
                rule.provider(),
                model(rule, matcher),
                rule.tokenType(),
                serviceTier,
                contextTier,
                rule.note(),
                rule.line());
    }

    /** Whether the rule's group of a tier, named in any letter case ({@code (?<Long>...)}), took part in the match. */
    private static boolean matched(Rule rule, Matcher matcher, String tier) {
        for (String group : rule.groups()) {
            if (group.equalsIgnoreCase(tier) && matcher.group(group) != null) {
                return true;
            }
        }
        return false;
    }

    /**
     * The row's model with each placeholder filled (a group that took no part in the match fills nothing), lower-cased,
     * spaces as dashes, and Anthropic's dotted versions with dashes.
     */
    private static String model(Rule rule, Matcher matcher) {
        if (rule.model() == null) {
            return null;
        }
        String model = PLACEHOLDER
                .matcher(rule.model())
                .replaceAll(placeholder ->
                        Matcher.quoteReplacement(Objects.toString(matcher.group(placeholder.group(1)), "")));
        model = model.strip().toLowerCase(Locale.ROOT).replaceAll("\\s+", "-");
        return "anthropic".equals(rule.provider()) ? GatewayModels.dashedVersions(model) : model;
    }

    private static Rule rule(CsvRow row, long number) {
        Pattern pattern = skuPattern(row);
        Set<String> groups = groupNames(pattern.pattern());
        String tokenType = lower(row.get("token_type"));
        if (tokenType == null || !TOKEN_TYPES.contains(tokenType)) {
            throw row.problem(
                    "token_type " + (tokenType == null ? "is empty; it must be" : "'" + tokenType + "' is not")
                            + " one of " + String.join(", ", TOKEN_TYPES));
        }
        String provider = lower(row.get("provider"));
        String model = row.get("model");
        if (!tokenType.equals(NONE) && (provider == null || model == null)) {
            throw row.problem("provider and model are required unless token_type is none");
        }
        if (model != null) {
            checkPlaceholders(row, model, groups);
        }
        String serviceTier = tier(row, "service_tier", SERVICE_TIERS);
        String contextTier = tier(row, "context_tier", CONTEXT_TIERS);
        return new Rule(number, pattern, groups, provider, model, tokenType, serviceTier, contextTier, row.get("note"));
    }

    /** The row's sku_pattern, compiled to match case-insensitively. */
    private static Pattern skuPattern(CsvRow row) {
        String regex = row.get("sku_pattern");
        if (regex == null) {
            throw row.problem("sku_pattern is empty");
        }
        try {
            return Pattern.compile(regex, Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);
        } catch (PatternSyntaxException e) {
            throw row.problem("sku_pattern is not a regular expression: " + e.getDescription());
        }
    }

    /**
     * Refuses a placeholder that names no group of the pattern (the usage would be held as a model named {@code
     * {modl}}) and a brace outside a placeholder.
     */
    private static void checkPlaceholders(CsvRow row, String model, Set<String> groups) {
        Matcher placeholder = PLACEHOLDER.matcher(model);
        while (placeholder.find()) {
            String name = placeholder.group(1);
            if (!groups.contains(name)) {
                throw row.problem("model uses {" + name + "} but sku_pattern has no (?<" + name + ">...) group; "
                        + (groups.isEmpty() ? "it has no named group" : "its groups are " + String.join(", ", groups)));
            }
        }
        if (placeholder.replaceAll("").matches(".*[{}].*")) {
            throw row.problem("model '" + model + "' has a { or } outside a {group} placeholder");
        }
    }

    /**
     * The names of the pattern's named groups, in order: each {@code (?<name>} outside an escape, a {@code \Q...\E}
     * quote and a character class.
     */
    private static Set<String> groupNames(String regex) {
        Set<String> names = new LinkedHashSet<>();
        int classDepth = 0;
        for (int at = 0; at < regex.length(); at++) {
            char c = regex.charAt(at);
            if (regex.startsWith("\\Q", at)) {
                int end = regex.indexOf("\\E", at + 2);
                at = end < 0 ? regex.length() : end + 1;
            } else if (c == '\\') {
                at++;
            } else if (c == '[') {
                classDepth++;
            } else if (c == ']' && classDepth > 0) {
                classDepth--;
            } else if (classDepth == 0 && regex.startsWith("(?<", at)) {
                Matcher name = GROUP_NAME.matcher(regex).region(at + 3, regex.length());
                if (name.lookingAt()) {
                    names.add(name.group());
                }
            }
        }
        return names;
    }

    private static String tier(CsvRow row, String column, List<String> allowed) {
        String tier = lower(row.get(column));
        if (tier == null) {
            return "standard";
        }
        if (!allowed.contains(tier)) {
            throw row.problem(column + " '" + tier + "' is not one of " + String.join(", ", allowed));
        }
        return tier;
    }

    private static String lower(String value) {
        return value == null ? null : value.toLowerCase(Locale.ROOT);
    }
}
