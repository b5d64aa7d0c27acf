package io.tokentally.pricing;

import io.tokentally.shared.Amounts;
import io.tokentally.shared.ContextTier;
import io.tokentally.shared.FieldLength;
import io.tokentally.shared.JacksonMessages;
import io.tokentally.shared.ServiceTier;
import io.tokentally.shared.StorableText;
import io.tokentally.shared.TokenType;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads LiteLLM's price catalog ({@code model_prices_and_context_window.json}, usage-formats.md §6):
 * USD per token, turned into USD per 1M tokens exactly. Its traps are handled here: the 1-hour cache
 * write is {@code cache_creation_input_token_cost_above_1hr}; long-context prices are
 * {@code *_above_<N>k_tokens}; batch, priority and flex prices are suffixes; a dated key priced like
 * its base model is dropped so the snapshot resolves to the base; provider multipliers
 * ({@code provider_specific_entry}) and non-token prices are listed, not applied.
 */
public final class LiteLlmPriceFeed {

    /** How the note of a price the reading left out ends. */
    public static final String LEFT_OUT = "; ignored";

    private static final JsonMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .build();
    private static final Pattern PRICE_KEY = Pattern.compile("^(input_cost_per_token|output_cost_per_token"
            + "|cache_read_input_token_cost|cache_creation_input_token_cost(?:_above_1hr)?)"
            + "(?:_above_(\\d+)k_tokens)?(?:_(batches|priority|flex))?$");
    private static final Set<String> CHAT_MODES = Set.of("chat", "responses", "completion");
    /** Providers read, in order of preference when two name the same canonical model. */
    private static final Map<String, String> PROVIDERS = new LinkedHashMap<>();

    static {
        PROVIDERS.put("openai", "openai");
        PROVIDERS.put("anthropic", "anthropic");
        PROVIDERS.put("gemini", "google");
        PROVIDERS.put("vertex_ai-language-models", "google");
    }

    private LiteLlmPriceFeed() {}

    /** What a feed holds: the prices it maps, and everything it could not, listed. */
    public record Contents(List<FeedPrice> prices, List<String> ignored, List<String> notes) {}

    public static Contents read(InputStream in, String feedName) throws IOException {
        JsonNode root;
        try {
            root = JSON.readTree(in);
        } catch (JacksonException e) {
            throw new IllegalArgumentException(feedName + JacksonMessages.place(e) + ": not valid JSON: "
                    + JacksonMessages.withoutSource(e.getOriginalMessage()));
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException(feedName + ": expected a JSON object keyed by model id");
        }
        Reading reading = new Reading();
        for (Map.Entry<String, JsonNode> entry : root.properties()) {
            reading.entry(entry.getKey(), entry.getValue());
        }
        return reading.finish();
    }

    /** The state of one pass over a feed. */
    private static final class Reading {

        private final Map<String, Entry> byModel = new TreeMap<>();
        private final TreeSet<String> ignored = new TreeSet<>();
        private final List<String> notes = new ArrayList<>();
        private final Map<String, Integer> unbilledKeys = new TreeMap<>();
        /** The first model each such key was found in, named in its note (hunt DL: a misspelt key named none). */
        private final Map<String, String> firstModelOfKey = new TreeMap<>();

