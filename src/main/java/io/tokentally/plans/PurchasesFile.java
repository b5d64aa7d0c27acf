package io.tokentally.plans;

import io.tokentally.ingest.CsvRow;
import io.tokentally.ingest.CsvTable;
import io.tokentally.ingest.InputFiles;
import io.tokentally.shared.Amounts;
import io.tokentally.shared.FieldLength;
import io.tokentally.shared.JacksonMessages;
import io.tokentally.shared.OffsetTimes;
import io.tokentally.shared.PlainNumbers;
import io.tokentally.shared.SqlTime;
import io.tokentally.shared.StorableText;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads a purchases feed: CSV with a header, a JSON array of objects, or JSON Lines. Columns (keys):
 * {@code purchase_id, customer_id, amount, currency, time} required for a purchase; {@code event}
 * (purchase, refund, cancellation), {@code category} (paid, promotional) and {@code expires_at}
 * optional. A bad row is reported with its line and skipped; the other rows still count.
 */
public final class PurchasesFile {

    /** The longest purchase id tokentally keeps. */
    private static final int MAX_PURCHASE_ID = 200;

    /** A key given twice in an object is refused, not read as its last value. */
    private static final JsonMapper JSON = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    private static final List<String> REQUIRED = List.of("purchase_id");
    private static final List<String> OPTIONAL =
            List.of("event", "customer_id", "amount", "currency", "time", "expires_at", "category");

    /** The rows read, each with where it was read, and the rows refused, each problem naming the file and line. */
    public record Result(List<Read> reads, List<String> problems) {

        /** The purchases read, in the feed's order. */
        public List<Purchase> purchases() {
            return reads.stream().map(Read::purchase).toList();
        }
    }

    /**
     * A purchase and where the feed gave it: {@code purchases.csv line 3}, or in a JSON array {@code purchases.json
     * object 2}.
     */
    public record Read(Purchase purchase, String where) {}

    /** One row of a feed: where it is, its line (or object) number, and its fields or why it is a bad row. */
    private record Row(String where, long number, Map<String, String> fields, String problem) {}

    private PurchasesFile() {}

    /**
     * A feed refused as a whole (a header naming an unknown column or one twice, text that is not valid CSV or
     * JSON), which fails the run. It carries no stack trace: its message names the file, line and reason, and the
     * step's failure is logged with the exception, where a trace of where the feed was read buried the message
     * among some seventy lines.
     */
    public static final class Refused extends IllegalArgumentException {

        Refused(String message) {
            super(message);
        }

        @Override
        public synchronized Throwable fillInStackTrace() {
            return this;
        }
    }

    /** Whether a file in an input folder is a purchases feed: its name starts with "purchases". */
    public static boolean isFeed(Path file) {
        return InputFiles.isPurchasesFeed(file.getFileName().toString());
    }

    public static Result read(Path file) throws IOException {
        return read(file, file.getFileName().toString());
    }

    /**
     * Reads a feed staged in {@code file}, naming it {@code shown} (its path, or the object it came from) in problems.
     *
     * @throws Refused when the feed as a whole cannot be read
     */
    public static Result read(Path file, String shown) throws IOException {
        String text = withoutByteOrderMark(Files.readString(file, StandardCharsets.UTF_8));
        List<Row> rows = new ArrayList<>();
        try {
            String start = text.stripLeading();
            if (start.startsWith("[")) {
                JsonNode array = tree(shown, text, true);
                for (int i = 0; i < array.size(); i++) {
                    rows.add(row(shown + " object " + (i + 1), i + 1L, array.get(i)));
                }
            } else if (start.startsWith("{")) {
                // numbered as the file's lines, blank ones too
                List<String> lines = text.lines().toList();
                for (int i = 0; i < lines.size(); i++) {
                    if (!lines.get(i).isBlank()) {
                        String where = shown + " line " + (i + 1);
                        rows.add(row(where, i + 1L, tree(where, lines.get(i), false)));
                    }
                }
            } else {
                CsvTable.FeedRows feed = CsvTable.readKnownColumns(file, shown, REQUIRED, OPTIONAL);
                for (CsvRow row : feed.rows()) {
                    rows.add(new Row(shown + " line " + row.lineNo(), row.lineNo(), row.values(), null));
                }
                feed.badRows().forEach((line, problem) -> rows.add(new Row(shown, line, null, problem)));
                rows.sort(Comparator.comparingLong(Row::number));
            }
        } catch (IllegalArgumentException e) {
            throw new Refused(e.getMessage());
        }
        Result result = new Result(new ArrayList<>(), new ArrayList<>());
        for (Row row : rows) {
            if (row.problem() != null) {
                result.problems().add(row.problem());
                continue;
            }
            try {
                result.reads().add(new Read(purchase(row.fields()), row.where()));
            } catch (IllegalArgumentException e) {
                result.problems().add(row.where() + ": " + e.getMessage());
            }
        }
        return result;
    }

    private static String withoutByteOrderMark(String text) {
        return text.startsWith("\uFEFF") ? text.substring(1) : text;
    }

    /**
     * The JSON of {@code where}; {@code placed}: a whole file, whose refusal names the line and column the reader
     * stopped at (a line of JSON Lines is named by {@code where} already).
     */
    private static JsonNode tree(String where, String json, boolean placed) {
        try {
            return JSON.readTree(json);
        } catch (JacksonException e) {
            TokenStreamLocation at = e.getLocation();
            String place = placed && at != null && at.getLineNr() > 0
                    ? " line " + at.getLineNr() + ", column " + at.getColumnNr()
                    : "";
            throw new IllegalArgumentException(
                    where + place + ": not valid JSON: " + JacksonMessages.withoutSource(e.getOriginalMessage()));
        }
    }

