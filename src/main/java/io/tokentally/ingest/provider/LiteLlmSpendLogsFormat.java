package io.tokentally.ingest.provider;

import static io.tokentally.ingest.provider.JsonFields.count;

import io.tokentally.ingest.RawRecord;
import io.tokentally.ingest.RecordCursor;
import io.tokentally.ingest.UsageColumns;
import io.tokentally.ingest.UsageFormat;
import io.tokentally.shared.JacksonMessages;
import java.io.IOException;
import java.io.Reader;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * The LiteLLM proxy's {@code LiteLLM_SpendLogs} table exported as CSV (header row, columns as in
 * LiteLLM's schema). {@code prompt_tokens} is read as including the cache reads and writes that
 * {@code metadata.additional_usage_values} reports (LiteLLM turns Anthropic usage into the OpenAI
 * shape); a row whose cache counts exceed it is rejected rather than billed twice. {@code startTime}
 * without an offset is UTC (LiteLLM stores UTC in a column without time zone). The whole file is parsed
 * when it is opened, so a file that is not valid CSV fails as a whole.
 */
@Component
@Order(34)
class LiteLlmSpendLogsFormat implements UsageFormat {

    static final String NAME = "litellm-spend-logs";
    /**
     * Attribution keys: a row's columns and first request tag, its caller's metadata entries ({@link #keys}), and the
     * daily spend tables' {@code organization_id} ({@link LiteLlmDailySpendFormat}).
     */
    static final AttributionFamily FAMILY = new AttributionFamily(
            "litellm",
            List.of("end_user", "team_id", "user", "organization_id", "api_key", "request_tag"),
            List.of("metadata."));

    /** The columns that tell the table, as its schema spells them; a header's names are read in any case. */
    private static final List<String> REQUIRED =
            List.of("request_id", "startTime", "prompt_tokens", "completion_tokens", "spend");

    /** How a row is written back as its raw text for the rejects file. */
    private static final CSVFormat RAW = CSVFormat.DEFAULT;

    private final CustomerAttribution attribution;