        void entry(String key, JsonNode value) {
            if (key.equals("sample_spec") || !value.isObject()) {
                return;
            }
            String refused = StorableText.whyRefused(key);
            if (refused != null) {
                // a NUL cannot be stored (PostgreSQL); half a character in a key, the parser already refuses
                ignored.add(StorableText.of(key) + " (its key " + refused + ")");
                return;
            }
            String provider = PROVIDERS.get(value.path("litellm_provider").asString(""));
            if (provider == null) {
                ignored.add(
                        key + " (provider '" + value.path("litellm_provider").asString("") + "' is not read)");
                return;
            }
            if (!CHAT_MODES.contains(value.path("mode").asString("chat"))) {
                ignored.add(key + " (mode '" + value.path("mode").asString("") + "' is not billed per token)");
                return;
            }
            String model = provider + "/" + ModelIds.stripPrefixes(key);
            if (model.length() > FieldLength.MODEL) {
                ignored.add(
                        key + " (its id " + model + " " + FieldLength.tooLong(model.length(), FieldLength.MODEL) + ")");
                return;
            }
            Entry entry = new Entry(key, model, providerRank(value), prices(key, model, value));
            if (entry.prices.isEmpty()) {
                ignored.add(key + " (no token prices)");
                return;
            }
            Entry other = byModel.get(model);
            if (other == null || entry.rank < other.rank) {
                byModel.put(model, entry);
            }
            if (value.has("provider_specific_entry")) {
                notes.add(key + ": provider multipliers " + value.get("provider_specific_entry")
                        + " are not applied (no usage dimension selects them yet)");
            }
        }

        private List<FeedPrice> prices(String key, String model, JsonNode value) {
            Map<Long, Boolean> thresholds = new TreeMap<>();
            List<PriceField> found = new ArrayList<>();
            for (Map.Entry<String, JsonNode> field : value.properties()) {
                PriceField price = foundPrice(key, field);
                if (price == null) {
                    continue;
                }
                if (price.threshold() != null) {
                    thresholds.put(price.threshold(), true);
                }
                found.add(price);
            }
            Long threshold = billedThreshold(key, thresholds);
            List<FeedPrice> prices = new ArrayList<>();
            for (PriceField price : found) {
                if (price.threshold() != null && !price.threshold().equals(threshold)) {
                    continue;
                }
                prices.add(feedPrice(model, key, price, threshold));
            }
            return prices;
        }

        /**
         * A token price field; {@code null} for a field that is not one (counting unbilled cost keys) or whose value
         * is unusable.
         */
        private PriceField foundPrice(String key, Map.Entry<String, JsonNode> field) {
            Matcher matcher = PRICE_KEY.matcher(field.getKey());
            if (!matcher.matches()) {
                if (field.getKey().contains("cost")) {
                    unbilledKeys.merge(field.getKey(), 1, Integer::sum);
                    firstModelOfKey.putIfAbsent(field.getKey(), key);
                }
                return null;
            }
            Optional<BigDecimal> perToken = perToken(key, field.getKey(), field.getValue());
            if (perToken.isEmpty()) {
                return null;
            }
            Long threshold = matcher.group(2) == null ? null : Long.parseLong(matcher.group(2)) * 1_000;
            return new PriceField(matcher.group(1), threshold, matcher.group(3), perToken.get());
        }

        /** The lowest long-context threshold, the only one billed, noting the others; null when there is none. */
        private Long billedThreshold(String key, Map<Long, Boolean> thresholds) {
            Long threshold =
                    thresholds.isEmpty() ? null : thresholds.keySet().iterator().next();
            if (thresholds.size() > 1) {
                notes.add(key + ": long-context tiers at " + thresholds.keySet() + " tokens; only the first ("
                        + threshold + ") is billed");
            }
            return threshold;
        }

        /**
         * A token price field of the feed: its key without tier and threshold ({@code input_cost_per_token}), its
         * long-context threshold in tokens (null for the standard price), its tier suffix (null for standard) and
         * its USD per token.
         */
        private record PriceField(String baseKey, Long threshold, String tierSuffix, BigDecimal perToken) {}

        /** The feed price of a found price field, in USD per 1M tokens. */
        private static FeedPrice feedPrice(String model, String key, PriceField price, Long threshold) {
            return new FeedPrice(
                    model,
                    tokenType(price.baseKey()),
                    serviceTier(price.tierSuffix()),
                    price.threshold() == null ? ContextTier.STANDARD : ContextTier.LONG,
                    price.perToken().movePointRight(6).stripTrailingZeros(),
                    threshold,
                    key);
        }