    /**
     * One element of a feed as a row. One that is not an object, or whose value is an object or an array, is a bad row
     * (named as a CSV row is: the file and line); a key given twice (in any case) refuses the feed, as a CSV header
     * naming a column twice does.
     */
    private static Row row(String where, long number, JsonNode node) {
        if (!node.isObject()) {
            return new Row(where, number, null, where + ": not a JSON object");
        }
        Map<String, String> fields = new LinkedHashMap<>();
        Map<String, String> keys = new LinkedHashMap<>();
        String container = null;
        for (Map.Entry<String, JsonNode> property : node.properties()) {
            String key = property.getKey().toLowerCase(Locale.ROOT);
            String earlier = keys.putIfAbsent(key, property.getKey());
            if (earlier != null) {
                throw new IllegalArgumentException(
                        where + ": not valid JSON: key " + property.getKey() + " repeats key " + earlier);
            }
            JsonNode value = property.getValue();
            if (value.isContainer() && container == null) {
                container = "key " + property.getKey() + " holds " + (value.isArray() ? "an array" : "an object")
                        + ", not a text, number or null";
            }
            // a null value is no value, but its key is still one the row gives: an unknown one is refused too
            fields.put(key, value.isValueNode() && !value.isNull() ? value.asString() : null);
        }
        return container == null
                ? new Row(where, number, fields, null)
                : new Row(where, number, null, where + ": " + container);
    }

    private static Purchase purchase(Map<String, String> row) {
        row.forEach((key, value) -> Stream.of(key, value)
                .map(StorableText::whyRefused)
                .filter(Objects::nonNull)
                .findFirst()
                .ifPresent(refused -> {
                    // not quoted: the message is stored as a finding
                    throw new IllegalArgumentException("a key or value " + refused);
                }));
        for (String key : row.keySet()) {
            if (!REQUIRED.contains(key) && !OPTIONAL.contains(key)) {
                throw new IllegalArgumentException(
                        "unknown key " + key + "; the keys are purchase_id, " + String.join(", ", OPTIONAL));
            }
        }
        String id = FieldLength.atMost("purchase_id", required(row, "purchase_id"), MAX_PURCHASE_ID);
        Purchase.Event event = Purchase.Event.parse(optional(row, "event"));
        String customer = FieldLength.atMost("customer_id", required(row, "customer_id"), FieldLength.CUSTOMER_ID);
        Instant at = instant("time", required(row, "time"));
        if (event != Purchase.Event.PURCHASE) {
            return new Purchase(id, event, customer, null, null, at, null);
        }
        String currency = required(row, "currency").toUpperCase(Locale.ROOT);
        if (!currency.equals("USD")) {
            throw new IllegalArgumentException("currency '" + currency + "': only USD is supported");
        }
        BigDecimal amount = amount(required(row, "amount"));
        String categoryText = optional(row, "category");
        CreditGrant.Category category = categoryText.isEmpty() ? CreditGrant.Category.PAID : category(categoryText);
        String expires = optional(row, "expires_at");
        Instant expiresAt = expires.isEmpty() ? null : instant("expires_at", expires);
        if (expiresAt != null && !expiresAt.isAfter(at)) {
            throw new IllegalArgumentException("expires_at " + expiresAt + " is not after the purchase time " + at);
        }
        return new Purchase(id, event, customer, category, amount, at, expiresAt);
    }

    private static CreditGrant.Category category(String text) {
        for (CreditGrant.Category category : CreditGrant.Category.values()) {
            if (category.code().equalsIgnoreCase(text)) {
                return category;
            }
        }
        throw new IllegalArgumentException("category '" + text + "' is not paid or promotional");
    }

    private static String optional(Map<String, String> row, String column) {
        String value = row.get(column);
        return value == null ? "" : value.strip();
    }

    private static String required(Map<String, String> row, String column) {
        String value = row.get(column);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(column + " is required");
        }
        return value.strip();
    }

    private static BigDecimal amount(String text) {
        try {
            BigDecimal amount = PlainNumbers.decimal(text);
            if (amount.signum() <= 0 || amount.stripTrailingZeros().scale() > 2) {
                throw new IllegalArgumentException("amount " + text + " is not a positive amount in whole cents");
            }
            if (amount.compareTo(Amounts.MAX_CONFIGURED_USD) >= 0) {
                throw new IllegalArgumentException(
                        "amount " + text + " is not less than " + Amounts.MAX_CONFIGURED_USD.toPlainString());
            }
            return amount;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("amount '" + text + "' is not a number");
        }
    }

    private static Instant instant(String column, String text) {
        Instant instant;
        try {
            instant = OffsetDateTime.parse(text.replace(' ', 'T')).toInstant();
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(
                    column + " '" + text + "' " + OffsetTimes.whyNotRead(text.replace(' ', 'T')));
        }
        if (!SqlTime.isKept(instant)) {
            throw new IllegalArgumentException(column + " " + text + " " + SqlTime.NOT_KEPT);
        }
        // cut to the microsecond the database keeps: stored rounded, the row read again from the same feed would
        // contradict it and be refused on every later run (a prices file refuses such an instant instead: the operator
        // writes it, where a feed is another system's)
        return instant.truncatedTo(ChronoUnit.MICROS);
    }
}