    LiteLlmSpendLogsFormat(CustomerAttribution attribution) {
        this.attribution = attribution;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public boolean claims(String head) {
        return CsvRowsFormat.headerNames(head).containsAll(normalized());
    }

    @Override
    public boolean resembles(String head) {
        return CsvRowsFormat.resembles(CsvRowsFormat.headerNames(head), normalized());
    }

    @Override
    public RecordCursor open(Reader reader) throws IOException {
        return CsvRowsFormat.parseWhole(
                reader, normalized(), (header, row, lineNo) -> List.of(toRecord(header, row, lineNo)));
    }

    /** The required columns as the header's names are compared: in lower case. */
    private static List<String> normalized() {
        return REQUIRED.stream().map(CsvRowsFormat::column).toList();
    }

    /** @param header the header's names as {@link CsvRowsFormat#column} normalizes them, by which a row is read */
    private RawRecord toRecord(List<String> header, CSVRecord row, long lineNo) {
        String raw = RAW.format(row.values());
        if (!row.isConsistent()) {
            return RawRecord.malformed(
                    lineNo,
                    raw,
                    "the row has " + row.size() + " fields, the header "
                            + row.getParser().getHeaderNames().size());
        }
        try {
            Map<String, String> values = new HashMap<>();
            for (int i = 0; i < header.size(); i++) {
                values.put(header.get(i), row.get(i));
            }
            return translate(values).toRawRecord(lineNo, raw);
        } catch (RecordProblem e) {
            return RawRecord.malformed(lineNo, raw, e.getMessage());
        } catch (JacksonException e) {
            return RawRecord.malformed(lineNo, raw, JsonPagesFormat.wrongKind(e));
        }
    }

    CanonicalRecord translate(Map<String, String> row) {
        JsonNode metadata = json(row.get("metadata"), "metadata");
        if (metadata != null && metadata.isNull()) {
            metadata = null;
        }
        if (metadata != null && !metadata.isObject()) {
            throw new RecordProblem("metadata is not a JSON object: " + metadata);
        }
        JsonNode extra = JsonFields.object(metadata, "additional_usage_values");
        BigInteger cacheRead = count(extra, "cache_read_input_tokens");
        if (cacheRead == null) {
            cacheRead = count(extra, "prompt_tokens_details.cached_tokens");
        }
        String status = blankToNull(row.get("status"));
        CacheWrites cacheWrites = cacheWrites(extra);
        boolean ok = status == null || status.toLowerCase(Locale.ROOT).equals("success");
        // an error row bills nothing: no part of it is rejected apart
        Map<String, BigInteger> unpriced = ok ? unpriced(extra) : Map.of();
        String prompt = textOnly(row, "prompt_tokens", unpriced);
        String completion = textOnly(row, "completion_tokens", unpriced);
        return new CanonicalRecord()
                .set(UsageColumns.REQUEST_ID, blankToNull(row.get("request_id")))
                .set(UsageColumns.TIMESTAMP, utc(blankToNull(row.get("starttime"))))
                .set(UsageColumns.CUSTOMER_ID, attribution.customerOf(FAMILY, keys(row, metadata, attribution)))
                .set(UsageColumns.PROVIDER, blankToNull(row.get("custom_llm_provider")))
                .set(UsageColumns.MODEL, blankToNull(row.get("model")))
                .set(UsageColumns.INPUT_TOKENS, prompt, copied(row, "prompt_tokens", prompt))
                .set(UsageColumns.CACHED_INPUT_TOKENS, cacheRead)
                .set(UsageColumns.CACHE_WRITE_TOKENS, cacheWrites.fiveMinutes())
                .set(UsageColumns.CACHE_WRITE_1H_TOKENS, cacheWrites.oneHour())
                .set(UsageColumns.OUTPUT_TOKENS, completion, copied(row, "completion_tokens", completion))
                .set(UsageColumns.REASONING_TOKENS, count(extra, "completion_tokens_details.reasoning_tokens"))
                .set(UsageColumns.STATUS, ok ? "ok" : "error")
                .unbilled(
                        unpriced.isEmpty()
                                ? null
                                : CanonicalRecord.unpriced(
                                        unpriced.entrySet().stream()
                                                .map(part -> part.getKey() + " = " + part.getValue())
                                                .toList(),
                                        "row"));
    }

    /**
     * The audio tokens of a request, by where {@code additional_usage_values} gives them (OpenAI's usage shape, which
     * LiteLLM passes on): counts above 0 only. Image tokens stay in the totals: chat models bill image input at the
     * text input price.
     */
    private static Map<String, BigInteger> unpriced(JsonNode extra) {
        Map<String, BigInteger> parts = new LinkedHashMap<>();
        for (String path : List.of("prompt_tokens_details.audio_tokens", "completion_tokens_details.audio_tokens")) {
            BigInteger count = count(extra, path);
            if (count != null && count.signum() < 0) {
                throw new RecordProblem(path + " is negative: " + count);
            }
            if (count != null && count.signum() > 0) {
                parts.put(path, count);
            }
        }
        return parts;
    }

    /**
     * The column a total's rejects name: the file's own when its value is copied as it stands, none when its audio
     * tokens were taken out of it ({@link #textOnly}).
     */
    private static String copied(Map<String, String> row, String column, String value) {
        return Objects.equals(value, blankToNull(row.get(column))) ? column : null;
    }

    /**
     * A total column ({@code prompt_tokens}, {@code completion_tokens}) without its audio tokens, which it includes;
     * as written when it has none or is not digits with an optional {@code +} (the usage format's rules read it then).
     */
    private static String textOnly(Map<String, String> row, String column, Map<String, BigInteger> unpriced) {
        String total = blankToNull(row.get(column));
        String side = column.equals("prompt_tokens") ? "prompt_tokens_details." : "completion_tokens_details.";
        BigInteger parts = unpriced.entrySet().stream()
                .filter(part -> part.getKey().startsWith(side))
                .map(Map.Entry::getValue)
                .reduce(BigInteger.ZERO, BigInteger::add);
        String digits = total == null || !total.startsWith("+") ? total : total.substring(1);
        if (digits == null
                || parts.signum() == 0
                || digits.isEmpty()
                || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return total;
        }
        BigInteger text = new BigInteger(digits).subtract(parts);
        if (text.signum() < 0) {
            throw new RecordProblem("its audio tokens (" + parts + ") are more than its " + column + " (" + total
                    + "), which include them");
        }
        return text.toString();
    }

    /**
     * The cache writes of a request, split into 5-minute and 1-hour writes where the usage gives the split (LiteLLM's
     * {@code prompt_tokens_details.cache_creation_token_details}, or Anthropic's {@code cache_creation} passed on),
     * else its total as 5-minute writes ({@code cache_creation_input_tokens}, else {@code prompt_tokens_details}'
     * {@code cache_creation_tokens} or {@code cache_write_tokens}).
     */
    private static CacheWrites cacheWrites(JsonNode extra) {
        BigInteger total = firstAbove0(
                extra,
                "cache_creation_input_tokens",
                "prompt_tokens_details.cache_creation_tokens",
                "prompt_tokens_details.cache_write_tokens");
        // the two parts of one object: LiteLLM's details, else Anthropic's, never one of each
        JsonNode split = JsonFields.object(extra, "prompt_tokens_details.cache_creation_token_details");
        if (split == null) {
            split = JsonFields.object(extra, "cache_creation");
        }
        BigInteger fiveMinutes = count(split, "ephemeral_5m_input_tokens");
        BigInteger oneHour = count(split, "ephemeral_1h_input_tokens");
        if (fiveMinutes == null && oneHour == null) {
            return new CacheWrites(total, null);
        }
        BigInteger sum = JsonFields.orZero(fiveMinutes).add(JsonFields.orZero(oneHour));
        if (total != null && total.signum() > 0 && total.compareTo(sum) != 0) {
            throw new RecordProblem("the 5-minute and 1-hour cache writes add up to " + sum
                    + ", not the cache writes' total of " + total);
        }
        return new CacheWrites(fiveMinutes, oneHour);
    }

    /**
     * The count at the first of the paths that has one above 0, else 0 if one of them has it, else null: the fields
     * are spellings of one count, and a 0 in one beside the count in another is not the count.
     */
    private static BigInteger firstAbove0(JsonNode node, String... paths) {
        BigInteger zero = null;
        for (String path : paths) {
            BigInteger value = count(node, path);
            if (value != null && value.signum() > 0) {
                return value;
            }
            zero = zero != null ? zero : value;
        }
        return zero;
    }

    private record CacheWrites(BigInteger fiveMinutes, BigInteger oneHour) {}

    private static Map<String, String> keys(
            Map<String, String> row, JsonNode metadata, CustomerAttribution attribution) {
        Map<String, String> keys = new LinkedHashMap<>();
        for (String column : List.of("end_user", "team_id", "user", "api_key")) {
            keys.put(column, blankToNull(row.get(column)));
        }
        JsonNode callerMetadata = JsonFields.object(metadata, "spend_logs_metadata");
        if (callerMetadata != null) {
            // the caller's own metadata may nest objects and arrays; only its texts and numbers are keys
            callerMetadata.properties().stream()
                    .filter(entry -> entry.getValue().isValueNode())
                    .forEach(entry -> keys.put(
                            "metadata." + entry.getKey(),
                            JsonFields.scalar(entry.getValue(), "spend_logs_metadata." + entry.getKey())));
        }
        JsonNode tags = json(row.get("request_tags"), "request_tags");
        if (tags != null && tags.isArray() && !tags.isEmpty()) { // any of its tags may be the mapped one
            List<String> values = new ArrayList<>();
            for (int i = 0; i < tags.size(); i++) {
                values.add(JsonFields.scalar(tags.get(i), "request_tags[" + i + "]"));
            }
            keys.put("request_tag", attribution.firstMapped(FAMILY, "request_tag", values));
        }
        return keys;
    }

    private static JsonNode json(String text, String column) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            return JsonPagesFormat.JSON.readTree(text);
        } catch (JacksonException e) {
            throw new RecordProblem(
                    column + " is not valid JSON: " + JacksonMessages.withoutSource(e.getOriginalMessage()));
        }
    }

    /**
     * LiteLLM's timestamps are UTC; PostgreSQL writes them without an offset, and a tool may leave out the seconds
     * ({@code yyyy-MM-dd HH:mm}, 16 characters).
     */
    static String utc(String timestamp) {
        if (timestamp == null || timestamp.length() < 16) {
            return timestamp;
        }
        String time = timestamp.substring(11);
        boolean hasOffset = time.endsWith("Z") || time.contains("+") || time.contains("-");
        return hasOffset ? timestamp : timestamp + "Z";
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }
}
