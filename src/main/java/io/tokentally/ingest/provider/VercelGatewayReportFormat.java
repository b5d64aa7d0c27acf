package io.tokentally.ingest.provider;

import static io.tokentally.ingest.provider.JsonFields.count;
import static io.tokentally.ingest.provider.JsonFields.required;
import static io.tokentally.ingest.provider.JsonFields.sum;
import static io.tokentally.ingest.provider.JsonFields.text;

import io.tokentally.ingest.UsageColumns;
import java.math.BigInteger;
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
 * Vercel AI Gateway's custom report ({@code GET /v1/report?date_part=day&group_by=...}): a
 * {@code results} array of daily rows per model (and user, tag, provider or credential type). Read as
 * the reference's field mapping says: {@code cached_input_tokens} is part of {@code input_tokens},
 * {@code cache_creation_input_tokens} is not, and {@code output_tokens} includes
 * {@code reasoning_tokens} (all three unconfirmed by Vercel; a row whose cached tokens exceed its
 * input is rejected, not billed). A row is a day's snapshot with an id derived from the day and its
 * grouping keys.
 */
@Component
@Order(35)
class VercelGatewayReportFormat extends JsonPagesFormat {

    static final String NAME = "vercel-ai-gateway-report";
    /** Attribution keys: a row's grouping keys ({@link #keys}). */
    static final AttributionFamily FAMILY = new AttributionFamily("vercel", List.of("user", "tag"), List.of());

    private static final List<String> GROUPS = List.of("user", "tag", "provider", "credential_type");

    private final CustomerAttribution attribution;

    VercelGatewayReportFormat(CustomerAttribution attribution) {
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
        return isJson(head) && containsAll(head, "\"results\"", "\"cached_input_tokens\"", "\"request_count\"");
    }

    @Override
    List<JsonNode> items(JsonNode page, int pageNo) {
        List<JsonNode> rows = new ArrayList<>();
        requiredArray(page, "results", pageNo).forEach(rows::add);
        return rows;
    }

    @Override
    List<CanonicalRecord> translate(JsonNode row) {
        String[] providerAndModel = GatewayModels.split(text(row, "model"));
        BigInteger cacheWrite = count(row, "cache_creation_input_tokens");
        StringBuilder id =
                new StringBuilder("vercel-report:").append(day(row)).append(':').append(text(row, "model"));
        for (String group : GROUPS) {
            String value = text(row, group);
            id.append(':').append(value == null ? "-" : value);
        }
        return List.of(new CanonicalRecord()
                .set(UsageColumns.REQUEST_ID, id)
                .set(
                        UsageColumns.TIMESTAMP,
                        day(row).atStartOfDay(ZoneOffset.UTC).toInstant())
                .set(UsageColumns.CUSTOMER_ID, attribution.customerOf(FAMILY, keys(row)))
                .set(UsageColumns.PROVIDER, providerAndModel[0])
                .set(UsageColumns.MODEL, providerAndModel[1])
                .set(UsageColumns.INPUT_TOKENS, sum(required(row, "input_tokens"), cacheWrite))
                .set(UsageColumns.CACHED_INPUT_TOKENS, count(row, "cached_input_tokens"), "cached_input_tokens")
                .set(UsageColumns.CACHE_WRITE_TOKENS, cacheWrite)
                .set(UsageColumns.OUTPUT_TOKENS, required(row, "output_tokens"), "output_tokens")
                .set(UsageColumns.REASONING_TOKENS, count(row, "reasoning_tokens"), "reasoning_tokens")
                .set(UsageColumns.CONTEXT_TIER, "standard"));
    }

    private static LocalDate day(JsonNode row) {
        String day = text(row, "day");
        if (day == null) {
            throw new RecordProblem("the row has no day: request the report with date_part=day");
        }
        try {
            return LocalDate.parse(day.length() > 10 ? day.substring(0, 10) : day);
        } catch (DateTimeParseException e) {
            throw new RecordProblem("day '" + day + "' is not a date");
        }
    }

    private static Map<String, String> keys(JsonNode row) {
        return CustomerAttribution.keys("user", text(row, "user"), "tag", text(row, "tag"));
    }
}
