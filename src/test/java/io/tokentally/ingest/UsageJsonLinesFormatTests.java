package io.tokentally.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.tokentally.shared.ServiceTier;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class UsageJsonLinesFormatTests {

    static final String VALID =
            "{\"request_id\":\"r1\",\"timestamp\":\"2025-03-01T10:00:00Z\",\"customer_id\":\"acme\","
                    + "\"provider\":\"openai\",\"model\":\"gpt-4o\",\"input_tokens\":100,\"output_tokens\":20}";

    final UsageJsonLinesFormat format = new UsageJsonLinesFormat();

    @Test
    void readsNumbersAndStringsAsText() {
        // given
        String line = "{\"request_id\":\"r1\",\"timestamp\":\"2025-03-01T10:00:00Z\",\"input_tokens\":100,"
                + "\"cached_input_tokens\":\"40\",\"output_tokens\":99999999999999999999,\"Model\":\" gpt-4o \"}";

        // when
        RawRecord record = UsageJsonLinesFormat.parse(3, line);

        // then
        assertThat(record.isMalformed()).isFalse();
        assertThat(record.lineNo()).isEqualTo(3);
        assertThat(record.raw()).isEqualTo(line);
        assertThat(record.field("request_id")).isEqualTo("r1");
        assertThat(record.field("timestamp")).isEqualTo("2025-03-01T10:00:00Z");
        assertThat(record.field("input_tokens")).isEqualTo("100");
        assertThat(record.field("cached_input_tokens")).isEqualTo("40");
        // integers of any size stay exact, so that the parser can reject those too big for a long
        assertThat(record.field("output_tokens")).isEqualTo("99999999999999999999");
        // keys are matched case-insensitively, values trimmed
        assertThat(record.field("model")).isEqualTo("gpt-4o");
    }

    @Test
    void readsNullAndMissingKeysAsAbsent() {
        // given
        String line = "{\"request_id\":\"r1\",\"service_tier\":null,\"status\":\"\"}";

        // when
        RawRecord record = UsageJsonLinesFormat.parse(1, line);

        // then
        assertThat(record.field("service_tier")).isNull();
        assertThat(record.field("status")).isNull();
        assertThat(record.field("reasoning_tokens")).isNull();
    }

    @ParameterizedTest(name = "{0} is read as {1}")
    @CsvSource(
            delimiter = '|',
            value = {
                "12.5|12.5",
                "1e3|1e3",
                "3E-1|3E-1",
                "1e0|1e0",
                "1.5E+1|1.5E+1",
                "100.0|100.0",
                "0.1000000000000000000001|0.1000000000000000000001",
                "true|true",
                "-3|-3"
            })
    void readsOtherValuesAsTheirText(String json, String expected) {
        // given
        String line = "{\"input_tokens\":" + json + "}";

        // when
        RawRecord record = UsageJsonLinesFormat.parse(1, line);

        // then
        assertThat(record.field("input_tokens")).isEqualTo(expected);
    }

    @ParameterizedTest(name = "input_tokens {0}")
    @ValueSource(strings = {"12.5", "1e3", "100.0", "1e0", "1.5e1", "5E0", "\"12.5\"", "true", "[100]", "{\"n\":1}"})
    void floatAndOtherNonIntegerTokenCountsFailAsInvalidNumber(String json) {
        // given
        RawRecord record =
                UsageJsonLinesFormat.parse(4, VALID.replace("\"input_tokens\":100", "\"input_tokens\":" + json));

        // when
        UsageRowParser.Result result = UsageRowParser.parse(1, record);

        // then
        assertThat(result.row()).isNull();
        assertThat(result.reject().code()).isEqualTo(RejectCode.INVALID_NUMBER);
        assertThat(result.reject().lineNo()).isEqualTo(4);
    }

    @Test
    void aCountWrittenWithAnExponentIsQuotedAsWrittenWhateverTheKeysCase() {
        // given: a whole value in exponent form, under a key spelt in another case
        RawRecord record = UsageJsonLinesFormat.parse(4, VALID.replace("\"input_tokens\":100", "\"Input_Tokens\":1e0"));

        // when
        UsageRowParser.Result result = UsageRowParser.parse(1, record);

        // then
        assertThat(result.reject().code()).isEqualTo(RejectCode.INVALID_NUMBER);
        assertThat(result.reject().message()).contains("'1e0'");
    }

    @ParameterizedTest(name = "the id {0} is {1}")
    @CsvSource(
            delimiter = '|',
            value = {"3e2|3E+2", "1e0|1", "1.50|1.50", "100|100"})
    void readsAnIdWrittenAsANumberAsItsDecimalsText(String json, String id) {
        // given
        String line = VALID.replace("\"request_id\":\"r1\"", "\"request_id\":" + json);

        // when
        UsageRowParser.Result result = UsageRowParser.parse(1, UsageJsonLinesFormat.parse(1, line));

        // then: as documented, so 1e0 is the id 1
        assertThat(result.row().requestId()).isEqualTo(id);
    }

    @Test
    void aWholeNumberBeyondALongIsTooLargeNotInvalid() {
        // given
        RawRecord record = UsageJsonLinesFormat.parse(
                4, VALID.replace("\"input_tokens\":100", "\"input_tokens\":99999999999999999999"));

        // when
        UsageRowParser.Result result = UsageRowParser.parse(1, record);

        // then
        assertThat(result.reject().code()).isEqualTo(RejectCode.NUMBER_TOO_LARGE);
    }

    @Test
    void aValidLineParsesIntoAUsageRow() {
        // given
        RawRecord record = UsageJsonLinesFormat.parse(2, VALID);

        // when
        UsageRowParser.Result result = UsageRowParser.parse(5, record);

        // then
        assertThat(result.reject()).isNull();
        assertThat(result.row())
                .isEqualTo(new UsageRow(
                        5,
                        2,
                        VALID,
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

    @ParameterizedTest(name = "{0}")
    @ValueSource(
            strings = {
                "{\"request_id\":\"r1\",",
                "{\"request_id\":\"r1\"} {\"request_id\":\"r2\"}",
                "{request_id:\"r1\"}",
                "not json",
                "[1,2,3]",
                "\"a string\"",
                "42",
                "null"
            })
    void turnsALineThatIsNotAJsonObjectIntoAMalformedRecord(String line) {
        // when
        RawRecord record = UsageJsonLinesFormat.parse(9, line);

        // then
        assertThat(record.isMalformed()).isTrue();
        assertThat(record.lineNo()).isEqualTo(9);
        assertThat(record.raw()).isEqualTo(line);
        assertThat(record.malformed()).startsWith("the line is not");
        assertThat(UsageRowParser.parse(1, record).reject().code()).isEqualTo(RejectCode.MALFORMED_ROW);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            {"request_id":"r1","input_tokens":10,"input_tokens":1}                 | the object names input_tokens twice
            {"request_id":"r1","input_tokens":10,"Input_Tokens":1}                 | the object names input_tokens twice
            {"request_id":"r1","customer_id":{"id":"acme"}}                        | customer_id is a JSON object, not a single value
            {"request_id":"r1","model":["gpt-4o"]}                                 | model is a JSON array, not a single value
            """)
    void turnsAKeyGivenTwiceOrAnObjectForAValueIntoAMalformedRecord(String line, String reason) {
        // when
        RawRecord record = UsageJsonLinesFormat.parse(4, line);

        // then
        assertThat(record.malformed()).isEqualTo(reason);
        assertThat(UsageRowParser.parse(1, record).reject().code()).isEqualTo(RejectCode.MALFORMED_ROW);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            {"request_id":"r1"} {"request_id":"r2"}    | the line is not valid JSON: more than one JSON value on the line
            {"request_id":"r1","input_tokens":NaN}     | the line is not valid JSON: 'NaN' is not a JSON value
            {"request_id":"r1","input_tokens":1%s}     | the line is not valid JSON: a number longer than the JSON reader takes (1,000 digits)
            """)
    void saysTheJsonReadersFaultsWithoutItsSettingsNames(String line, String reason) {
        // when
        RawRecord record = UsageJsonLinesFormat.parse(4, line.formatted("0".repeat(1_000)));

        // then
        assertThat(record.malformed()).isEqualTo(reason);
        assertThat(UsageRowParser.parse(1, record).reject().code()).isEqualTo(RejectCode.MALFORMED_ROW);
    }

    @Test
    void saysANestingPastTheJsonReadersLimitWithoutItsSettingsNames() {
        // when
        RawRecord record = UsageJsonLinesFormat.parse(
                4, "{\"request_id\":\"r1\",\"meta\":" + "[".repeat(600) + "]".repeat(600) + "}");

        // then
        assertThat(record.malformed())
                .isEqualTo("the line nests objects or arrays more than 500 deep, past what the JSON reader takes");
    }

    @Test
    void showsAnInvisibleCharacterInTheJsonReadersFaultAsAnEscape() {
        // when: a byte order mark between two keys
        RawRecord record = UsageJsonLinesFormat.parse(4, "{\"request_id\":\"r1\",\uFEFF\"model\":\"x\"}");

        // then
        assertThat(record.malformed())
                .startsWith("the line is not valid JSON: ")
                .contains("\\uFEFF")
                .doesNotContain("\uFEFF");
    }

    @Test
    void ignoresAnObjectUnderAKeyTheFormatDoesNotDefine() {
        // when
        RawRecord record = UsageJsonLinesFormat.parse(4, "{\"request_id\":\"r1\",\"meta\":{\"a\":[1]}}");

        // then
        assertThat(record.isMalformed()).isFalse();
        assertThat(record.field("request_id")).isEqualTo("r1");
    }

    @Test
    void namesEachKeyThatLooksLikeAKeyOfTheFormatItsObjectLacksOnceSortedAfterTheFileIsRead() throws IOException {
        // given: a misspelt count in two objects, beside the right one in a third, and a provider's cache key
        String lines = """
                {"request_id":"r1","cached_input_token":5,"latency_ms":20}
                {"request_id":"r2","cached_input_token":7}
                {"request_id":"r3","cached_input_token":7,"cached_input_tokens":7,"cache_creation_input_tokens":3}
                """;

        // when
        List<String> lookalikes;
        try (RecordCursor cursor = format.open(new StringReader(lines))) {
            while (cursor.next() != null) {
                // read to the end
            }
            lookalikes = cursor.lookalikeColumns();
        }

        // then
        assertThat(lookalikes)
                .containsExactly(
                        "'cache_creation_input_tokens' (like cache_write_tokens)",
                        "'cached_input_token' (like cached_input_tokens)");
    }

    @Test
    void skipsBlankLinesButCountsThemInLineNumbers() throws IOException {
        // given
        Path file = fixture("usage-jsonl-with-blank-lines-and-bad-lines.jsonl");

        // when
        List<RawRecord> records = readAll(InputFiles.openText(file));

        // then
        assertThat(records)
                .extracting(RawRecord::lineNo, RawRecord::isMalformed)
                .containsExactly(tuple(1L, false), tuple(3L, true), tuple(6L, true), tuple(7L, false));
        assertThat(records.get(1).raw()).isEqualTo("{\"request_id\":\"r2\", \"timestamp\":");
        assertThat(records.get(1).malformed()).startsWith("the line is not valid JSON: ");
        assertThat(records.get(2).raw()).isEqualTo("[1,2,3]");
        assertThat(records.get(2).malformed()).isEqualTo("the line is not a JSON object");
        assertThat(records.get(3).field("request_id")).isEqualTo("r3");
        assertThat(records.get(3).field("input_tokens")).isEqualTo("300");
    }

    @Test
    void readsCrlfLineEnds() throws IOException {
        // given
        String text = VALID + "\r\n\r\n" + VALID.replace("r1", "r2") + "\r\n";

        // when
        List<RawRecord> records = readAll(new StringReader(text));

        // then
        assertThat(records)
                .extracting(RawRecord::lineNo, RawRecord::raw)
                .containsExactly(tuple(1L, VALID), tuple(3L, VALID.replace("r1", "r2")));
    }

    @Test
    void endsLinesAtLineFeedsOnlySoACarriageReturnInsideALineKeepsItWholeAndTheNumbersRight() throws IOException {
        // given: JSON allows a carriage return between tokens; the next line is line 2 to an editor
        String text = VALID.replace(",\"model\"", ",\r\"model\"") + "\n" + VALID.replace("r1", "r2") + "\r\n"
                + VALID.replace("r1", "r3");

        // when
        List<RawRecord> records = readAll(new StringReader(text));

        // then
        assertThat(records)
                .extracting(RawRecord::lineNo, RawRecord::isMalformed, record -> record.field("request_id"))
                .containsExactly(tuple(1L, false, "r1"), tuple(2L, false, "r2"), tuple(3L, false, "r3"));
        assertThat(records.get(0).field("model")).isEqualTo("gpt-4o");
    }

    @Test
    void readsALineLongerThanTheReadBuffer() throws IOException {
        // given
        String note = "x".repeat(200_000);
        String text = VALID.replace("{", "{\"note\":\"" + note + "\",") + "\n" + VALID.replace("r1", "r2");

        // when
        List<RawRecord> records = readAll(new StringReader(text));

        // then
        assertThat(records).extracting(record -> record.field("request_id")).containsExactly("r1", "r2");
        assertThat(records.get(0).field("note")).isEqualTo(note);
    }

    @Test
    void aCarriageReturnAndLineFeedSplitAcrossTwoReadsEndOneLine() throws IOException {
        // given: the carriage return is the last of the first 65,536 characters read, the line feed the first of
        // the next read
        String first = VALID.replace("{", "{\"note\":\"" + "x".repeat(65_535 - VALID.length() - 10) + "\",");
        String text = first + "\r\n" + VALID.replace("r1", "r2");

        // when
        List<RawRecord> records = readAll(new StringReader(text));

        // then
        assertThat(text.indexOf('\r')).isEqualTo(65_535);
        assertThat(records)
                .extracting(RawRecord::lineNo, RawRecord::raw)
                .containsExactly(tuple(1L, first), tuple(2L, VALID.replace("r1", "r2")));
    }

    @Test
    void anEscapedHalfOfASurrogatePairInAnIdIsRejectedAsInvalidEncoding() {
        // given: two ids that differ only in their unpaired surrogate would otherwise print alike
        RawRecord record = UsageJsonLinesFormat.parse(2, VALID.replace("\"r1\"", "\"k-\\ud800x\""));

        // when
        Reject reject = UsageRowParser.parse(1, record).reject();

        // then
        assertThat(reject.code()).isEqualTo(RejectCode.INVALID_ENCODING);
        assertThat(reject.message()).contains("'k-\uFFFDx'");
    }

    @Test
    void anEscapedSurrogatePairInAnIdIsTheCharacterItEncodes() {
        // given
        RawRecord record = UsageJsonLinesFormat.parse(3, VALID.replace("\"r1\"", "\"k-\\ud83d\\ude00x\""));

        // when
        UsageRowParser.Result result = UsageRowParser.parse(1, record);

        // then
        assertThat(result.row().requestId()).isEqualTo("k-\uD83D\uDE00x");
    }

    @Test
    void anUnpairedSurrogateInAnotherFieldIsRejectedForThatFieldWithAMessageUtf8CanHold() {
        // given
        RawRecord record = UsageJsonLinesFormat.parse(
                2, VALID.replace("\"output_tokens\":20", "\"output_tokens\":20,\"service_tier\":\"\\udc00\""));

        // when
        Reject reject = UsageRowParser.parse(1, record).reject();

        // then
        assertThat(reject.code()).isEqualTo(RejectCode.INVALID_SERVICE_TIER);
        assertThat(StandardCharsets.UTF_8.newEncoder().canEncode(reject.message()))
                .isTrue();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                VALID + "\n",
                "\n  {\"request_id\": \"r1\"}\n",
                "{\"timestamp\":1,\"request_id\":\"r1\"}",
                "{\"Request_ID\":\"r1\",\"TIMESTAMP\":\"2025-03-01T10:00:00Z\"}\n",
                "{\"customer_id\":\"acme\",\"input_tokens\":1}\n" + VALID + "\n",
                "{\"REQUEST_ID\":\"r1\",\"input_tokens\":12,,}\n"
            })
    void claimsTextWhoseFirstLineIsAnObjectWithARequestOrCustomerId(String head) {
        // when, then
        assertThat(format.claims(head)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "request_id,timestamp\n",
                "{\"id\":\"r1\"}\n{\"request_id\":\"r2\"}\n",
                "[{\"request_id\":\"r1\"}]\n",
                "{\n  \"request_id\": \"r1\"\n}\n",
                "{\"id\":\"gen-1\",\"model\":\"openai/gpt-4o\",\"native_tokens_prompt\":10}\n",
                "{\"result\":[{\"metadata\":{\"customer_id\":\"acme\"}}]}\n"
            })
    void doesNotClaimOtherText(String head) {
        // when, then
        assertThat(format.claims(head)).isFalse();
    }

    private List<RawRecord> readAll(Reader reader) throws IOException {
        List<RawRecord> records = new ArrayList<>();
        try (RecordCursor cursor = format.open(reader)) {
            for (RawRecord record = cursor.next(); record != null; record = cursor.next()) {
                records.add(record);
            }
        }
        return records;
    }

    private static Path fixture(String name) {
        try {
            return Path.of(UsageJsonLinesFormatTests.class.getResource(name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
