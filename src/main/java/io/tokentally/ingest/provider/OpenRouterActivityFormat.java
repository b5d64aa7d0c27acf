package io.tokentally.ingest.provider;

import static io.tokentally.ingest.provider.JsonFields.count;
import static io.tokentally.ingest.provider.JsonFields.required;
import static io.tokentally.ingest.provider.JsonFields.text;

import io.tokentally.ingest.UsageColumns;
import io.tokentally.ingest.UsageFormat;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;

/**
 * OpenRouter's activity export ({@code GET /api/v1/activity}: {@code data} array of daily items per
 * model and endpoint). {@code prompt_tokens} is plain input: the export has no cache columns, so cached
 * tokens in it are billed at the input price. {@code completion_tokens} is output with
 * {@code reasoning_tokens} as its sub-count. The model is {@code model} (not the dated
 * {@code model_permaslug}). A row is one day's bucket (ADR 0012) per model, permaslug, endpoint and
 * provider, and per user or API key where the row names one. The export names no customer: its usage is
 * unattributed unless a row carries {@code external_user} or {@code api_key} (keys {@code openrouter.external_user},
 * {@code openrouter.api_key}).
 */
@Component
@Order(38)
class OpenRouterActivityFormat extends JsonPagesFormat {

    static final String NAME = "openrouter-activity";
    static final AttributionFamily FAMILY = OpenRouterGenerationsFormat.FAMILY;

    private final CustomerAttribution attribution;

    OpenRouterActivityFormat(CustomerAttribution attribution) {
        this.attribution = attribution;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String unsplitCounts() {
        return UsageFormat.unsplit("prompt_tokens");
    }

    @Override
    public boolean snapshots() {
        return true;
    }

    @Override
    public boolean claims(String head) {
        return isJson(head)
                && containsAll(head, "\"data\"", "\"model_permaslug\"", "\"endpoint_id\"", "\"prompt_tokens\"");
    }

    @Override
    List<JsonNode> items(JsonNode page, int pageNo) {
        List<JsonNode> items = new ArrayList<>();
        requiredArray(page, "data", pageNo).forEach(items::add);
        return items;
    }

    @Override
    List<CanonicalRecord> translate(JsonNode item) {
        LocalDate day = day(text(item, "date"));
        String model = text(item, "model");
        String[] providerAndModel = GatewayModels.split(model);
        String id = "openrouter-activity:" + day + ":" + model + ":" + dash(text(item, "model_permaslug")) + ":"
                + dash(text(item, "endpoint_id")) + ":" + dash(text(item, "provider_name")) + byKey(item);
        return List.of(new CanonicalRecord()
                .set(UsageColumns.REQUEST_ID, id)
                .set(UsageColumns.TIMESTAMP, day.atStartOfDay(ZoneOffset.UTC).toInstant())
                .set(UsageColumns.CUSTOMER_ID, attribution.customerOf(FAMILY, keys(item)))
                .set(UsageColumns.PROVIDER, providerAndModel[0])
                .set(UsageColumns.MODEL, providerAndModel[1])
                .set(UsageColumns.INPUT_TOKENS, required(item, "prompt_tokens"), "prompt_tokens")
                .set(UsageColumns.OUTPUT_TOKENS, required(item, "completion_tokens"), "completion_tokens")
                .set(UsageColumns.REASONING_TOKENS, count(item, "reasoning_tokens"), "reasoning_tokens")
                .set(UsageColumns.CONTEXT_TIER, "standard"));
    }

    /**
     * The row's {@code external_user} and {@code api_key}, which split a day's usage per user or key, as id parts
     * (only those it has, so a row without them keeps the id it had).
     */
    private static String byKey(JsonNode item) {
        StringBuilder keys = new StringBuilder();
        for (String key : List.of("external_user", "api_key")) {
            String value = text(item, key);
            if (value != null) {
                keys.append(':').append(key).append('=').append(value);
            }
        }
        return keys.toString();
    }

    private static Map<String, String> keys(JsonNode item) {
        return CustomerAttribution.keys("external_user", text(item, "external_user"), "api_key", text(item, "api_key"));
    }

    private static LocalDate day(String date) {
        if (date == null) {
            throw new RecordProblem("the item has no date");
        }
        try {
            return LocalDate.parse(date.length() > 10 ? date.substring(0, 10) : date);
        } catch (DateTimeParseException e) {
            throw new RecordProblem("date '" + date + "' is not a date");
        }
    }

    private static String dash(String value) {
        return value == null ? "-" : value;
    }
}
