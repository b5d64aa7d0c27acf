package io.tokentally.ingest.provider;

import io.tokentally.ingest.CostFormat;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Pages of a provider's daily cost report: buckets of results, each result one line of what was
 * charged. Amounts are read as exact decimals, never through a binary floating point number.
 */
abstract class CostPagesFormat extends JsonPagesFormat implements CostFormat {

    static final JsonMapper EXACT = JsonMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .build();

    private final String startField;
    private final String endField;

    CostPagesFormat(String startField, String endField) {
        this.startField = startField;
        this.endField = endField;
    }

    @Override
    JsonMapper mapper() {
        return EXACT;
    }

    /** Each result with its bucket's start and end; a page or bucket without its list fails the file. */
    @Override
    List<JsonNode> items(JsonNode page, int pageNo) {
        return bucketResults(page, pageNo, startField, endField, "start", "end");
    }

    /**
     * A decimal amount as exact text: a JSON number as its plain decimal, a string as it stands, any other value (a
     * boolean, a list) as its JSON text, which the cost parser refuses as no number ({@code INVALID_NUMBER}, naming
     * the field); null when absent.
     */
    static String decimalText(JsonNode node, String path) {
        JsonNode value = JsonFields.at(node, path);
        if (value == null) {
            return null;
        }
        if (value.isNumber()) {
            return value.decimalValue().toPlainString();
        }
        return value.isString() ? value.asString() : value.toString();
    }

    /** The UTC day of an instant. */
    static LocalDate dayOf(Instant instant) {
        return LocalDate.ofInstant(instant, ZoneOffset.UTC);
    }

    /** A bucket key from its parts, {@code -} for an absent one. */
    static String key(String prefix, String... parts) {
        StringBuilder key = new StringBuilder(prefix);
        for (String part : parts) {
            key.append(':').append(part == null ? "-" : part);
        }
        return key.toString();
    }
}
