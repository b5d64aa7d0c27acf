package io.tokentally.ingest.provider;

import static io.tokentally.ingest.provider.JsonFields.count;
import static io.tokentally.ingest.provider.JsonFields.required;
import static io.tokentally.ingest.provider.JsonFields.sum;
import static io.tokentally.ingest.provider.JsonFields.text;

import io.tokentally.ingest.UsageColumns;
import io.tokentally.ingest.UsageTimestamp;
import java.math.BigInteger;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;

/**
 * Pages of Anthropic's {@code GET /v1/organizations/usage_report/messages}. Its four input counters are
 * disjoint (uncached input, 5-minute and 1-hour cache writes, cache reads) and {@code output_tokens}
 * already includes extended thinking. The context tier comes from the {@code context_window} grouping
 * ({@code 200k-1M} is long); a report not grouped by it is read as standard context. Fast mode ({@code
 * speed: fast}, 6 times the price) and US-only inference ({@code inference_geo: us}, 1.1 times) are billed
 * at multiples of the model's price, so their buckets are kept under an id of their own ({@code
 * claude-opus-4-8:fast}, {@code :us}, {@code :fast:us}): held until the prices file prices that id, never
 * billed at the standard price.
 */
@Component
@Order(31)
class AnthropicMessagesUsageFormat extends JsonPagesFormat {

    static final String NAME = "anthropic-usage-messages";
    /** Attribution keys: a result's grouping keys ({@link #keys}). */
    static final AttributionFamily FAMILY =
            new AttributionFamily("anthropic", List.of("workspace_id", "api_key_id"), List.of());

    private final CustomerAttribution attribution;

