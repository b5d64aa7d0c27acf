package io.tokentally.ingest;

import io.tokentally.shared.JacksonMessages;
import io.tokentally.shared.ShownText;
import java.io.IOException;
import java.io.Reader;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** tokentally's usage rows as JSON Lines: one object per line with the usage CSV's keys. */
@Component
@Order(20)
class UsageJsonLinesFormat implements UsageFormat {

    static final String NAME = "usage-jsonl";

    /** How the JSON reader words two of its faults, said again in the format's words ({@link #fault}). */
    private static final Pattern DUPLICATE_KEY = Pattern.compile("Duplicate Object property \"(.*)\"");

    private static final Pattern NON_STANDARD_TOKEN = Pattern.compile("Non-standard token ('[^']*')");

    /**
     * A key given twice is refused: which of its values a reader takes is not defined (RFC 8259 §4).
     * Fractions and exponents are read as decimals, so an id {@code 3e2} is {@code 3E+2}, not the double
     * {@code 300.0}; any other key's number with a fraction or exponent is taken as written ({@link #floatsAsWritten}).
     */
    private static final JsonMapper JSON = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .build();

    /**
     * Keys whose value is taken as text as it stands. An object or array there would become an id such as
     * {@code {"id":"acme"}}; elsewhere it fails the column's own rule (a count is not a whole number).
     */
    private static final Set<String> IDENTIFIERS =
            Set.of(UsageColumns.REQUEST_ID, UsageColumns.CUSTOMER_ID, UsageColumns.PROVIDER, UsageColumns.MODEL);

    /** Keys of the usage format that no provider format has at the top of its objects. */
    private static final Set<String> CLAIMING_KEYS = Set.of(UsageColumns.REQUEST_ID, UsageColumns.CUSTOMER_ID);

    @Override
    public String name() {
        return NAME;
    }

    /**
     * A file whose first non-blank line is a JSON object with a request_id or customer_id key, in any case
     * (the provider formats have neither at the top of their objects), or, when that line is not valid JSON
     * (or longer than the head), which names request_id: its rows are then rejected one by one, not dropped
     * with the file.
     */
    @Override
    public boolean claims(String head) {
        // lines end at line feeds, as the reader's do
        String firstLine = Arrays.stream(head.split("\n"))
                .map(String::strip)
                .filter(line -> !line.isEmpty())
                .findFirst()
                .orElse("");
        if (!firstLine.startsWith("{")) {
            return false;
        }
        JsonNode node;
        try {
            node = JSON.readTree(firstLine);
        } catch (JacksonException e) {
            // the text may name a key nested in a provider's page (a metadata customer_id): request_id only
            return firstLine.toLowerCase(Locale.ROOT).contains("\"" + UsageColumns.REQUEST_ID + "\"");
        }
        return node != null
                && node.isObject()
                && node.properties().stream()
                        .map(property -> UsageCsvFormat.normalizeName(property.getKey()))
                        .anyMatch(CLAIMING_KEYS::contains);
    }

    @Override
    public RecordCursor open(Reader reader) {
        LfLines lines = new LfLines(reader);
        return new RecordCursor() {
            private final LookalikeColumns lookalikes = new LookalikeColumns();
            private long lineNo;

            @Override
            public RawRecord next() throws IOException {
                String line;
                do {
                    line = lines.next();
                    lineNo++;
                } while (line != null && RawRecord.isBlank(line));
                if (line == null) {
                    return null;
                }
                RawRecord record = parse(lineNo, line);
                if (!record.isMalformed()) {
                    lookalikes.note(record.columns().keySet(), record.columns().keySet());
                }
                return record;
            }

            @Override
            public List<String> lookalikeColumns() {
                return lookalikes.found();
            }

            @Override
            public void close() throws IOException {
                reader.close();
            }
        };
    }

