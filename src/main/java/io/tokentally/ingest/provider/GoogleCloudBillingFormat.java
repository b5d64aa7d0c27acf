package io.tokentally.ingest.provider;

import io.tokentally.ingest.UsageColumns;
import io.tokentally.ingest.UsageTimestamp;
import io.tokentally.shared.JacksonMessages;
import io.tokentally.shared.PlainNumbers;
import io.tokentally.shared.Sha256;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * Google Cloud Billing export rows (the BigQuery table, queried and saved as CSV; columns named
 * {@code sku.description} or {@code sku_description}) for Vertex AI Gemini, Claude on Vertex and the
 * Gemini API. Each row is one SKU of one project and hour: the {@link GcpSkuPatterns} table names its
 * model, token type and tiers, and {@code usage.amount} is its token count. A SKU no pattern matches,
 * or one the table marks as not token usage, is rejected with its description, never dropped. A row
 * is a bucket (ADR 0012) identified by its hour, project, SKU, location, labels and export time; Google
 * appends late usage as new rows, so two export times are two buckets. The customer is the project id
 * or a label ({@code label.<key>}, {@code project_label.<key>}).
 */
@Component
@Order(36)
class GoogleCloudBillingFormat extends CsvRowsFormat {

    static final String NAME = "gcp-billing-export";
    /** The export's field of a row's token count, as its rejects name it. */
    private static final String AMOUNT = "usage.amount";
    /** Attribution keys: a row's project, its labels and its project's labels ({@link #keys}). */
    static final AttributionFamily FAMILY =
            new AttributionFamily("gcp", List.of("project_id"), List.of("label.", "project_label."));

