package io.tokentally.ingest.provider;

import static io.tokentally.ingest.provider.JsonFields.text;

import io.tokentally.ingest.CostColumns;
import io.tokentally.ingest.UsageTimestamp;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;

/**
 * Pages of Anthropic's {@code GET /v1/organizations/cost_report} (daily buckets): {@code amount} is a
 * decimal string in the currency's lowest unit (cents: {@code "123.45"} is $1.2345), kept as written with
 * the unit {@code cents}. Grouped by {@code description}, a result names its model, token type, service
 * tier and context window; grouped by {@code workspace_id}, its workspace.
 */
@Component
@Order(41)
class AnthropicCostReportFormat extends CostPagesFormat {

    static final String NAME = "anthropic-cost-report";

    private static final Map<String, String> TOKEN_TYPES = Map.of(
            "uncached_input_tokens", "input",
            "output_tokens", "output",
            "cache_read_input_tokens", "cache_read",
            "cache_creation.ephemeral_5m_input_tokens", "cache_write_5m",
            "cache_creation.ephemeral_1h_input_tokens", "cache_write_1h");

    AnthropicCostReportFormat() {
        super("starting_at", "ending_at");
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public boolean claims(String head) {
        return isJson(head) && containsAll(head, "\"starting_at\"", "\"amount\"", "\"currency\"");
    }

    @Override
    List<CostRecord> translate(JsonNode item) {
        JsonNode result = item.get("result");
        String start = text(item, "start");
        String end = text(item, "end");
        if (start == null || end == null) {
            throw new RecordProblem("the bucket has no starting_at or ending_at");
        }
        Instant startInstant = startingAt(start);
        String amount = decimalText(result, "amount");
        String currency = text(result, "currency");
        if (amount == null || currency == null) {
            throw new RecordProblem("the result has no amount or currency");
        }
        String tokenType = tokenType(text(result, "token_type"));
        CostRecord record = new CostRecord()
                .set(CostColumns.BUCKET_KEY, bucketKey(result, start, end))
                .set(CostColumns.DAY, dayOf(startInstant))
                .set(CostColumns.PROVIDER, "anthropic");
        return List.of(describeLineItem(record, result, tokenType)
                .set(CostColumns.AMOUNT, amount)
                .set(CostColumns.AMOUNT_UNIT, "cents")
                .set(CostColumns.CURRENCY, currency));
    }

    /** The bucket's {@code starting_at} as an instant; a record problem if it is not RFC 3339. */
    private static Instant startingAt(String start) {
        try {
            return Instant.parse(start);
        } catch (DateTimeParseException e) {
            throw new RecordProblem("the bucket's starting_at is not an RFC 3339 instant: " + start);
        }
    }

    /** Our token type for Anthropic's, {@code null} for none; a record problem for one we do not know. */
    private static String tokenType(String rawTokenType) {
        String tokenType = rawTokenType == null ? null : TOKEN_TYPES.get(rawTokenType);
        if (rawTokenType != null && tokenType == null) {
            throw new RecordProblem("unknown token_type " + rawTokenType);
        }
        return tokenType;
    }

    /**
     * The bucket key: the bucket's time range, each end as the instant it writes (as the usage report's bucket ids),
     * and every grouping field of the result.
     */
    private static String bucketKey(JsonNode result, String start, String end) {
        return key(
                "anthropic-cost:" + UsageTimestamp.keyText(start) + "/" + UsageTimestamp.keyText(end),
                text(result, "workspace_id"),
                text(result, "description"),
                text(result, "cost_type"),
                text(result, "model"),
                text(result, "token_type"),
                text(result, "service_tier"),
                text(result, "context_window"),
                text(result, "inference_geo"),
                text(result, "speed"));
    }

    /** Sets what the result's grouping says the cost is for: model, token type, tiers, line item, workspace. */
    private static CostRecord describeLineItem(CostRecord record, JsonNode result, String tokenType) {
        String contextWindow = text(result, "context_window");
        String model = text(result, "model"); // a fast or US-only charge under the id its usage is kept under
        return record.set(
                        CostColumns.MODEL,
                        model == null ? null : model + AnthropicMessagesUsageFormat.multiplied(result))
                .set(CostColumns.TOKEN_TYPE, tokenType)
                .set(CostColumns.SERVICE_TIER, AnthropicMessagesUsageFormat.tierOrNull(text(result, "service_tier")))
                .set(
                        CostColumns.CONTEXT_TIER,
                        contextWindow == null ? null : "200k-1M".equals(contextWindow) ? "long" : "standard")
                .set(CostColumns.COST_TYPE, text(result, "cost_type"))
                .set(CostColumns.LINE_ITEM, text(result, "description"), "description")
                .set(CostColumns.PROJECT_ID, text(result, "workspace_id"), "workspace_id");
    }
}
