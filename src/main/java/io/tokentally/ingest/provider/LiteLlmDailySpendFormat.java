package io.tokentally.ingest.provider;

import io.tokentally.ingest.UsageColumns;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/**
 * LiteLLM's daily spend tables exported as CSV: {@code LiteLLM_DailyEndUserSpend} (and the user, team,
 * organization and tag tables, which share its columns but for the grouping key). A row is one day's
 * bucket (ADR 0012) per grouping key, API key, model, provider and endpoint. As with the spend logs,
 * {@code prompt_tokens} is read as including {@code cache_read_input_tokens} and
 * {@code cache_creation_input_tokens} (unconfirmed by LiteLLM); a row whose cache counts exceed it is
 * rejected rather than billed twice. A day of only failed requests is an error row. The customer is the
 * end user ({@code end_user_id}), team, user, organization, tag or API key.
 */
@Component
@Order(37)
class LiteLlmDailySpendFormat extends CsvRowsFormat {

    static final String NAME = "litellm-daily-spend";
    /** The spend logs' family: the same mapping keys name the same customers. */
    static final AttributionFamily FAMILY = LiteLlmSpendLogsFormat.FAMILY;
    /** Grouping columns of the daily tables, as the attribution key each is read as. */
    private static final Map<String, String> GROUPS = groups();

    private static final List<String> BUCKET_COLUMNS =
            List.of("api_key", "model", "model_group", "custom_llm_provider", "endpoint", "mcp_namespaced_tool_name");

    private final CustomerAttribution attribution;

    LiteLlmDailySpendFormat(CustomerAttribution attribution) {
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
    List<String> requiredColumns() {
        return List.of("date", "prompt_tokens", "completion_tokens", "cache_read_input_tokens", "api_requests");
    }

    @Override
    List<CanonicalRecord> translate(Map<String, String> row) {
        LocalDate day = day(row.get("date"));
        Map<String, String> keys = new LinkedHashMap<>();
        StringBuilder id = new StringBuilder("litellm-daily:").append(day);
        GROUPS.forEach((column, key) -> {
            if (row.containsKey(column)) {
                keys.putIfAbsent(key, row.get(column));
                id.append(':').append(key).append('=').append(dash(row.get(column)));
            }
        });
        keys.put("api_key", row.get("api_key"));
        for (String column : BUCKET_COLUMNS) {
            id.append(':').append(dash(row.get(column)));
        }
        return List.of(new CanonicalRecord()
                .set(UsageColumns.REQUEST_ID, id)
                .set(UsageColumns.TIMESTAMP, day.atStartOfDay(ZoneOffset.UTC).toInstant())
                .set(UsageColumns.CUSTOMER_ID, attribution.customerOf(FAMILY, keys))
                .set(UsageColumns.PROVIDER, row.get("custom_llm_provider"))
                .set(UsageColumns.MODEL, row.get("model"))
                .set(UsageColumns.INPUT_TOKENS, row.get("prompt_tokens"), "prompt_tokens")
                .set(UsageColumns.CACHED_INPUT_TOKENS, row.get("cache_read_input_tokens"), "cache_read_input_tokens")
                .set(
                        UsageColumns.CACHE_WRITE_TOKENS,
                        row.get("cache_creation_input_tokens"),
                        "cache_creation_input_tokens")
                .set(UsageColumns.OUTPUT_TOKENS, row.get("completion_tokens"), "completion_tokens")
                .set(UsageColumns.STATUS, onlyFailures(row) ? "error" : "ok")
                .set(UsageColumns.CONTEXT_TIER, "standard"));
    }

    private static boolean onlyFailures(Map<String, String> row) {
        return "0".equals(row.get("successful_requests"))
                && row.get("failed_requests") != null
                && !"0".equals(row.get("failed_requests"));
    }

    private static LocalDate day(String date) {
        if (date == null) {
            throw new RecordProblem("date is empty: the row's day is unknown");
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

    private static Map<String, String> groups() {
        Map<String, String> groups = new LinkedHashMap<>();
        groups.put("end_user_id", "end_user");
        groups.put("end_user", "end_user");
        groups.put("team_id", "team_id");
        groups.put("user_id", "user");
        groups.put("organization_id", "organization_id");
        groups.put("tag", "request_tag");
        return groups;
    }
}