    private static final Set<String> COUNT_UNITS = Set.of("count", "token", "tokens");
    private static final int MAX_BUCKET_ID = 400;
    /** A timestamp as BigQuery writes it: {@code 2026-11-27 14:02:31.417200 UTC}, its fraction's digits as written. */
    private static final Pattern BIGQUERY_TIME =
            Pattern.compile("\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}(\\.\\d{1,9})? UTC");
    /** BigQuery's text of an instant to the second. */
    private static final DateTimeFormatter SECONDS =
            DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);

    private final CustomerAttribution attribution;
    private final GcpSkuPatterns patterns;

    GoogleCloudBillingFormat(CustomerAttribution attribution, GcpSkuPatterns patterns) {
        this.attribution = attribution;
        this.patterns = patterns;
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
        return List.of("sku_description", "usage_start_time", "usage_amount");
    }

    @Override
    List<CanonicalRecord> translate(Map<String, String> row) {
        String description = required(row, "sku_description");
        GcpSkuPatterns.Sku sku = patterns.match(description);
        if (sku == null) {
            throw new RecordProblem("SKU '" + description + "' matches no pattern of the SKU table"
                    + " (tokentally.gcp.sku-patterns): not billed");
        }
        if (sku.tokenType().equals(GcpSkuPatterns.NONE)) {
            throw new RecordProblem("SKU '" + description + "' is not token usage (SKU table pattern "
                    + sku.patternLine() + (sku.note() == null ? "" : ": " + sku.note()) + "): not billed");
        }
        String costType = row.get("cost_type");
        if (costType != null && !costType.equalsIgnoreCase("regular")) {
            throw new RecordProblem("cost_type '" + costType + "' is not usage: not billed");
        }
        String unit = row.get("usage_unit");
        if (unit != null && !COUNT_UNITS.contains(unit.toLowerCase(java.util.Locale.ROOT))) {
            throw new RecordProblem("usage.unit '" + unit + "' is not a token count");
        }
        BigInteger amount = amount(required(row, "usage_amount"));
        String start = utc(required(row, "usage_start_time"));
        CanonicalRecord record = new CanonicalRecord()
                .set(UsageColumns.REQUEST_ID, bucketId(row, start))
                .set(UsageColumns.TIMESTAMP, start)
                .set(UsageColumns.CUSTOMER_ID, attribution.customerOf(FAMILY, keys(row)))
                .set(UsageColumns.PROVIDER, sku.provider())
                .set(UsageColumns.MODEL, sku.model())
                .set(UsageColumns.SERVICE_TIER, sku.serviceTier())
                .set(UsageColumns.CONTEXT_TIER, sku.contextTier());
        return List.of(tokens(record, sku.tokenType(), amount));
    }

    /** One SKU is one token type: the row's other counts are known to be zero. */
    private static CanonicalRecord tokens(CanonicalRecord record, String tokenType, BigInteger amount) {
        boolean input = !tokenType.equals("output") && !tokenType.equals("reasoning");
        record.set(UsageColumns.INPUT_TOKENS, input ? amount : BigInteger.ZERO, input ? AMOUNT : null)
                .set(UsageColumns.OUTPUT_TOKENS, input ? BigInteger.ZERO : amount, input ? null : AMOUNT);
        return switch (tokenType) {
            case "cache_read" -> record.set(UsageColumns.CACHED_INPUT_TOKENS, amount, AMOUNT);
            case "cache_write_5m" -> record.set(UsageColumns.CACHE_WRITE_TOKENS, amount, AMOUNT);
            case "cache_write_1h" -> record.set(UsageColumns.CACHE_WRITE_1H_TOKENS, amount, AMOUNT);
            case "reasoning" -> record.set(UsageColumns.REASONING_TOKENS, amount, AMOUNT);
            default -> record;
        };
    }

    private static BigInteger amount(String text) {
        BigDecimal amount;
        try {
            amount = PlainNumbers.decimal(text);
        } catch (NumberFormatException e) {
            throw new RecordProblem("usage.amount '" + text + "' is not a number");
        }
        try {
            return amount.toBigIntegerExact();
        } catch (ArithmeticException e) {
            throw new RecordProblem("usage.amount '" + text + "' is not a whole number of tokens");
        }
    }

    /** BigQuery writes timestamps as {@code 2026-11-27 10:00:00 UTC}. */
    static String utc(String timestamp) {
        return timestamp.endsWith(" UTC") ? timestamp.substring(0, timestamp.length() - 4) + "Z" : timestamp;
    }

    private static String required(Map<String, String> row, String column) {
        String value = row.get(column);
        if (value == null) {
            throw new RecordProblem(column + " is empty: the row cannot be billed");
        }
        return value;
    }

    private static Map<String, String> keys(Map<String, String> row) {
        Map<String, String> keys = new LinkedHashMap<>();
        keys.put("project_id", row.get("project_id"));
        labels(row.get("labels"), "labels").forEach((key, value) -> keys.put("label." + key, value));
        labels(row.get("project_labels"), "project.labels")
                .forEach((key, value) -> keys.put("project_label." + key, value));
        return keys;
    }

    /** Labels as BigQuery's TO_JSON_STRING writes them: [{"key":..,"value":..}], or a JSON object. */
    static Map<String, String> labels(String text, String column) {
        Map<String, String> labels = new TreeMap<>();
        if (text == null) {
            return labels;
        }
        JsonNode json;
        try {
            json = JsonPagesFormat.JSON.readTree(text);
        } catch (JacksonException e) {
            throw new RecordProblem(
                    column + " is not valid JSON: " + JacksonMessages.withoutSource(e.getOriginalMessage()));
        }
        if (json.isArray()) {
            for (JsonNode label : json) {
                if (!label.isObject()) {
                    throw new RecordProblem(column + " holds " + label + " where a key/value pair belongs");
                }
                String key = JsonFields.text(label, "key");
                if (key != null) {
                    labels.put(key, JsonFields.text(label, "value"));
                }
            }
        } else if (json.isObject()) {
            for (Map.Entry<String, JsonNode> entry : json.properties()) {
                labels.put(entry.getKey(), JsonFields.scalar(entry.getValue(), column + "." + entry.getKey()));
            }
        } else {
            throw new RecordProblem(column + " is neither a JSON array of key/value pairs nor an object");
        }
        return labels;
    }

    private static String bucketId(Map<String, String> row, String start) {
        StringBuilder key =
                new StringBuilder().append(bucketTime(start)).append('/').append(utcOrDash(row.get("usage_end_time")));
        for (String column : List.of(
                "project_id",
                "sku_id",
                "sku_description",
                "location_location",
                "location_region",
                "location_zone",
                "resource_name",
                "export_time")) {
            key.append(':').append(column.equals("export_time") ? utcOrDash(row.get(column)) : dash(row.get(column)));
        }
        key.append(':').append(labels(row.get("labels"), "labels"));
        String id = key.toString();
        return "gcp-billing:" + (id.length() <= MAX_BUCKET_ID ? id : bucketTime(start) + ":" + Sha256.hex(id));
    }

    /**
     * A time of the bucket's id as BigQuery writes it ({@code 2026-11-27 10:00:00Z}, the {@code UTC} as {@code Z}),
     * whatever its spelling, so that two spellings of one instant name one bucket: BigQuery's own text as written
     * (the ids of buckets read before stay), another spelling as BigQuery writes its instant; as written if it is not
     * a time.
     */
    private static String bucketTime(String timestamp) {
        String utc = utc(timestamp);
        if (BIGQUERY_TIME.matcher(timestamp).matches()) {
            return utc;
        }
        return UsageTimestamp.instantOf(utc)
                .map(GoogleCloudBillingFormat::bigQueryText)
                .orElse(utc);
    }

    /** An instant as BigQuery writes it, its {@code UTC} as {@code Z}: microseconds when not a whole second. */
    private static String bigQueryText(Instant instant) {
        int nanos = instant.getNano();
        String fraction = nanos == 0
                ? ""
                : nanos % 1000 == 0 ? String.format(".%06d", nanos / 1000) : String.format(".%09d", nanos);
        return SECONDS.format(instant) + fraction + "Z";
    }

    private static String utcOrDash(String timestamp) {
        return timestamp == null ? "-" : bucketTime(timestamp);
    }

    private static String dash(String value) {
        return value == null ? "-" : value;
    }
}