    AnthropicMessagesUsageFormat(CustomerAttribution attribution) {
        this.attribution = attribution;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public boolean snapshots() {
        return true;
    }

    @Override
    public boolean claims(String head) {
        return isJson(head)
                && containsAll(head, "\"uncached_input_tokens\"", "\"starting_at\"")
                && !head.contains("\"cost_type\"")
                && !head.contains("\"amount\"");
    }

    @Override
    List<JsonNode> items(JsonNode page, int pageNo) {
        return bucketResults(page, pageNo, "starting_at", "ending_at");
    }

    @Override
    List<CanonicalRecord> translate(JsonNode item) {
        JsonNode result = item.get("result");
        String model = text(result, "model");
        if (model == null) {
            throw new RecordProblem("the result has no model: request the report with group_by[]=model");
        }
        String start = requiredText(item, "starting_at");
        BigInteger uncached = required(result, "uncached_input_tokens");
        BigInteger cacheRead = count(result, "cache_read_input_tokens");
        BigInteger write5m = count(result, "cache_creation.ephemeral_5m_input_tokens");
        BigInteger write1h = count(result, "cache_creation.ephemeral_1h_input_tokens");
        CanonicalRecord record = new CanonicalRecord()
                .set(UsageColumns.REQUEST_ID, bucketId(start, requiredText(item, "ending_at"), result))
                .set(UsageColumns.TIMESTAMP, start)
                .set(UsageColumns.CUSTOMER_ID, attribution.customerOf(FAMILY, keys(result)))
                .set(UsageColumns.PROVIDER, "anthropic")
                .set(UsageColumns.MODEL, model + multiplied(result))
                .set(UsageColumns.CACHED_INPUT_TOKENS, cacheRead, "cache_read_input_tokens")
                .set(UsageColumns.CACHE_WRITE_TOKENS, write5m, "cache_creation.ephemeral_5m_input_tokens")
                .set(UsageColumns.CACHE_WRITE_1H_TOKENS, write1h, "cache_creation.ephemeral_1h_input_tokens")
                .set(UsageColumns.OUTPUT_TOKENS, required(result, "output_tokens"), "output_tokens")
                .set(UsageColumns.SERVICE_TIER, tier(text(result, "service_tier")))
                .set(UsageColumns.CONTEXT_TIER, "200k-1M".equals(text(result, "context_window")) ? "long" : "standard")
                .set(UsageColumns.WEB_SEARCH_REQUESTS, count(result, "server_tool_use.web_search_requests"));
        // the input is the sum of the four disjoint counters, so a negative one is rejected by its own name: the sum
        // would name none, or hide it where the others outweigh it
        Map<String, BigInteger> counters = new LinkedHashMap<>();
        counters.put("uncached_input_tokens", uncached);
        counters.put("cache_read_input_tokens", cacheRead);
        counters.put("cache_creation.ephemeral_5m_input_tokens", write5m);
        counters.put("cache_creation.ephemeral_1h_input_tokens", write1h);
        counters.entrySet().stream()
                .filter(counter ->
                        counter.getValue() != null && counter.getValue().signum() < 0)
                .findFirst()
                .ifPresentOrElse(
                        negative -> record.set(UsageColumns.INPUT_TOKENS, negative.getValue(), negative.getKey()),
                        () -> record.set(UsageColumns.INPUT_TOKENS, sum(uncached, cacheRead, write5m, write1h)));
        return List.of(record);
    }

    /**
     * The id suffix of a bucket billed at a multiple of the model's price: fast mode, US-only inference. The cost
     * report's lines take it too, so that each charge is compared with its own id's usage.
     */
    static String multiplied(JsonNode result) {
        return suffix(result, "speed", "fast", List.of("standard"))
                + suffix(result, "inference_geo", "us", List.of("global", "not_available"));
    }

    /**
     * The id suffix a dimension's value gives, in any letter case: {@code :word} for its priced value, none for a
     * standard one or none at all; another value is a record problem, as its price is unknown and it is never
     * billed at the standard price.
     */
    private static String suffix(JsonNode result, String field, String priced, List<String> standard) {
        String value = text(result, field);
        if (value == null) {
            return "";
        }
        String word = value.toLowerCase(Locale.ROOT);
        if (word.equals(priced)) {
            return ":" + priced;
        }
        if (standard.contains(word)) {
            return "";
        }
        throw new RecordProblem(field + " '" + value + "' is none of " + priced + ", " + String.join(", ", standard)
                + ": its price is unknown, so it is not billed at the standard price");
    }

    private static String requiredText(JsonNode node, String field) {
        String value = text(node, field);
        if (value == null) {
            throw new RecordProblem("the bucket has no " + field);
        }
        return value;
    }

    static String tier(String serviceTier) {
        return serviceTier == null ? "standard" : tierOrNull(serviceTier);
    }

    /** The canonical tier of Anthropic's {@code service_tier}, or null when absent. */
    static String tierOrNull(String serviceTier) {
        if (serviceTier == null) {
            return null;
        }
        return switch (serviceTier) {
            case "priority_on_demand" -> "priority";
            case "flex_discount" -> "flex";
            default -> serviceTier;
        };
    }

    private static Map<String, String> keys(JsonNode result) {
        return CustomerAttribution.keys(
                "workspace_id", text(result, "workspace_id"),
                "api_key_id", text(result, "api_key_id"));
    }

    /**
     * The bucket's time range, each end as the instant it writes ({@code 09:00:00.000Z} and {@code 09:00:00+00:00}
     * are {@code 09:00:00Z}), and every grouping key: the account keys, which later reports added, only when the
     * result has them, so a bucket without them keeps the id it had.
     */
    private static String bucketId(String start, String end, JsonNode result) {
        StringBuilder id = new StringBuilder("anthropic-usage:")
                .append(UsageTimestamp.keyText(start))
                .append('/')
                .append(UsageTimestamp.keyText(end));
        for (String key : List.of(
                "workspace_id", "api_key_id", "model", "service_tier", "context_window", "inference_geo", "speed")) {
            String value = text(result, key);
            id.append(':').append(value == null ? "-" : value);
        }
        for (String key : List.of("account_id", "service_account_id")) {
            String value = text(result, key);
            if (value != null) {
                id.append(':').append(key).append('=').append(value);
            }
        }
        return id.toString();
    }
}