        private Optional<BigDecimal> perToken(String key, String field, JsonNode value) {
            if (!value.isNumber()) {
                notes.add(key + ": " + field + " is not a number (" + value + ")" + LEFT_OUT);
                return Optional.empty();
            }
            BigDecimal price = value.decimalValue();
            if (price.signum() < 0) {
                notes.add(key + ": " + field + " is negative (" + price + ")" + LEFT_OUT);
                return Optional.empty();
            }
            BigDecimal perMillion = price.movePointRight(6);
            if (perMillion.compareTo(PricesFile.MAX_USD_PER_MILLION) >= 0) {
                notes.add(key + ": " + field + " is a dollar or more a token (" + price + "), more than any model"
                        + " costs" + LEFT_OUT);
                return Optional.empty();
            }
            if (perMillion.stripTrailingZeros().scale() > Amounts.PRICE_SCALE) {
                BigDecimal rounded = Amounts.atPriceScale(perMillion).movePointLeft(6);
                notes.add(key + ": " + field + " " + price + " has more than " + Amounts.PRICE_SCALE
                        + " decimals per million tokens; rounded half-up to " + rounded);
                return Optional.of(rounded);
            }
            return Optional.of(price);
        }

        Contents finish() {
            dropSnapshotsPricedLikeTheirBase();
            unbilledKeys.forEach((field, count) -> notes.add("price key " + field + " (" + count + " models, the first "
                    + firstModelOfKey.get(field) + ") is not a token price this engine bills"));
            List<FeedPrice> prices = new ArrayList<>();
            byModel.values().forEach(entry -> prices.addAll(entry.prices));
            return new Contents(prices, List.copyOf(ignored), List.copyOf(notes));
        }

        private void dropSnapshotsPricedLikeTheirBase() {
            Map<String, Entry> snapshots = new HashMap<>();
            byModel.forEach((model, entry) -> {
                Optional<String> base = ModelIds.withoutSnapshot(model);
                if (base.isPresent()
                        && byModel.containsKey(base.get())
                        && byModel.get(base.get()).sameRates(entry)) {
                    snapshots.put(model, entry);
                }
            });
            snapshots.keySet().forEach(byModel::remove);
            if (!snapshots.isEmpty()) {
                notes.add(snapshots.size() + " dated keys are priced like their base model and resolve to it");
            }
        }

        private static int providerRank(JsonNode value) {
            return new ArrayList<>(PROVIDERS.keySet())
                    .indexOf(value.path("litellm_provider").asString(""));
        }
    }

    private record Entry(String key, String model, int rank, List<FeedPrice> prices) {

        boolean sameRates(Entry other) {
            return rates().equals(other.rates());
        }

        private Map<FeedPrice.Slot, BigDecimal> rates() {
            Map<FeedPrice.Slot, BigDecimal> rates = new HashMap<>();
            prices.forEach(price -> rates.put(
                    new FeedPrice.Slot("", price.tokenType(), price.serviceTier(), price.contextTier()),
                    price.usdPerMillion()));
            return rates;
        }
    }

    private static TokenType tokenType(String base) {
        return switch (base) {
            case "input_cost_per_token" -> TokenType.INPUT;
            case "output_cost_per_token" -> TokenType.OUTPUT;
            case "cache_read_input_token_cost" -> TokenType.CACHE_READ;
            case "cache_creation_input_token_cost" -> TokenType.CACHE_WRITE_5M;
            default -> TokenType.CACHE_WRITE_1H; // cache_creation_input_token_cost_above_1hr: the 1-hour write
        };
    }

    private static ServiceTier serviceTier(String suffix) {
        if (suffix == null) {
            return ServiceTier.STANDARD;
        }
        return switch (suffix) {
            case "batches" -> ServiceTier.BATCH;
            case "priority" -> ServiceTier.PRIORITY;
            default -> ServiceTier.FLEX;
        };
    }
}