    /**
     * The JSON reader's fault in the format's words where Jackson's name its own settings and types (a key given
     * twice is said as a case variant of it is); anything else as Jackson words it.
     */
    static String fault(String jackson) {
        Matcher duplicate = DUPLICATE_KEY.matcher(jackson);
        if (duplicate.matches()) {
            return namedTwice(UsageCsvFormat.normalizeName(duplicate.group(1)));
        }
        Matcher token = NON_STANDARD_TOKEN.matcher(jackson);
        if (token.lookingAt()) {
            return "the line is not valid JSON: " + token.group(1) + " is not a JSON value";
        }
        if (jackson.startsWith("Trailing token")) {
            return "the line is not valid JSON: more than one JSON value on the line";
        }
        if (jackson.startsWith("Number value length")) {
            return String.format(
                    "the line is not valid JSON: a number longer than the JSON reader takes (%,d digits)",
                    StreamReadConstraints.defaults().getMaxNumberLength());
        }
        if (jackson.startsWith("Document nesting depth")) {
            return String.format(
                    "the line nests objects or arrays more than %,d deep, past what the JSON reader takes",
                    StreamReadConstraints.defaults().getMaxNestingDepth());
        }
        return "the line is not valid JSON: " + ShownText.escaped(jackson);
    }

    private static String namedTwice(String key) {
        return "the object names " + key + " twice";
    }

    static RawRecord parse(long lineNo, String line) {
        JsonNode node;
        try {
            node = JSON.readTree(line);
        } catch (JacksonException e) {
            return RawRecord.malformed(lineNo, line, fault(JacksonMessages.withoutSource(e.getOriginalMessage())));
        }
        if (node == null || !node.isObject()) {
            return RawRecord.malformed(lineNo, line, "the line is not a JSON object");
        }
        Map<String, Integer> columns = new HashMap<>();
        String[] values = new String[node.size()];
        Map<String, String> floats = null;
        int index = 0;
        for (Map.Entry<String, JsonNode> property : node.properties()) {
            String name = UsageCsvFormat.normalizeName(property.getKey());
            JsonNode value = property.getValue();
            if (columns.put(name, index) != null) {
                return RawRecord.malformed(lineNo, line, namedTwice(name));
            }
            if (value.isContainer() && IDENTIFIERS.contains(name)) {
                return RawRecord.malformed(
                        lineNo,
                        line,
                        name + " is a JSON " + (value.isObject() ? "object" : "array") + ", not a single value");
            }
            if (value.isFloatingPointNumber() && !IDENTIFIERS.contains(name)) {
                floats = floats == null ? floatsAsWritten(line) : floats;
                values[index++] = floats.getOrDefault(property.getKey(), textOf(value));
            } else {
                values[index++] = textOf(value);
            }
        }
        return new RawRecord(lineNo, line, columns, values, null);
    }

    /**
     * The text of each top-level number with a fraction or exponent, by its key as written. A decimal's own text
     * loses how it was written ({@code 1e0} and {@code 1.5e1} read as {@code 1} and {@code 15}, whole numbers), so a
     * count written so passed where the usage CSV's rule (ASCII digits) refuses it, as it refused {@code 1e3}. Read
     * only for a line that has such a number, which {@link #parse} has already read as valid JSON.
     */
    private static Map<String, String> floatsAsWritten(String line) {
        Map<String, String> texts = new HashMap<>();
        try (JsonParser parser = JSON.createParser(line)) {
            parser.nextToken();
            while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
                String key = parser.currentName();
                if (parser.nextToken() == JsonToken.VALUE_NUMBER_FLOAT) {
                    texts.put(key, parser.getString());
                } else {
                    parser.skipChildren();
                }
            }
        }
        return texts;
    }

    private static String textOf(JsonNode value) {
        if (value.isNull()) {
            return null;
        }
        if (value.isIntegralNumber()) {
            return value.bigIntegerValue().toString();
        }
        if (value.isValueNode()) {
            return value.asString();
        }
        return value.toString();
    }
}
