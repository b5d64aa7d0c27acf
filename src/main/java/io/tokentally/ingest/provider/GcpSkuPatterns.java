package io.tokentally.ingest.provider;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * The ordered table that maps a Google Cloud Billing SKU description to a provider, model, token type
 * and tiers: the first pattern that matches the whole description wins. Its format is described in the
 * default table, {@code gcp-sku-patterns.csv} next to this class.
 */
final class GcpSkuPatterns {

    static final String DEFAULT = "gcp-sku-patterns.csv";
    static final String NONE = "none";
    static final Set<String> TOKEN_TYPES =
            Set.of("input", "cache_read", "cache_write_5m", "cache_write_1h", "output", "reasoning", NONE);
    private static final Set<String> SERVICE_TIERS = Set.of("standard", "batch", "priority", "flex");
    private static final Set<String> CONTEXT_TIERS = Set.of("standard", "long");
    private static final List<String> TIER_GROUPS = List.of("batch", "priority", "flex");
    private static final CSVFormat FORMAT = CSVFormat.DEFAULT
            .builder()
            .setHeader()
            .setSkipHeaderRecord(true)
            .setIgnoreEmptyLines(true)
            .setIgnoreSurroundingSpaces(true)
            .setCommentMarker('#')
            .get();

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
     * Reads a table.
     *
     * @param origin names the table in error messages (the property and the file)
     * @throws IllegalArgumentException naming the origin and line of a bad pattern or value
     */
    static GcpSkuPatterns read(Reader reader, String origin) {
        List<Rule> rules = new ArrayList<>();
        try (CSVParser parser =
                CSVParser.builder().setReader(reader).setFormat(FORMAT).get()) {
            for (String column : List.of("sku_pattern", "provider", "model", "token_type")) {
                if (!parser.getHeaderNames().contains(column)) {
                    throw new IllegalArgumentException(origin + ": the header lacks column " + column);
                }
            }
            for (CSVRecord record : parser) {
                rules.add(rule(record, origin + " line " + parser.getCurrentLineNumber()));
            }
        } catch (IOException | UncheckedIOException e) {
            throw new IllegalArgumentException(origin + ": not a readable CSV file: " + e.getMessage(), e);
        }
        if (rules.isEmpty()) {
            throw new IllegalArgumentException(origin + ": the table has no pattern");
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
        String contextTier = rule.contextTier();
        Pattern pattern = matcher.pattern();
        for (String tier : TIER_GROUPS) {
            if (hasGroup(pattern, tier) && matcher.group(tier) != null) {
                serviceTier = tier;
            }
        }
        if (hasGroup(pattern, "long") && matcher.group("long") != null) {
            contextTier = "long";
        }
        String model = rule.model();
        if (model != null && hasGroup(pattern, "model")) {
            model = model.replace("{model}", matcher.group("model"));
        }
        if (model != null) {
            model = model.strip().toLowerCase(Locale.ROOT).replaceAll("\\s+", "-");
            if ("anthropic".equals(rule.provider())) {
                model = GatewayModels.dashedVersions(model);
            }
        }
        return new Sku(rule.provider(), model, rule.tokenType(), serviceTier, contextTier, rule.note(), rule.line());
    }

    private static Rule rule(CSVRecord record, String where) {
        Pattern pattern = skuPattern(record, where);
        String tokenType = lower(value(record, "token_type"));
        if (tokenType == null || !TOKEN_TYPES.contains(tokenType)) {
            throw new IllegalArgumentException(where + ": token_type '" + tokenType + "' is not one of " + TOKEN_TYPES);
        }
        String provider = lower(value(record, "provider"));
        String model = value(record, "model");
        if (!tokenType.equals(NONE) && (provider == null || model == null)) {
            throw new IllegalArgumentException(where + ": provider and model are required unless token_type is none");
        }
        if (model != null && model.contains("{model}") && !hasGroup(pattern, "model")) {
            throw new IllegalArgumentException(
                    where + ": model uses {model} but sku_pattern has no (?<model>...) group");
        }
        String serviceTier = tier(record, "service_tier", "standard", SERVICE_TIERS, where);
        String contextTier = tier(record, "context_tier", "standard", CONTEXT_TIERS, where);
        return new Rule(
                record.getRecordNumber(),
                pattern,
                provider,
                model,
                tokenType,
                serviceTier,
                contextTier,
                value(record, "note"));
    }

    /** The row's sku_pattern, compiled to match case-insensitively. */
    private static Pattern skuPattern(CSVRecord record, String where) {
        String regex = value(record, "sku_pattern");
        if (regex == null) {
            throw new IllegalArgumentException(where + ": sku_pattern is empty");
        }
        try {
            return Pattern.compile(regex, Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException(
                    where + ": sku_pattern is not a regular expression: " + e.getDescription());
        }
    }

    private static boolean hasGroup(Pattern pattern, String name) {
        return pattern.pattern().contains("(?<" + name + ">");
    }

    private static String tier(CSVRecord record, String column, String fallback, Set<String> allowed, String where) {
        String tier = lower(value(record, column));
        if (tier == null) {
            return fallback;
        }
        if (!allowed.contains(tier)) {
            throw new IllegalArgumentException(where + ": " + column + " '" + tier + "' is not one of " + allowed);
        }
        return tier;
    }

    private static String value(CSVRecord record, String column) {
        if (!record.isMapped(column) || !record.isSet(column)) {
            return null;
        }
        String value = record.get(column).strip();
        return value.isEmpty() ? null : value;
    }

    private static String lower(String value) {
        return value == null ? null : value.toLowerCase(Locale.ROOT);
    }
}
