package io.tokentally.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.tuple;

import io.tokentally.shared.ServiceTier;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class UsageCsvFormatTests {

    static final String HEADER = "request_id,timestamp,customer_id,provider,model,input_tokens,output_tokens";

    final UsageCsvFormat format = new UsageCsvFormat();

    @Test
    void readsQuotedFieldsAndCountsLinesOfAFieldSpanningTwoLines() throws IOException {
        // given
        Path file = fixture("usage-csv-with-quoted-fields.csv");

        // when
        List<RawRecord> records = readAll(file);

        // then
        assertThat(records)
                .extracting(RawRecord::lineNo, RawRecord::raw, RawRecord::malformed)
                .containsExactly(
                        tuple(2L, "r1,2025-03-01T10:00:00Z,\"acme, inc.\",openai,gpt-4o,100,20,plain", null),
                        tuple(
                                3L,
                                "r2,2025-03-01T10:01:00Z,\"acme \"\"west\"\"\",openai,gpt-4o,200,30,\"first line\nsecond line\"",
                                null),
                        // r2 spans lines 3 and 4
                        tuple(5L, "r3,2025-03-01T10:02:00Z,beta,anthropic,claude-sonnet-4-5,300,40,\"\"", null));
        assertThat(records.get(0).field("customer_id")).isEqualTo("acme, inc.");
        assertThat(records.get(1).field("customer_id")).isEqualTo("acme \"west\"");
        assertThat(records.get(1).field("note")).isEqualTo("first line\nsecond line");
        assertThat(records.get(2).field("note")).isNull();
        assertThat(records.get(2).field("model")).isEqualTo("claude-sonnet-4-5");
        assertThat(records.get(2).field("input_tokens")).isEqualTo("300");
    }

    @Test
    void rawTextOfEveryRecordIsExactlyItsTextInTheFile() throws IOException {
        // given
        Path file = fixture("usage-csv-with-quoted-fields.csv");
        String text = Files.readString(file);

        // when
        List<RawRecord> records = readAll(file);

        // then the records and the header, joined by newlines, are the file
        List<String> parts = new ArrayList<>();
        parts.add(HEADER + ",note");
        records.forEach(record -> parts.add(record.raw()));
        assertThat(String.join("\n", parts) + "\n").isEqualTo(text);
    }

    @Test
    void turnsARowWithBadQuotingIntoAMalformedRecordAndResumesOnTheNextLine() throws IOException {
        // given
        Path file = fixture("usage-csv-with-bad-quoting.csv");

        // when
        List<RawRecord> records = readAll(file);

        // then
        assertThat(records)
                .extracting(RawRecord::lineNo, RawRecord::raw, RawRecord::isMalformed)
                .containsExactly(
                        tuple(2L, "r1,2025-03-01T10:00:00Z,acme,openai,gpt-4o,100,20", false),
                        tuple(3L, "\"r2\"x,2025-03-01T10:01:00Z,acme,openai,gpt-4o,200,30", true),
                        tuple(4L, "r3,2025-03-01T10:02:00Z,acme,openai,gpt-4o,300,40", false),
                        tuple(5L, "\"r4\"x,2025-03-01T10:03:00Z,acme,openai,gpt-4o,400,40", true),
                        tuple(6L, "\"r5\"x,2025-03-01T10:04:00Z,acme,openai,gpt-4o,500,50", true),
                        tuple(7L, "r6,2025-03-01T10:05:00Z,acme,openai,gpt-4o,600,60", false));
        assertThat(records.get(1).malformed())
                .as("the parser's own line and position count from where it restarted, not from the file's start")
                .isEqualTo("the row is not valid CSV: text follows the double quote that closes a field");
        assertThat(records.get(4).malformed())
                .isEqualTo("the row is not valid CSV: text follows the double quote that closes a field");
        assertThat(records.get(1).values()).isNull();
        assertThat(records.get(2).field("request_id")).isEqualTo("r3");
        assertThat(records.get(2).field("input_tokens")).isEqualTo("300");
        assertThat(records.get(5).field("request_id")).isEqualTo("r6");
        assertThat(records.get(5).field("output_tokens")).isEqualTo("60");
    }

    @Test
    void namesAQuoteOpenedOnARowAndClosedOnALaterLineFollowedByTextAsTheFaultOfTheRowThatOpenedIt() throws IOException {
        // given: row 3 opens a quote it does not close; row 5 holds the next quote, with text after it
        String text = HEADER + "\n"
                + "r1,2025-03-01T10:00:00Z,acme,openai,gpt-4o,100,20\n"
                + "r2,\"2025-03-01T10:01:00Z,acme,openai,gpt-4o,200,30\n"
                + "r3,2025-03-01T10:02:00Z,acme,openai,gpt-4o,300,40\n"
                + "r4,2025-03-01T10:03:00Z,acme,openai,\"gpt-4o\"x,400,40\n"
                // row 6's own fault comes first, before the quote it leaves open
                + "r5,2025-03-01T10:04:00Z,acme,openai,\"gpt-4o\"x,\"500\n"
                + "r6\",2025-03-01T10:05:00Z,acme,openai,gpt-4o,600,60\n";

        // when
        List<RawRecord> records = readAll(new StringReader(text));

        // then
        assertThat(records)
                .extracting(RawRecord::lineNo, RawRecord::isMalformed)
                .containsExactly(
                        tuple(2L, false),
                        tuple(3L, true),
                        tuple(4L, false),
                        tuple(5L, true),
                        tuple(6L, true),
                        tuple(7L, true));
        assertThat(records.get(1).malformed())
                .isEqualTo("the row is not valid CSV: a field opened with a double quote on this line is closed on"
                        + " a later line, and text follows the closing quote there");
        assertThat(records.get(3).malformed())
                .isEqualTo("the row is not valid CSV: text follows the double quote that closes a field");
        assertThat(records.get(4).malformed())
                .isEqualTo("the row is not valid CSV: text follows the double quote that closes a field");
    }

    @Test
    void resumesAfterBadQuotingThatFollowsAFieldSpanningTwoLinesAndABlankLine() throws IOException {
        // given
        Path file = fixture("usage-csv-with-bad-quoting-after-multiline-field.csv");

        // when
        List<RawRecord> records = readAll(file);

        // then
        assertThat(records)
                .extracting(RawRecord::lineNo, RawRecord::raw, RawRecord::isMalformed)
                .containsExactly(
                        tuple(2L, "r1,2025-03-01T10:00:00Z,acme,openai,gpt-4o,100,20,\"spans\ntwo lines\"", false),
                        tuple(5L, "r2,2025-03-01T10:01:00Z,\"acme\"x,openai,gpt-4o,200,30,bad", true),
                        tuple(6L, "r3,2025-03-01T10:02:00Z,acme,openai,gpt-4o,300,40,\"also\nspans\"", false));
        assertThat(records.get(2).field("note")).isEqualTo("also\nspans");
    }

    @Test
    void turnsBadQuotingInTheFirstRowIntoAMalformedRecord() throws IOException {
        // given
        Path file = fixture("usage-csv-with-bad-quoting-in-first-row.csv");

        // when
        List<RawRecord> records = readAll(file);

        // then
        assertThat(records)
                .extracting(RawRecord::lineNo, RawRecord::raw, RawRecord::isMalformed)
                .containsExactly(
                        tuple(2L, "\"r1\"x,2025-03-01T10:00:00Z,acme,openai,gpt-4o,100,20", true),
                        tuple(3L, "r2,2025-03-01T10:01:00Z,acme,openai,gpt-4o,200,30", false));
        assertThat(records.get(1).field("request_id")).isEqualTo("r2");
    }

    @Test
    void turnsBadQuotingInTheLastRowWithoutNewlineIntoAMalformedRecord() throws IOException {
        // given
        Path file = fixture("usage-csv-with-bad-quoting-in-last-row-without-newline.csv");

        // when
        List<RawRecord> records = readAll(file);

        // then
        assertThat(records)
                .extracting(RawRecord::lineNo, RawRecord::raw, RawRecord::isMalformed)
                .containsExactly(
                        tuple(2L, "r1,2025-03-01T10:00:00Z,acme,openai,gpt-4o,100,20", false),
                        tuple(3L, "\"r2\"x,2025-03-01T10:01:00Z,acme,openai,gpt-4o,200,30", true));
    }

    @Test
    void turnsAnUnclosedQuoteIntoAMalformedRecordAndReadsTheFollowingLines() throws IOException {
        // given
        Path file = fixture("usage-csv-with-unclosed-quote.csv");

        // when
        List<RawRecord> records = readAll(file);

        // then
        assertThat(records)
                .extracting(RawRecord::lineNo, RawRecord::raw, RawRecord::isMalformed)
                .containsExactly(
                        tuple(2L, "r1,2025-03-01T10:00:00Z,acme,openai,gpt-4o,100,20", false),
                        tuple(3L, "r2,2025-03-01T10:01:00Z,\"acme,openai,gpt-4o,200,30", true),
                        tuple(4L, "r3,2025-03-01T10:02:00Z,acme,openai,gpt-4o,300,40", false));
        assertThat(records.get(1).malformed())
                .isEqualTo(
                        "the row is not valid CSV: a field opened with a double quote on this line is not closed before"
                                + " the end of the file; the lines after this one are read as rows of their own");
        assertThat(records.get(2).field("customer_id")).isEqualTo("acme");
    }

    @Test
    void turnsADoubleQuoteInsideAnUnquotedFieldIntoAMalformedRecordNamingTheField() throws IOException {
        // given
        Path file = fixture("usage-csv-with-stray-quotes.csv");

        // when
        List<RawRecord> records = readAll(file);

        // then RFC 4180 allows a double quote only in a field enclosed in double quotes
        assertThat(records)
                .extracting(RawRecord::lineNo, RawRecord::malformed)
                .containsExactly(
                        tuple(
                                2L,
                                "the row is not valid CSV: field 5 (model) holds a double quote but is not"
                                        + " enclosed in double quotes"),
                        tuple(
                                3L,
                                "the row is not valid CSV: field 3 (customer_id) holds a double quote but is not"
                                        + " enclosed in double quotes"),
                        tuple(
                                4L,
                                "the row is not valid CSV: field 3 (customer_id) holds a double quote but is not"
                                        + " enclosed in double quotes"),
                        tuple(5L, null),
                        tuple(
                                6L,
                                "the row is not valid CSV: field 7 (output_tokens) holds a double quote but is not"
                                        + " enclosed in double quotes"),
                        // a quoted field with a space before its quote, split by its comma: the count of fields
                        // and the quote, by its place alone (the fields after it are not the header's)
                        tuple(
                                7L,
                                "the row has 8 fields but the header has 7, and is not valid CSV: field 3 holds a"
                                        + " double quote but is not enclosed in double quotes"));
        assertThat(records.get(3).field("customer_id")).isEqualTo("ac\"me");
        assertThat(records.get(3).field("model")).isEqualTo("gpt-4o");
    }

    @Test
    void turnsARowWithTooFewOrTooManyFieldsIntoAMalformedRecordNamingTheFieldCounts() throws IOException {
        // given
        Path file = fixture("usage-csv-with-wrong-field-counts.csv");

        // when
        List<RawRecord> records = readAll(file);

        // then
        assertThat(records)
                .extracting(RawRecord::lineNo, RawRecord::raw, RawRecord::malformed)
                .containsExactly(
                        tuple(2L, "r1,2025-03-01T10:00:00Z,acme,openai", "the row has 4 fields but the header has 7"),
                        tuple(
                                3L,
                                "r2,2025-03-01T10:01:00Z,acme,openai,gpt-4o,200,30,surplus",
                                "the row has 8 fields but the header has 7"),
                        tuple(4L, "r3,2025-03-01T10:02:00Z,acme,openai,gpt-4o,300,40", null));
    }

    @Test
    void findsColumnsByNameWhateverTheirOrderCaseAndSurroundingSpaces() throws IOException {
        // given
        Path file = fixture("usage-csv-columns-reordered.csv");

        // when
        List<RawRecord> records = readAll(file);

        // then
        assertThat(records).hasSize(1);
        RawRecord record = records.get(0);
        assertThat(record.field("request_id")).isEqualTo("r1");
        assertThat(record.field("timestamp")).isEqualTo("2025-03-01T12:00:00+02:00");
        assertThat(record.field("customer_id")).isEqualTo("acme");
        assertThat(record.field("provider")).isEqualTo("OpenAI");
        assertThat(record.field("model")).isEqualTo("gpt-4o");
        assertThat(record.field("input_tokens")).isEqualTo("100");
        assertThat(record.field("cached_input_tokens")).isEqualTo("40");
        assertThat(record.field("output_tokens")).isEqualTo("20");
        assertThat(record.field("service_tier")).isEqualTo("batch");
        assertThat(record.field("status")).isEqualTo("error");
        assertThat(record.field("reasoning_tokens")).isNull();
    }

    @Test
    void reorderedColumnsParseIntoTheSameUsageRow() throws IOException {
        // given
        RawRecord record = readAll(fixture("usage-csv-columns-reordered.csv")).get(0);

        // when
        UsageRowParser.Result result = UsageRowParser.parse(9, record);

        // then
        assertThat(result.reject()).isNull();
        assertThat(result.row())
                .isEqualTo(new UsageRow(
                        9,
                        2,
                        "gpt-4o,20,r1,acme,ignored,2025-03-01T12:00:00+02:00,OpenAI,100,40,batch,error",
                        "r1",
                        Instant.parse("2025-03-01T10:00:00Z"),
                        "acme",
                        "openai",
                        "gpt-4o",
                        100,
                        40,
                        0,
                        0,
                        20,
                        0,
                        ServiceTier.BATCH,
                        true));
    }

    @Test
    void refusesAHeaderWithoutARequiredColumnNamingTheMissingColumns() throws IOException {
        // given
        Path file = fixture("usage-csv-missing-required-column.csv");

        // when, then
        try (Reader reader = InputFiles.openText(file)) {
            assertThatExceptionOfType(FileFormatException.class)
                    .isThrownBy(() -> format.open(reader))
                    .withMessage("the header lacks required column(s) customer_id, output_tokens");
        }
    }

    @Test
    void refusesAHeaderThatNamesAColumnTwice() throws IOException {
        // given
        Path file = fixture("usage-csv-with-duplicate-column.csv");

        // when, then
        try (Reader reader = InputFiles.openText(file)) {
            assertThatExceptionOfType(FileFormatException.class)
                    .isThrownBy(() -> format.open(reader))
                    .withMessage("the header names column 'model' twice");
        }
    }

    @Test
    void readsAHeaderThatNamesAnIgnoredColumnTwice() throws IOException {
        // given
        String text = "request_id,note,timestamp,Note,customer_id,provider,model,input_tokens,output_tokens\n"
                + "r1,a,2025-03-01T10:00:00Z,b,acme,openai,gpt-4o,100,20\n";

        // when
        List<RawRecord> records = readAll(new StringReader(text));

        // then
        assertThat(records).hasSize(1);
        assertThat(records.get(0).field("customer_id")).isEqualTo("acme");
        assertThat(records.get(0).field("note")).isEqualTo("a");
    }

    @Test
    void refusesAnEmptyFile() {
        // when, then
        assertThatExceptionOfType(FileFormatException.class)
                .isThrownBy(() -> format.open(new StringReader("")))
                .withMessage("the file is empty: no header row");
    }

    @Test
    void readsNoRecordsFromAFileWithOnlyAHeader() throws IOException {
        // given
        try (RecordCursor cursor = format.open(new StringReader(HEADER + "\n"))) {

            // when
            RawRecord first = cursor.next();

            // then
            assertThat(first).isNull();
        }
    }

    @Test
    void skipsBlankLinesButCountsThemInLineNumbers() throws IOException {
        // given
        Path file = fixture("usage-csv-with-blank-lines.csv");

        // when
        List<RawRecord> records = readAll(file);

        // then
        assertThat(records)
                .extracting(RawRecord::lineNo, RawRecord::raw)
                .containsExactly(
                        tuple(3L, "r1,2025-03-01T10:00:00Z,acme,openai,gpt-4o,100,20"),
                        tuple(6L, "r2,2025-03-01T10:01:00Z,acme,openai,gpt-4o,200,30"));
    }

    @Test
    void skipsBlankLinesBeforeTheHeaderAndBeforeABadFirstRow() throws IOException {
        // given
        Path file = fixture("usage-csv-with-blank-lines-before-header-and-bad-first-row.csv");

        // when
        List<RawRecord> records = readAll(file);

        // then
        assertThat(records)
                .extracting(RawRecord::lineNo, RawRecord::raw, RawRecord::isMalformed)
                .containsExactly(
                        tuple(5L, "\"r1\"x,2025-03-01T10:00:00Z,acme,openai,gpt-4o,100,20", true),
                        tuple(6L, "r2,2025-03-01T10:01:00Z,acme,openai,gpt-4o,200,30", false));
        assertThat(records.get(1).field("request_id")).isEqualTo("r2");
    }

    @Test
    void readsAFileWithAByteOrderMarkAndCrlfLineEnds() throws IOException {
        // given
        Path file = fixture("usage-csv-with-bom-and-crlf.csv");

        // when
        List<RawRecord> records = readAll(file);

        // then
        assertThat(records)
                .extracting(RawRecord::lineNo, RawRecord::raw, RawRecord::isMalformed)
                .containsExactly(
                        tuple(2L, "r1,2025-03-01T10:00:00Z,acme,openai,gpt-4o,100,20,plain", false),
                        tuple(4L, "r2,2025-03-01T10:01:00Z,acme,openai,gpt-4o,200,30,\"two\r\nlines\"", false),
                        tuple(6L, "r3,2025-03-01T10:02:00Z,acme,openai,gpt-4o,300,40,last", false));
        // the first column is request_id, not "\uFEFFrequest_id"
        assertThat(records).extracting(record -> record.field("request_id")).containsExactly("r1", "r2", "r3");
        assertThat(records.get(0).field("note")).isEqualTo("plain");
        // a line break inside a quoted field reads as a line feed, as in the same file with LF line ends
        assertThat(records.get(1).field("note")).isEqualTo("two\nlines");
        assertThat(records.get(2).field("note")).isEqualTo("last");
    }

    @Test
    void turnsALineWithACarriageReturnInsideAnUnquotedFieldIntoOneMalformedRecord() throws IOException {
        // given a carriage return alone in the middle of line 3: Commons CSV would end a row there and bill "12"
        String text = HEADER + "\nr1,2025-03-01T10:00:00Z,acme,openai,gpt-4o,100,20\n"
                + "r2,2025-03-01T10:00:00Z,acme,openai,gpt-4o,100,12\r34\n"
                + "r3,2025-03-01T10:00:00Z,acme,openai,gpt-4o,1\r,2\r\n"
                + "r4,2025-03-01T10:00:00Z,acme,openai,gpt-4o,300,40\r\n";

        // when
        List<RawRecord> records = readAll(new StringReader(text));

        // then
        String why = "the row holds a carriage return that does not end it; a line ends at a line feed (LF or CRLF)";
        assertThat(records)
                .extracting(RawRecord::lineNo, RawRecord::raw, RawRecord::malformed)
                .containsExactly(
                        tuple(2L, "r1,2025-03-01T10:00:00Z,acme,openai,gpt-4o,100,20", null),
                        tuple(3L, "r2,2025-03-01T10:00:00Z,acme,openai,gpt-4o,100,12\r34", why),
                        tuple(4L, "r3,2025-03-01T10:00:00Z,acme,openai,gpt-4o,1\r,2", why),
                        tuple(5L, "r4,2025-03-01T10:00:00Z,acme,openai,gpt-4o,300,40", null));
    }

    @ParameterizedTest
    @ValueSource(strings = {"12\r\"34\"x", "12\r\"34", "12\r34\r\"5\"x"})
    void aCarriageReturnAloneFollowedByBadQuotingIsStillOneMalformedLine(String fields) throws IOException {
        // given the text after the carriage return fails the CSV parser itself
        String line = "r2,2025-03-01T10:00:00Z,acme,openai,gpt-4o,100," + fields;
        String text = HEADER + "\n" + line + "\nr3,2025-03-01T10:00:00Z,acme,openai,gpt-4o,300,40\n";

        // when
        List<RawRecord> records = readAll(new StringReader(text));

        // then the whole line is one reject, and the next line is read as a row
        assertThat(records)
                .extracting(RawRecord::lineNo, RawRecord::raw, RawRecord::isMalformed)
                .containsExactly(
                        tuple(2L, line, true), tuple(3L, "r3,2025-03-01T10:00:00Z,acme,openai,gpt-4o,300,40", false));
        assertThat(records.get(0).malformed()).startsWith("the row holds a carriage return that does not end it");
    }

    @ParameterizedTest
    @CsvSource({"CR CR LF, CR", "CR, CR", "CR CR, CR CR", "SP CR CR LF, SP CR", "CR CR LF LF, CR"})
    void aLineEndingInACarriageReturnThatDoesNotEndItIsOneMalformedRowShowingIt(String lineEnd, String kept)
            throws IOException {
        // given: line 3 ends at a carriage return before its line feed, or at the end of the file without one
        String row = "r2,2025-03-01T10:00:00Z,acme,openai,gpt-4o,100,12";
        String text = HEADER + "\nr1,2025-03-01T10:00:00Z,acme,openai,gpt-4o,100,20\n" + row + characters(lineEnd)
                + (lineEnd.endsWith("LF") ? "r3,2025-03-01T10:00:00Z,acme,openai,gpt-4o,300,40\n" : "");

        // when
        List<RawRecord> records = readAll(new StringReader(text));

        // then: the raw line keeps the carriage return that is its fault
        String why = "the row holds a carriage return that does not end it; a line ends at a line feed (LF or CRLF)";
        assertThat(records.subList(0, 2))
                .extracting(RawRecord::lineNo, RawRecord::raw, RawRecord::malformed)
                .containsExactly(
                        tuple(2L, "r1,2025-03-01T10:00:00Z,acme,openai,gpt-4o,100,20", null),
                        tuple(3L, row + characters(kept), why));
        assertThat(records.subList(2, records.size()))
                .extracting(RawRecord::lineNo, RawRecord::malformed)
                .containsExactlyElementsOf(
                        lineEnd.endsWith("LF")
                                ? List.of(tuple(3L + lineEnd.split("LF", -1).length - 1, null))
                                : List.of());
    }

    /** {@code names} (CR, LF, SP, separated by spaces) as the characters they name. */
    private static String characters(String names) {
        return names.replace("CR", "\r")
                .replace("LF", "\n")
                .replace("SP", "_")
                .replace(" ", "")
                .replace("_", " ");
    }

    @Test
    void skipsLinesOfSpacesOrTabsHoldingCarriageReturnsAlone() throws IOException {
        // given: lines 3, 4 and 6 have no text, only spaces, tabs and carriage returns
        String text = HEADER + "\nr1,2025-03-01T10:00:00Z,acme,openai,gpt-4o,100,20\n   \r\r\n \t\r  \n"
                + "r2,2025-03-01T10:00:00Z,acme,openai,gpt-4o,300,40\n  \r";

        // when
        List<RawRecord> records = readAll(new StringReader(text));

        // then
        assertThat(records)
                .extracting(RawRecord::lineNo, RawRecord::malformed)
                .containsExactly(tuple(2L, null), tuple(5L, null));
    }

    @ParameterizedTest
    @ValueSource(strings = {"\r\n\r\n", "\n\r\n", "\r\n\n", "\r\n", "\n"})
    void blankLinesAfterARowAreNotItsFault(String lineEnds) throws IOException {
        // given
        String text = HEADER + "\r\nr1,2025-03-01T10:00:00Z,acme,openai,gpt-4o,100,20" + lineEnds
                + "r2,2025-03-01T10:00:00Z,acme,openai,gpt-4o,300,40" + lineEnds;

        // when
        List<RawRecord> records = readAll(new StringReader(text));

        // then
        assertThat(records).extracting(RawRecord::malformed).containsExactly(null, null);
    }

    @ParameterizedTest
    @ValueSource(strings = {"\r\r\n", "\r"})
    void refusesAFileWhoseHeaderEndsAtACarriageReturnThatDoesNotEndIt(String lineEnd) {
        // given
        String text = HEADER
                + lineEnd
                + (lineEnd.endsWith("\n") ? "r1,2025-03-01T10:00:00Z,acme,openai,gpt-4o,100,20\n" : "");

        // when / then
        assertThatExceptionOfType(FileFormatException.class)
                .isThrownBy(() -> readAll(new StringReader(text)))
                .withMessage("the header row ends at a carriage return alone; a line ends at a line feed (LF or CRLF)");
    }

    @ParameterizedTest
    @ValueSource(strings = {"   \n", "\t\n", "\n  \n", " \r\n\n"})
    void readsTheHeaderAfterBlankLinesOfSpacesOrTabs(String blankLines) throws IOException {
        // given
        String text = blankLines + HEADER + "\nr1,2025-03-01T10:00:00Z,acme,openai,gpt-4o,100,20\n";
        long headerLine = blankLines.chars().filter(c -> c == '\n').count() + 1;

        // when
        List<RawRecord> records = readAll(new StringReader(text));

        // then
        assertThat(records)
                .extracting(RawRecord::lineNo, RawRecord::malformed)
                .containsExactly(tuple(headerLine + 1, null));
        assertThat(records.get(0).field("output_tokens")).isEqualTo("20");
    }

    @Test
    void refusesAFileWhoseLinesEndAtACarriageReturnAlone() {
        // given
        String text = HEADER + "\rr1,2025-03-01T10:00:00Z,acme,openai,gpt-4o,100,20\r";

        // when / then
        assertThatExceptionOfType(FileFormatException.class)
                .isThrownBy(() -> readAll(new StringReader(text)))
                .withMessage("the header row ends at a carriage return alone; a line ends at a line feed (LF or CRLF)");
    }

    @Test
    void readsALastRecordWithoutATrailingNewline() throws IOException {
        // given
        String text = HEADER + "\nr1,2025-03-01T10:00:00Z,acme,openai,gpt-4o,100,20";

        // when
        List<RawRecord> records = readAll(new StringReader(text));

        // then
        assertThat(records)
                .extracting(RawRecord::lineNo, RawRecord::raw)
                .containsExactly(tuple(2L, "r1,2025-03-01T10:00:00Z,acme,openai,gpt-4o,100,20"));
        assertThat(records.get(0).field("output_tokens")).isEqualTo("20");
    }

    @Test
    void keepsLineNumbersRightPastTheReadBuffer() throws IOException {
        // given 5,000 rows, far more than one 16 KiB read
        StringBuilder text = new StringBuilder(HEADER).append('\n');
        for (int i = 1; i <= 5_000; i++) {
            text.append(i == 4_000 ? "\"bad\"x" : "r" + i)
                    .append(",2025-03-01T10:00:00Z,acme,openai,gpt-4o,")
                    .append(i)
                    .append(",1\n");
        }

        // when
        List<RawRecord> records = readAll(new StringReader(text.toString()));

        // then
        assertThat(records).hasSize(5_000);
        assertThat(records.get(4_998).lineNo()).isEqualTo(5_000L);
        assertThat(records.get(4_998).raw()).isEqualTo("r4999,2025-03-01T10:00:00Z,acme,openai,gpt-4o,4999,1");
        assertThat(records.get(3_999).isMalformed()).isTrue();
        assertThat(records.get(3_999).lineNo()).isEqualTo(4_001L);
        assertThat(records.get(4_000).field("request_id")).isEqualTo("r4001");
        assertThat(records.get(4_000).lineNo()).isEqualTo(4_002L);
        assertThat(records).filteredOn(RawRecord::isMalformed).hasSize(1);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                HEADER + "\nr1,2025-03-01T10:00:00Z,acme,openai,gpt-4o,1,1\n",
                "timestamp,request_id\n",
                "\"request_id\",\"timestamp\",\"model\"\n",
                "\n\n Request_ID , TIMESTAMP ,model\n"
            })
    void claimsTextWhoseFirstLineNamesRequestIdAndTimestamp(String head) {
        // when, then
        assertThat(format.claims(head)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "request_id,customer_id,model\n",
                "customer_id,stripe_customer_id\nacme,cus_1\n",
                "model,token_type,usd_per_million\n",
                "{\"request_id\":\"r1\",\"timestamp\":\"2025-03-01T10:00:00Z\"}\n",
                "some notes\nrequest_id,timestamp\n"
            })
    void doesNotClaimOtherText(String head) {
        // when, then
        assertThat(format.claims(head)).isFalse();
    }

    private List<RawRecord> readAll(Path file) throws IOException {
        return readAll(InputFiles.openText(file));
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

    static Path fixture(String name) {
        try {
            return Path.of(UsageCsvFormatTests.class.getResource(name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
