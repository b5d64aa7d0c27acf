package io.tokentally.ingest.provider;

import static io.tokentally.ingest.provider.JsonFields.required;
import static io.tokentally.ingest.provider.JsonFields.text;

import io.tokentally.ingest.UsageColumns;
import io.tokentally.ingest.UsageFormat;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * Pages of Cloudflare AI Gateway's list-logs API ({@code result} array of logs). {@code tokens_in}
 * cannot be split into cached and uncached input: it is recorded as plain (uncached) input, so cached
 * tokens are billed at the input price (the README says so). A gateway cache hit ({@code cached}) is
 * billed like any other response. A log with
 * {@code success: false} is an error row (counted, not billed). The customer comes from the log's
 * {@code metadata} (keys {@code metadata.<name>}; by default {@code customer_id}, then {@code customer}, then the
 * first metadata entry: the order of a JSON object's entries is the writer's, not a name).
 */
@Component
@Order(33)
class CloudflareGatewayLogsFormat extends JsonPagesFormat {

    static final String NAME = "cloudflare-ai-gateway-logs";
    /** Attribution keys: a log's metadata entries ({@link #metadata}). */
    static final AttributionFamily FAMILY = new AttributionFamily("cloudflare", List.of(), List.of("metadata."));
    /** Cloudflare's names of the clouds it routes to, as the engine knows them (its other names are the vendors'). */
    private static final Map<String, String> PROVIDERS = Map.of(
            "google-vertex-ai", "vertex_ai",
            "aws-bedrock", "bedrock",
            "azure-openai", "openai");

    /**
     * A page of no logs (a period without requests) in Cloudflare's API envelope ({@code result_info}, {@code
     * success}): read as a file of no rows, as a usage CSV of its header alone, not reported as unread. Another
     * Cloudflare API's empty list is claimed too, and holds no rows either.
     */
    private static final Pattern EMPTY_RESULT = Pattern.compile("\"result\"\\s*:\\s*\\[\\s*\\]");

    private final CustomerAttribution attribution;

    CloudflareGatewayLogsFormat(CustomerAttribution attribution) {
        this.attribution = attribution;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String unsplitCounts() {
        return UsageFormat.unsplit("tokens_in");
    }

    @Override
    public boolean claims(String head) {
        return isJson(head)
                && (containsAll(head, "\"result\"", "\"tokens_in\"", "\"tokens_out\"")
                        || (EMPTY_RESULT.matcher(head).find() && containsAll(head, "\"result_info\"", "\"success\"")));
    }

    @Override
    List<JsonNode> items(JsonNode page, int pageNo) {
        List<JsonNode> logs = new ArrayList<>();
        requiredArray(page, "result", pageNo).forEach(logs::add);
        return logs;
    }

    @Override
    List<CanonicalRecord> translate(JsonNode log) {
        String provider = text(log, "provider");
        Boolean success = JsonFields.bool(log, "success");
        return List.of(new CanonicalRecord()
                .set(UsageColumns.REQUEST_ID, text(log, "id"))
                .set(UsageColumns.TIMESTAMP, text(log, "created_at"))
                .set(UsageColumns.CUSTOMER_ID, attribution.customerOf(FAMILY, metadata(log)))
                .set(UsageColumns.PROVIDER, provider == null ? null : PROVIDERS.getOrDefault(provider, provider))
                .set(UsageColumns.MODEL, text(log, "model"))
                .set(UsageColumns.INPUT_TOKENS, required(log, "tokens_in"), "tokens_in")
                .set(UsageColumns.OUTPUT_TOKENS, required(log, "tokens_out"), "tokens_out")
                .set(UsageColumns.STATUS, Boolean.FALSE.equals(success) ? "error" : "ok"));
    }

    /** Metadata entries that name the customer by their name, tried before the others. */
    private static final List<String> CUSTOMER_ENTRIES = List.of("metadata.customer_id", "metadata.customer");

    /**
     * The metadata entries as attribution keys, {@link #CUSTOMER_ENTRIES} first; metadata may be an object or a
     * JSON object in a string.
     */
    private static Map<String, String> metadata(JsonNode log) {
        JsonNode metadata = JsonFields.at(log, "metadata");
        if (metadata != null && metadata.isString()) {
            try {
                metadata = JSON.readTree(metadata.asString());
            } catch (JacksonException e) {
                throw new RecordProblem("metadata is neither an object nor a JSON object in a string");
            }
        }
        Map<String, String> entries = new LinkedHashMap<>();
        if (metadata != null && metadata.isObject()) {
            for (Map.Entry<String, JsonNode> entry : metadata.properties()) {
                // Cloudflare's metadata holds strings, numbers and booleans only
                String key = "metadata." + entry.getKey();
                entries.put(key, JsonFields.scalar(entry.getValue(), key));
            }
        }
        Map<String, String> keys = new LinkedHashMap<>();
        CUSTOMER_ENTRIES.stream().filter(entries::containsKey).forEach(key -> keys.put(key, entries.get(key)));
        keys.putAll(entries);
        return keys;
    }
}
