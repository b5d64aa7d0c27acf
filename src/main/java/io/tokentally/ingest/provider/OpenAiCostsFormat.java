package io.tokentally.ingest.provider;

import static io.tokentally.ingest.provider.JsonFields.text;

import io.tokentally.ingest.CostColumns;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;

/**
 * Pages of OpenAI's {@code GET /organization/costs} (daily buckets of {@code organization.costs.result}):
 * {@code amount.value} in {@code amount.currency} (a number or a decimal string), grouped by
 * {@code project_id}, {@code line_item} and {@code api_key_id} when asked. A {@code line_item} of the form
 * {@code <model>, <kind>} (kind {@code input}, {@code cached input}, {@code cache write}, {@code output},
 * optionally prefixed {@code batch}) names a model and token type; a bare token kind
 * ({@code input_tokens}) names a token type only; any other line item is kept as it is. OpenAI documents
 * only the {@code input_tokens} example, so this reading is tokentally's, not OpenAI's.
 */
@Component
@Order(40)
class OpenAiCostsFormat extends CostPagesFormat {

    static final String NAME = "openai-costs";
    static final String RESULT = "organization.costs.result";

    private static final Map<String, String> KINDS = Map.ofEntries(
            Map.entry("input", "input"),
            Map.entry("input_tokens", "input"),
            Map.entry("uncached input", "input"),
            Map.entry("cached input", "cache_read"),
            Map.entry("cached_input_tokens", "cache_read"),
            Map.entry("input_cached_tokens", "cache_read"),
            Map.entry("cache write", "cache_write_5m"),
            Map.entry("cached write", "cache_write_5m"),
            Map.entry("input_cache_write_tokens", "cache_write_5m"),
            Map.entry("output", "output"),
            Map.entry("output_tokens", "output"));

    OpenAiCostsFormat() {
        super("start_time", "end_time");
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public boolean claims(String head) {
        return isJson(head) && head.contains("\"" + RESULT + "\"");
    }

    @Override
    List<CostRecord> translate(JsonNode item) {
        JsonNode result = item.get("result");
        JsonNode start = JsonFields.at(item, "start");
        JsonNode end = JsonFields.at(item, "end");
        requireUnixSeconds(start, end);
        Instant day = JsonFields.unixSeconds(item, "start");
        JsonFields.unixSeconds(item, "end"); // only refused when out of range: it goes into the bucket's key
        Amount amount = Amount.of(result);
        String lineItem = text(result, "line_item");
        String project = text(result, "project_id");
        String apiKey = text(result, "api_key_id");
        LineItem parsed = LineItem.parse(lineItem);
        return List.of(new CostRecord()
                .set(
                        CostColumns.BUCKET_KEY,
                        key("openai-cost:" + start.asLong() + "/" + end.asLong(), project, apiKey, lineItem))
                .set(CostColumns.DAY, dayOf(day))
                .set(CostColumns.PROVIDER, "openai")
                .set(CostColumns.MODEL, parsed.model())
                .set(CostColumns.TOKEN_TYPE, parsed.tokenType())
                .set(CostColumns.SERVICE_TIER, parsed.serviceTier())
                .set(CostColumns.LINE_ITEM, lineItem)
                .set(CostColumns.PROJECT_ID, project)
                .set(CostColumns.API_KEY_ID, apiKey)
                .set(CostColumns.AMOUNT, amount.value(), "amount.value")
                .set(CostColumns.AMOUNT_UNIT, "major")
                .set(CostColumns.CURRENCY, amount.currency())
                .set(CostColumns.QUANTITY, decimalText(result, "quantity"), "quantity")
                .set(CostColumns.QUANTITY_UNIT, text(result, "quantity_unit")));
    }

    private static void requireUnixSeconds(JsonNode start, JsonNode end) {
        if (start == null || !start.isIntegralNumber() || end == null || !end.isIntegralNumber()) {
            throw new RecordProblem("the bucket has no start_time or end_time in Unix seconds");
        }
    }

    /** A result's amount: its value as decimal text, and its currency. */
    private record Amount(String value, String currency) {

        static Amount of(JsonNode result) {
            String amount = decimalText(result, "amount.value");
            String currency = text(result, "amount.currency");
            if (amount == null || currency == null) {
                throw new RecordProblem("the result has no amount.value or amount.currency");
            }
            return new Amount(amount, currency);
        }
    }

    /** What a line item names: model, token type and tier, each null when it does not say. */
    record LineItem(String model, String tokenType, String serviceTier) {

        static LineItem parse(String lineItem) {
            if (lineItem == null) {
                return new LineItem(null, null, null);
            }
            int comma = lineItem.lastIndexOf(',');
            String model = comma < 0 ? null : lineItem.substring(0, comma).strip();
            String kind = (comma < 0 ? lineItem : lineItem.substring(comma + 1))
                    .strip()
                    .toLowerCase(Locale.ROOT);
            String tier = null;
            if (kind.startsWith("batch ")) {
                tier = "batch";
                kind = kind.substring("batch ".length()).strip();
            }
            String tokenType = KINDS.get(kind);
            if (tokenType == null) {
                return new LineItem(model, null, tier);
            }
            return new LineItem(model, tokenType, tier == null && model != null ? "standard" : tier);
        }
    }
}
