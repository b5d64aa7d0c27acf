package io.tokentally.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import io.tokentally.shared.ContextTier;
import io.tokentally.shared.ServiceTier;
import io.tokentally.shared.UnitCounts;
import java.io.IOException;
import java.io.StringReader;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class UsageRowParserTests {

    static final long FILE_ID = 42;
    static final long LINE_NO = 7;
    static final String RAW = "the raw text";

    /** A valid row with every column; each case changes one or more fields ({@code null} drops the column). */
    static Map<String, String> validFields() {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("request_id", "req-1");
        fields.put("timestamp", "2025-03-01T10:00:00Z");
        fields.put("customer_id", "acme");
        fields.put("provider", "openai");
        fields.put("model", "gpt-4o");
        fields.put("input_tokens", "1000");
        fields.put("cached_input_tokens", "100");
        fields.put("cache_write_tokens", "200");
        fields.put("cache_write_1h_tokens", "300");
        fields.put("output_tokens", "500");
        fields.put("reasoning_tokens", "50");
        fields.put("service_tier", "standard");
        fields.put("status", "ok");
        return fields;
    }

    static Stream<Arguments> rejectedRows() {
        List<Arguments> cases = new ArrayList<>();
        for (String column : UsageColumns.REQUIRED) {
            cases.add(arguments(column + " empty", with(column, ""), RejectCode.MISSING_FIELD));
            cases.add(arguments(column + " blank", with(column, "   "), RejectCode.MISSING_FIELD));
            cases.add(arguments(column + " absent", with(column, null), RejectCode.MISSING_FIELD));
        }
        Stream.of(
                        "yesterday",
                        "2025-13-01T10:00:00Z",
                        "2025-02-30T10:00:00Z",
                        "2025-02-29T10:00:00Z",
                        "2025-03-01T10:60:00Z",
                        "2025-3-01T10:00:00Z",
                        "2025-03-01T24:00:00Z",
                        "2025-03-01",
                        "2025-03-01Z",
                        "1740823200",
                        "2025-03-01T10:00:00+25:00",
                        "2025-03-01T10:00:00 Z",
                        "2025-03-01T10:00:00+02:00junk",
                        "2025-03-01T10:00:00+01:00:30",
                        "2025-03-01T10:00:00+01:00:00",
                        "01/03/2025 10:00:00 +0000",
                        "2025-03-01T10:00:00.Z",
                        "2025-03-01T10:00:00.+02:00",
                        "2025-03-01T10:00:00.",
                        "2025-02-30T10:00:00",
                        "2025-03-01T10:00:00ZZ",
                        "2025-03-01T10:00:00Zz",
                        "2025-03-01T10:00:00ZZZ",
                        "2025-03-01T10:00ZZ",
                        "2025-03-01T10:00:00.5ZZ",
                        "2025-03-01 10:00:00ZZ",
                        "2025-03-01T10:00:00+00:00Z",
                        "2025-03-01T10:00:00-00:00Z",
                        "2025-03-01T10:00:00+0000Z",
                        "2025-03-01T10:00:00+00:00z",
                        "2025-03-01T10:00:00+00Z",
                        "2025-03-01T10:00:00+02:00+02:00",
                        "2025-03-01T10:00:00+0200+02",
                        // past the year 9999 in UTC (PostgreSQL's timestamps end in 294276: the run failed there)
                        "+318857-05-20T17:46:40Z",
                        "+10000-01-01T00:00:00Z",
                        "9999-12-31T23:00:00-01:00",
                        "-0001-12-31T23:00:00Z")
                .forEach(text -> cases.add(
                        arguments("timestamp " + text, with("timestamp", text), RejectCode.INVALID_TIMESTAMP)));
        Stream.of("2025-03-01T10:00:00", "2025-03-01 10:00:00", "2025-03-01T10:00:00.123", "2025-03-01T10:00")
                .forEach(text -> cases.add(
                        arguments("timestamp " + text, with("timestamp", text), RejectCode.TIMESTAMP_WITHOUT_OFFSET)));
        for (String column : List.of(
                "input_tokens",
                "cached_input_tokens",
                "cache_write_tokens",
                "cache_write_1h_tokens",
                "output_tokens",
                "reasoning_tokens")) {
            for (String text : List.of("12.5", "abc", "1e3", "1,000", "+", "-", "0x10", "1 000", "١٢")) {
                cases.add(arguments(column + " " + text, with(column, text), RejectCode.INVALID_NUMBER));
            }
            cases.add(arguments(column + " -1", with(column, "-1"), RejectCode.NEGATIVE_NUMBER));
            cases.add(arguments(
                    column + " below a long's range",
                    with(column, "-99999999999999999999"),
                    RejectCode.NEGATIVE_NUMBER));
            cases.add(arguments(column + " 10^15 + 1", with(column, "1000000000000001"), RejectCode.NUMBER_TOO_LARGE));
            cases.add(arguments(
                    column + " 2^63, beyond a long", with(column, "9223372036854775808"), RejectCode.NUMBER_TOO_LARGE));
            cases.add(
                    arguments(column + " 10^20", with(column, "+100000000000000000000"), RejectCode.NUMBER_TOO_LARGE));
        }
        cases.add(arguments(
                "cached alone exceeds input",
                with("cached_input_tokens", "1001"),
                RejectCode.CACHE_TOKENS_EXCEED_INPUT));
        cases.add(arguments(
                "cache writes alone exceed input",
                with("cache_write_tokens", "1001"),
                RejectCode.CACHE_TOKENS_EXCEED_INPUT));
        cases.add(arguments(
                "1h cache writes alone exceed input",
                with("cache_write_1h_tokens", "1001"),
                RejectCode.CACHE_TOKENS_EXCEED_INPUT));
        cases.add(arguments(
                "each fits but the sum exceeds input by one",
                with("cached_input_tokens", "400", "cache_write_tokens", "300", "cache_write_1h_tokens", "301"),
                RejectCode.CACHE_TOKENS_EXCEED_INPUT));
        cases.add(arguments(
                "cached tokens without input tokens",
                with(
                        "input_tokens",
                        "0",
                        "cached_input_tokens",
                        "1",
                        "cache_write_tokens",
                        null,
                        "cache_write_1h_tokens",
                        null),
                RejectCode.CACHE_TOKENS_EXCEED_INPUT));
        cases.add(arguments(
                "a count that could overflow a sum",
                with(
                        "cached_input_tokens",
                        String.valueOf(Long.MAX_VALUE),
                        "cache_write_tokens",
                        "1",
                        "cache_write_1h_tokens",
                        null),
                RejectCode.NUMBER_TOO_LARGE));
        cases.add(arguments(
                "counts whose sum would wrap round to zero",
                with(
                        "input_tokens",
                        "0",
                        "cached_input_tokens",
                        String.valueOf(Long.MAX_VALUE),
                        "cache_write_tokens",
                        String.valueOf(Long.MAX_VALUE),
                        "cache_write_1h_tokens",
                        "2"),
                RejectCode.NUMBER_TOO_LARGE));
        cases.add(arguments(
                "reasoning exceeds output", with("reasoning_tokens", "501"), RejectCode.REASONING_EXCEEDS_OUTPUT));
        cases.add(arguments(
                "reasoning without output",
                with("output_tokens", "0", "reasoning_tokens", "1"),
                RejectCode.REASONING_EXCEEDS_OUTPUT));
        // a value keeps every character but the spaces and tabs around it: a control character after batch too
        for (String tier : List.of("premium", "auto", "scale", "standard-1", "1", "batch\u000B", "\u0001priority")) {
            cases.add(arguments("service_tier " + tier, with("service_tier", tier), RejectCode.INVALID_SERVICE_TIER));
        }
        // a long s (U+017F) upper-cases to S but is no s: neither tier is spelt with it
        cases.add(arguments(
                "service_tier \u017Ftandard", with("service_tier", "\u017Ftandard"), RejectCode.INVALID_SERVICE_TIER));
        cases.add(arguments(
                "context_tier \u017Ftandard", with("context_tier", "\u017Ftandard"), RejectCode.INVALID_CONTEXT_TIER));
        for (String status : List.of("failed", "200", "okay", "true", "errors")) {
            cases.add(arguments("status " + status, with("status", status), RejectCode.INVALID_STATUS));
        }
        cases.add(arguments(
                "request_id of 501 characters", with("request_id", "r".repeat(501)), RejectCode.FIELD_TOO_LONG));
        cases.add(arguments(
                "customer_id of 201 characters", with("customer_id", "c".repeat(201)), RejectCode.FIELD_TOO_LONG));
        cases.add(
                arguments("provider of 201 characters", with("provider", "p".repeat(201)), RejectCode.FIELD_TOO_LONG));
        cases.add(arguments("model of 201 characters", with("model", "m".repeat(201)), RejectCode.FIELD_TOO_LONG));
        for (String column : List.of("request_id", "customer_id", "provider", "model")) {
            cases.add(arguments(
                    column + " with bytes that are not UTF-8",
                    with(column, "init\uFFFDch"),
                    RejectCode.INVALID_ENCODING));
            cases.add(arguments(column + " with a NUL", with(column, "init\u0000ch"), RejectCode.INVALID_ENCODING));
        }
        // control characters in an id shown and keyed by: a line break (a quoted CSV field across two lines), a tab,
        // DEL and a C1 control
        for (String column : List.of("customer_id", "provider", "model")) {
            for (String control : List.of("\n", "\t", "\u007F", "\u0085")) {
                cases.add(arguments(
                        column + " with U+" + String.format("%04X", (int) control.charAt(0)),
                        with(column, "gpt-4o" + control + "x"),
                        RejectCode.INVALID_ENCODING));
            }
        }
        cases.add(arguments("input_tokens with a NUL", with("input_tokens", "12\u0000"), RejectCode.INVALID_NUMBER));
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} -> {2}")
    @MethodSource("rejectedRows")
    void rejectsRowThatBreaksARule(String scenario, Map<String, String> fields, RejectCode expected) {
        // given
        RawRecord record = record(fields);

        // when
        UsageRowParser.Result result = UsageRowParser.parse(FILE_ID, record);

        // then
        assertThat(result.row()).isNull();
        assertThat(result.reject()).isNotNull();
        assertThat(result.reject().code()).isEqualTo(expected);
        assertThat(result.reject().fileId()).isEqualTo(FILE_ID);
        assertThat(result.reject().lineNo()).isEqualTo(LINE_NO);
        assertThat(result.reject().raw()).isEqualTo(RAW);
        assertThat(result.reject().message()).isNotBlank();
    }

    @Test
    void aRequestIdWithAControlCharacterIsKeptAsAnAggregatedExportBuildsItFromItsUsersText() {
        // when
        UsageRowParser.Result result = UsageRowParser.parse(FILE_ID, record(with("request_id", "day|tag\tx|gpt-4o")));

        // then
        assertThat(result.reject()).isNull();
        assertThat(result.row().requestId()).isEqualTo("day|tag\tx|gpt-4o");
    }

    @Test
    void anIdWithALineBreakIsRejectedNamingTheCharacterShownEscaped() {
        // when
        UsageRowParser.Result result = UsageRowParser.parse(FILE_ID, record(with("model", "gpt-4o\nx")));

        // then
        assertThat(result.reject().message())
                .isEqualTo("model holds the control character U+000A at character 7, which no id is written with:"
                        + " 'gpt-4o\\u000Ax'");
    }

    @Test
    void rejectsMalformedRecordWithItsReason() {
        // given
        RawRecord record = RawRecord.malformed(LINE_NO, "\"r1\"x,2025", "the row is not valid CSV: bad quote");

        // when
        UsageRowParser.Result result = UsageRowParser.parse(FILE_ID, record);

        // then
        assertThat(result.row()).isNull();
        assertThat(result.reject())
                .isEqualTo(new Reject(
                        FILE_ID,
                        LINE_NO,
                        RejectCode.MALFORMED_ROW,
                        "the row is not valid CSV: bad quote",
                        "\"r1\"x,2025"));
    }

    @Test
    void rejectsMalformedRecordFromTheCsvReaderWithItsLineNumber() throws IOException {
        // given
        RawRecord record = csvRecord("\"r1\"x,2025-03-01T10:00:00Z,acme,openai,gpt-4o,100,20");

        // when
        UsageRowParser.Result result = UsageRowParser.parse(FILE_ID, record);

        // then
        assertThat(result.reject().code()).isEqualTo(RejectCode.MALFORMED_ROW);
        assertThat(result.reject().lineNo()).isEqualTo(2);
        assertThat(result.reject().raw()).isEqualTo("\"r1\"x,2025-03-01T10:00:00Z,acme,openai,gpt-4o,100,20");
        assertThat(result.reject().message()).startsWith("the row is not valid CSV: ");
    }

    @Test
    void reportsTheFirstMissingRequiredFieldByName() {
        // given
        RawRecord record = record(with("customer_id", "", "model", ""));

        // when
        UsageRowParser.Result result = UsageRowParser.parse(FILE_ID, record);

        // then
        assertThat(result.reject().code()).isEqualTo(RejectCode.MISSING_FIELD);
        assertThat(result.reject().message()).isEqualTo("required field customer_id is empty");
    }

    @Test
    void saysARequiredFieldAJsonObjectLacksIsMissingAndOneItHoldsAsNullIsEmpty() {
        // given
        RawRecord withoutKey = UsageJsonLinesFormat.parse(2, """
                {"request_id":"r1","timestamp":"2026-11-01T10:00:00Z","provider":"openai","model":"gpt-4o",\
                "input_tokens":1,"output_tokens":1}""");
        RawRecord withNull = UsageJsonLinesFormat.parse(3, """
                {"request_id":"r1","timestamp":"2026-11-01T10:00:00Z","customer_id":null,"provider":"openai",\
                "model":"gpt-4o","input_tokens":1,"output_tokens":1}""");

        // when, then
        assertThat(UsageRowParser.parse(FILE_ID, withoutKey).reject().message())
                .isEqualTo("required field customer_id is missing");
        assertThat(UsageRowParser.parse(FILE_ID, withNull).reject().message())
                .isEqualTo("required field customer_id is empty");
    }

    @Test
    void rejectsRowWhoseCachedTokensExceedInput() {
        // given each subset fits on its own, but together they are 1001 of 1000
        RawRecord record =
                record(with("cached_input_tokens", "400", "cache_write_tokens", "300", "cache_write_1h_tokens", "301"));

        // when
        UsageRowParser.Result result = UsageRowParser.parse(FILE_ID, record);

        // then
        assertThat(result.reject().code()).isEqualTo(RejectCode.CACHE_TOKENS_EXCEED_INPUT);
        assertThat(result.reject().message())
                .isEqualTo("cached_input_tokens + cache_write_tokens + cache_write_1h_tokens = 1001"
                        + " exceeds input_tokens = 1000");
    }

    @Test
    void rejectsACountAboveTheLimitInsteadOfLettingSumsWrapRound() {
        // given
        RawRecord record = record(with(
                "input_tokens",
                "10",
                "cached_input_tokens",
                String.valueOf(Long.MAX_VALUE),
                "cache_write_tokens",
                "1",
                "cache_write_1h_tokens",
                null));

        // when
        UsageRowParser.Result result = UsageRowParser.parse(FILE_ID, record);

        // then
        assertThat(result.row()).isNull();
        assertThat(result.reject().code()).isEqualTo(RejectCode.NUMBER_TOO_LARGE);
        assertThat(result.reject().message())
                .isEqualTo("cached_input_tokens is 9223372036854775807, more than 1000000000000000");
    }

    @Test
    void rejectsRowWhoseReasoningExceedsOutput() {
        // given
        RawRecord record = record(with("reasoning_tokens", "501"));

        // when
        UsageRowParser.Result result = UsageRowParser.parse(FILE_ID, record);

        // then
        assertThat(result.reject().code()).isEqualTo(RejectCode.REASONING_EXCEEDS_OUTPUT);
        assertThat(result.reject().message()).isEqualTo("reasoning_tokens = 501 exceeds output_tokens = 500");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            input_tokens   | 100\\u000B         | input_tokens is not a whole number: '100\\u000B'
            status         | ok\\u00A0          | status 'ok\\u00A0' is not ok or error
            service_tier   | batch\\u200B       | service_tier 'batch\\u200B' is not one of standard, batch, priority, flex
            timestamp      | 2026-11-27\\u0007  | timestamp '2026-11-27\\u0007' is not an ISO-8601 instant
            """)
    void showsAnInvisibleCharacterOfABadValueAsItsCodePoint(String column, String value, String message) {
        // given a value that reads as a valid one but ends in a vertical tab, a no-break space, a zero-width space
        // or a bell (a NUL is read as U+FFFD before any rule: see the rejected rows)
        RawRecord record = record(with(column, unescape(value)));

        // when
        UsageRowParser.Result result = UsageRowParser.parse(FILE_ID, record);

        // then
        assertThat(result.reject().message()).isEqualTo(message);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            2026-11-27T10:00:60Z      | timestamp '2026-11-27T10:00:60Z' is not an ISO-8601 instant (Invalid value for SecondOfMinute (valid values 0 - 59): 60)
            2026-11-27T10:00:00+19:00 | timestamp '2026-11-27T10:00:00+19:00' is not an ISO-8601 instant (Zone offset not in valid range: -18:00 to +18:00)
            2026-02-30T10:00:00Z      | timestamp '2026-02-30T10:00:00Z' is not an ISO-8601 instant (Invalid date 'FEBRUARY 30')
            2026-11-27 at ten         | timestamp '2026-11-27 at ten' is not an ISO-8601 instant
            """)
    void saysWhichPartOfATimestampIsOutOfItsRange(String timestamp, String message) {
        // given
        RawRecord record = record(with("timestamp", timestamp));

        // when
        UsageRowParser.Result result = UsageRowParser.parse(FILE_ID, record);

        // then
        assertThat(result.reject().code()).isEqualTo(RejectCode.INVALID_TIMESTAMP);
        assertThat(result.reject().message()).isEqualTo(message);
    }

    private static String unescape(String value) {
        return java.util.regex.Pattern.compile("\\\\u([0-9A-F]{4})")
                .matcher(value)
                .replaceAll(match -> String.valueOf((char) Integer.parseInt(match.group(1), 16)));
    }

    @Test
    void namesTheColumnAndTextOfAnInvalidNumber() {
        // given
        RawRecord record = record(with("cache_write_tokens", "12.5"));

        // when
        UsageRowParser.Result result = UsageRowParser.parse(FILE_ID, record);

        // then
        assertThat(result.reject().code()).isEqualTo(RejectCode.INVALID_NUMBER);
        assertThat(result.reject().message()).isEqualTo("cache_write_tokens is not a whole number: '12.5'");
    }

    @Test
    void namesTheColumnAndLengthOfAFieldTooLong() {
        // given
        RawRecord record = record(with("model", "m".repeat(201)));

        // when
        UsageRowParser.Result result = UsageRowParser.parse(FILE_ID, record);

        // then
        assertThat(result.reject().code()).isEqualTo(RejectCode.FIELD_TOO_LONG);
        assertThat(result.reject().message()).isEqualTo("model has 201 characters; at most 200 are allowed");
    }

    @Test
    void acceptsAValidRowWithEveryColumn() {
        // given
        RawRecord record = record(validFields());

        // when
        UsageRowParser.Result result = UsageRowParser.parse(FILE_ID, record);

        // then
        assertThat(result.reject()).isNull();
        assertThat(result.row())
                .isEqualTo(new UsageRow(
                        FILE_ID,
                        LINE_NO,
                        RAW,
                        "req-1",
                        Instant.parse("2025-03-01T10:00:00Z"),
                        "acme",
                        "openai",
                        "gpt-4o",
                        1000,
                        100,
                        200,
                        300,
                        500,
                        50,
                        ServiceTier.STANDARD,
                        false));
    }

    @Test
    void acceptsSubsetsThatAddUpExactlyToTheirTotals() {
        // given
        RawRecord record = record(with(
                "cached_input_tokens",
                "400",
                "cache_write_tokens",
                "300",
                "cache_write_1h_tokens",
                "300",
                "reasoning_tokens",
                "500"));

        // when
        UsageRowParser.Result result = UsageRowParser.parse(FILE_ID, record);

        // then
        assertThat(result.reject()).isNull();
        assertThat(result.row().cachedInputTokens()).isEqualTo(400);
        assertThat(result.row().cacheWriteTokens()).isEqualTo(300);
        assertThat(result.row().cacheWrite1hTokens()).isEqualTo(300);
        assertThat(result.row().reasoningTokens()).isEqualTo(500);
    }

    @ParameterizedTest(name = "{0} is {1}")
    @CsvSource({
        "2025-03-01T10:00:00Z,          2025-03-01T10:00:00Z",
        "2025-03-01T12:00:00+02:00,     2025-03-01T10:00:00Z",
        "2025-03-01T01:00:00+02:00,     2025-02-28T23:00:00Z",
        "2025-03-01T05:30:00-04:30,     2025-03-01T10:00:00Z",
        "2025-03-01T15:30:00+05:30,     2025-03-01T10:00:00Z",
        "2025-03-01T12:00:00+0200,      2025-03-01T10:00:00Z",
        "2025-03-01T12:00:00+02,        2025-03-01T10:00:00Z",
        "2025-03-01T02:00:00-08,        2025-03-01T10:00:00Z",
        "2025-03-01T02:00:00.25-0800,   2025-03-01T10:00:00.25Z",
        "2025-03-01T10:00:00z,          2025-03-01T10:00:00Z",
        "2025-03-01T10:00:00+00:00,     2025-03-01T10:00:00Z",
        "2025-03-01 12:00:00+02:00,     2025-03-01T10:00:00Z",
        "2025-03-01 10:00:00Z,          2025-03-01T10:00:00Z",
        "2025-03-01T10:00:00.123456Z,   2025-03-01T10:00:00.123456Z",
        "2025-03-01T10:00Z,             2025-03-01T10:00:00Z",
        "2024-02-29T23:59:59-00:01,     2024-03-01T00:00:59Z",
        "2024-02-29T23:59:59Z,          2024-02-29T23:59:59Z",
        "9999-12-31T23:59:59.999Z,      9999-12-31T23:59:59.999Z",
        "9999-12-31T22:59:59-01:00,     9999-12-31T23:59:59Z",
        "0000-01-01T00:00:00Z,          0000-01-01T00:00:00Z"
    })
    void convertsTimestampWithOffsetToTheUtcInstant(String text, String expected) {
        // given
        RawRecord record = record(with("timestamp", text));

        // when
        UsageRowParser.Result result = UsageRowParser.parse(FILE_ID, record);

        // then
        assertThat(result.reject()).isNull();
        assertThat(result.row().timestamp()).isEqualTo(Instant.parse(expected));
    }

    @ParameterizedTest(name = "{0} is {1}")
    @CsvSource({
        "standard, STANDARD",
        "default,  STANDARD",
        "DEFAULT,  STANDARD",
        "batch,    BATCH",
        "Priority, PRIORITY",
        "flex,     FLEX",
        "'',       STANDARD",
        "'  ',     STANDARD"
    })
    void readsServiceTier(String text, ServiceTier expected) {
        // given
        RawRecord record = record(with("service_tier", text));

        // when
        UsageRowParser.Result result = UsageRowParser.parse(FILE_ID, record);

        // then
        assertThat(result.reject()).isNull();
        assertThat(result.row().serviceTier()).isEqualTo(expected);
    }

    @ParameterizedTest(name = "context_tier {0} is {1}")
    @CsvSource(
            nullValues = "null",
            value = {"standard, STANDARD", "LONG, LONG", "' long ', LONG", "'', null"})
    void readsTheStatedContextTier(String text, ContextTier expected) {
        // given
        RawRecord record = record(with("context_tier", text));

        // when
        UsageRowParser.Result result = UsageRowParser.parse(FILE_ID, record);

        // then
        assertThat(result.reject()).isNull();
        assertThat(result.row().contextTier()).isEqualTo(expected);
    }

    @Test
    void rejectsAnUnknownContextTier() {
        // given
        RawRecord record = record(with("context_tier", "200k-1M"));

        // when
        UsageRowParser.Result result = UsageRowParser.parse(FILE_ID, record);

        // then
        assertThat(result.reject().code()).isEqualTo(RejectCode.INVALID_CONTEXT_TIER);
        assertThat(result.reject().message()).contains("200k-1M");
    }

    @ParameterizedTest(name = "{0} is error={1}")
    @CsvSource({"ok, false", "OK, false", "'', false", "error, true", "ERROR, true", "' Error ', true"})
    void readsStatus(String text, boolean expected) {
        // given
        RawRecord record = record(with("status", text));

        // when
        UsageRowParser.Result result = UsageRowParser.parse(FILE_ID, record);

        // then
        assertThat(result.reject()).isNull();
        assertThat(result.row().error()).isEqualTo(expected);
    }

    @Test
    void readsEmptyOptionalColumnsAsZeroAndDefaults() throws IOException {
        // given
        RawRecord record = csvRecord(
                "request_id,timestamp,customer_id,provider,model,input_tokens,cached_input_tokens,cache_write_tokens,"
                        + "cache_write_1h_tokens,output_tokens,reasoning_tokens,service_tier,status",
                "r1,2025-03-01T10:00:00Z,acme,openai,gpt-4o,100,,,,20,,,");

        // when
        UsageRowParser.Result result = UsageRowParser.parse(FILE_ID, record);

        // then
        assertThat(result.reject()).isNull();
        assertThat(result.row())
                .isEqualTo(new UsageRow(
                        FILE_ID,
                        2,
                        "r1,2025-03-01T10:00:00Z,acme,openai,gpt-4o,100,,,,20,,,",
                        "r1",
                        Instant.parse("2025-03-01T10:00:00Z"),
                        "acme",
                        "openai",
                        "gpt-4o",
                        100,
                        0,
                        0,
                        0,
                        20,
                        0,
                        ServiceTier.STANDARD,
                        false));
    }

    @Test
    void readsTheNonTokenUnitColumns() {
        // given a request that made 3 web searches, generated 2 images and billed 45 audio seconds
        Map<String, String> fields = validFields();
        fields.put("web_search_requests", "3");
        fields.put("images", "2");
        fields.put("audio_seconds", "45");

        // when
        UsageRowParser.Result result = UsageRowParser.parse(FILE_ID, record(fields));

        // then
        assertThat(result.reject()).isNull();
        assertThat(result.row().units()).isEqualTo(new UnitCounts(3, 2, 45));
    }

    @Test
    void rejectsANegativeUnitCountNamingItsColumn() {
        // given
        RawRecord record = record(with("images", "-1"));

        // when
        UsageRowParser.Result result = UsageRowParser.parse(FILE_ID, record);

        // then
        assertThat(result.reject().code()).isEqualTo(RejectCode.NEGATIVE_NUMBER);
        assertThat(result.reject().message()).contains("images");
    }

    @Test
    void readsAbsentOptionalColumnsAsZeroAndDefaults() {
        // given only the required columns
        Map<String, String> fields = new LinkedHashMap<>();
        UsageColumns.REQUIRED.forEach(column -> fields.put(column, validFields().get(column)));
        RawRecord record = record(fields);

        // when
        UsageRowParser.Result result = UsageRowParser.parse(FILE_ID, record);

        // then
        assertThat(result.reject()).isNull();
        assertThat(result.row().cachedInputTokens()).isZero();
        assertThat(result.row().cacheWriteTokens()).isZero();
        assertThat(result.row().cacheWrite1hTokens()).isZero();
        assertThat(result.row().reasoningTokens()).isZero();
        assertThat(result.row().units()).isEqualTo(UnitCounts.NONE);
        assertThat(result.row().serviceTier()).isEqualTo(ServiceTier.STANDARD);
        assertThat(result.row().error()).isFalse();
    }

    @Test
    void trimsFieldsLowerCasesTheProviderAndKeepsTheModelAsWritten() {
        // given
        RawRecord record = record(with(
                "request_id",
                " req-1 ",
                "provider",
                " OpenAI ",
                "model",
                " GPT-4o-2024-08-06 ",
                "input_tokens",
                " 1000 "));

        // when
        UsageRowParser.Result result = UsageRowParser.parse(FILE_ID, record);

        // then
        assertThat(result.reject()).isNull();
        assertThat(result.row().requestId()).isEqualTo("req-1");
        assertThat(result.row().provider()).isEqualTo("openai");
        assertThat(result.row().model()).isEqualTo("GPT-4o-2024-08-06");
        assertThat(result.row().inputTokens()).isEqualTo(1000);
    }

    @Test
    void trimsOnlySpacesAndTabsSoIdsThatDifferInOtherCharactersStayApart() {
        // given: a zero-width space and a no-break space at the ends (a control character is refused instead)
        RawRecord record = record(with("request_id", "\t req-1\u200b ", "customer_id", " acme\u00a0"));

        // when
        UsageRowParser.Result result = UsageRowParser.parse(FILE_ID, record);

        // then
        assertThat(result.row().requestId()).isEqualTo("req-1\u200b");
        assertThat(result.row().customerId()).isEqualTo("acme\u00a0");
    }

    @ParameterizedTest(name = "{0} is {1}")
    @CsvSource({"0, 0", "+5, 5", "-0, 0", "007, 7", "1000000000000000, 1000000000000000"})
    void readsWholeNumbers(String text, long expected) {
        // given
        RawRecord record = record(with(
                "input_tokens",
                text,
                "cached_input_tokens",
                null,
                "cache_write_tokens",
                null,
                "cache_write_1h_tokens",
                null));

        // when
        UsageRowParser.Result result = UsageRowParser.parse(FILE_ID, record);

        // then
        assertThat(result.reject()).isNull();
        assertThat(result.row().inputTokens()).isEqualTo(expected);
    }

    @Test
    void acceptsFieldsAtTheirLengthLimits() {
        // given
        RawRecord record = record(with(
                "request_id",
                "r".repeat(500),
                "customer_id",
                "c".repeat(200),
                "provider",
                "p".repeat(200),
                "model",
                "m".repeat(200)));

        // when
        UsageRowParser.Result result = UsageRowParser.parse(FILE_ID, record);

        // then
        assertThat(result.reject()).isNull();
        assertThat(result.row().requestId()).hasSize(500);
        assertThat(result.row().customerId()).hasSize(200);
        assertThat(result.row().provider()).hasSize(200);
        assertThat(result.row().model()).hasSize(200);
    }

    /** The valid row with pairs of (column, value) changed; a {@code null} value drops the column. */
    static Map<String, String> with(String... columnsAndValues) {
        Map<String, String> fields = validFields();
        for (int i = 0; i < columnsAndValues.length; i += 2) {
            if (columnsAndValues[i + 1] == null) {
                fields.remove(columnsAndValues[i]);
            } else {
                fields.put(columnsAndValues[i], columnsAndValues[i + 1]);
            }
        }
        return fields;
    }

    static RawRecord record(Map<String, String> fields) {
        Map<String, Integer> columns = new HashMap<>();
        String[] values = new String[fields.size()];
        int index = 0;
        for (Map.Entry<String, String> field : fields.entrySet()) {
            columns.put(field.getKey(), index);
            values[index++] = field.getValue();
        }
        return new RawRecord(LINE_NO, RAW, columns, values, null);
    }

    /** The first record of a usage CSV with the given data line under the standard header. */
    static RawRecord csvRecord(String line) throws IOException {
        return csvRecord(UsageCsvFormatTests.HEADER, line);
    }

    static RawRecord csvRecord(String header, String line) throws IOException {
        try (RecordCursor cursor = new UsageCsvFormat().open(new StringReader(header + "\n" + line + "\n"))) {
            return cursor.next();
        }
    }
}
