package io.tokentally.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Reference files (customers, prices) follow RFC 4180's quoting, and a fault names the file and line. */
class CsvTableTests {

    @TempDir
    Path work;

    @Test
    void readsQuotedFieldsAndSkipsCommentLinesWhateverTheyHold() throws IOException {
        // given
        Path file = Files.writeString(work.resolve("customers.csv"), """
                customer_id,plan_id,name
                # a "comment" with quotes
                acme, "usage" ,"Acme ""West"", Inc"

                globex,usage,Globex
                """);

        // when
        List<CsvRow> rows = CsvTable.read(file, List.of("customer_id"));

        // then
        assertThat(rows).extracting(CsvRow::lineNo).containsExactly(3L, 5L);
        assertThat(rows.get(0).get("plan_id")).isEqualTo("usage");
        assertThat(rows.get(0).get("name")).isEqualTo("Acme \"West\", Inc");
        assertThat(rows.get(1).get("customer_id")).isEqualTo("globex");
    }

    @Test
    void refusesADoubleQuoteInsideAFieldNotEnclosedInDoubleQuotesNamingTheLineAndColumn() throws IOException {
        // given
        Path file = Files.writeString(
                work.resolve("customers.csv"), "customer_id,plan_id,name\nacme,usage,Acme\nhoo\"li,usage,Hooli\n");

        // when, then
        assertThatThrownBy(() -> CsvTable.read(file, List.of("customer_id")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(file + " line 3: field 1 (customer_id) holds a double quote but is not enclosed in"
                        + " double quotes");
    }

    @Test
    void refusesAnUnclosedQuoteNamingTheFileAndTheLineItOpensOn() throws IOException {
        // given: a comment and a blank line before the row whose quote is never closed
        Path file = Files.writeString(
                work.resolve("customers.csv"),
                "customer_id,plan_id,name\n# a comment\n\nacme,usage,\"Acme\nglobex,usage,Globex\n");

        // when, then
        assertThatThrownBy(() -> CsvTable.read(file, List.of("customer_id")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(file + " line 4: a field opened with a double quote on this line is not closed before the"
                        + " end of the file");
    }

    @Test
    void namesTheLineOfAFaultPastLine999WithoutTheLocalesGrouping() throws IOException {
        // given: Commons CSV writes line 1,002 with the default locale's grouping
        Locale locale = Locale.getDefault();
        Locale.setDefault(Locale.US);
        try {
            String rows = "acme,usage,Acme\n".repeat(1000);
            Path file = Files.writeString(
                    work.resolve("customers.csv"), "customer_id,plan_id,name\n" + rows + "globex,\"usage\"x,Globex\n");

            // when, then
            assertThatThrownBy(() -> CsvTable.read(file, List.of("customer_id")))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage(file + " line 1002: text follows the double quote that closes a field");
        } finally {
            Locale.setDefault(locale);
        }
    }

    @Test
    void refusesTextAfterAClosingQuoteNamingTheFileAndLine() throws IOException {
        // given
        Path file = Files.writeString(
                work.resolve("customers.csv"), "customer_id,plan_id,name\nacme,usage,Acme\nglobex,\"usage\"x,Globex\n");

        // when, then
        assertThatThrownBy(() -> CsvTable.read(file, List.of("customer_id")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(file + " line 3: text follows the double quote that closes a field");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("faults")
    void aReferenceFileReadStrictlyIsRefusedNamingTheFileTheLineAndTheReason(
            String fault, byte[] content, String message) throws IOException {
        // given
        Path file = Files.write(work.resolve("customers.csv"), content);

        // when, then
        assertThatThrownBy(() -> CsvTable.readStrictly(file, List.of("customer_id"), List.of("plan_id", "name")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(file + message);
    }

    static Stream<Arguments> faults() {
        return Stream.of(
                Arguments.of(
                        "a byte that is not UTF-8",
                        bytes("customer_id,plan_id\nacme,usage\nglob", 0xE9, "x,usage\n"),
                        " line 3: not valid UTF-8"),
                Arguments.of(
                        "a byte that is not UTF-8 after lines ended by carriage returns alone",
                        bytes("customer_id,plan_id\racme,usage\rglob", 0xE9, "x,usage\r"),
                        " line 3: not valid UTF-8"),
                Arguments.of(
                        "a column named twice",
                        bytes("customer_id,plan_id,Plan_ID\nacme,usage,fixed\n"),
                        ": the header names column plan_id twice"),
                Arguments.of(
                        "a misspelt optional column",
                        bytes("# the header may follow comments\ncustomer_id,plan_id,nam\nacme,usage,Acme\n"),
                        ": the header names unknown column nam; the columns are customer_id, plan_id, name"),
                Arguments.of(
                        "a misspelt required column",
                        bytes("custmer_id,plan_id,nam\nacme,usage,Acme\n"),
                        ": the header lacks required column customer_id; it names unknown column(s) custmer_id, nam;"
                                + " the columns are customer_id, plan_id, name"),
                Arguments.of(
                        "an empty file", bytes(""), ": the file is empty; it needs a header line naming its columns"),
                Arguments.of(
                        "a file of comments only",
                        bytes("# customers\n\n"),
                        ": the file is empty; it needs a header line naming its columns (customer_id at least)"),
                Arguments.of(
                        "a header name missing",
                        bytes("customer_id,plan_id,\nacme,usage,\n"),
                        ": A header name is missing"),
                Arguments.of(
                        "a field more than the header",
                        bytes("customer_id,plan_id\nacme,usage\nglobex,usage,extra\n"),
                        " line 3: the row has 3 fields but the header has 2"),
                Arguments.of(
                        "a number written with a decimal comma",
                        bytes("customer_id,plan_id,name\nacme,usage,0,6\n"),
                        " line 2: the row has 4 fields but the header has 3 (is 0,6 a number written with a decimal"
                                + " comma? Write 0.6)"),
                Arguments.of(
                        "a field fewer than the header",
                        bytes("customer_id,plan_id,name\nacme,usage\n"),
                        " line 2: the row has 2 fields but the header has 3"),
                Arguments.of(
                        "a fault in a record over two lines, at the line it starts on",
                        bytes("customer_id,plan_id,name\nacme,usage,\"Acme\nWest\",extra\n"),
                        " line 2: the row has 4 fields but the header has 3"),
                Arguments.of(
                        "a fault after lines ended by carriage returns alone",
                        bytes("customer_id,plan_id\racme,usage\rglobex\r"),
                        " line 3: the row has 1 field but the header has 2"),
                // stored, a NUL failed the load on PostgreSQL with the database's words and no line
                Arguments.of(
                        "a NUL",
                        bytes("customer_id,plan_id,name\nacme,usage,Ac", 0, "me\n"),
                        " line 2: column name holds a NUL (U+0000), which PostgreSQL does not store"));
    }

    @Test
    void aRowWithAFieldTooManyAndSeveralPairsOfWholeNumbersGetsNoGuessAtADecimalComma() throws IOException {
        // given
        Path file = Files.write(work.resolve("customers.csv"), bytes("customer_id,plan_id,name\n1,2,3,4\n"));

        // when, then
        assertThatThrownBy(() -> CsvTable.readStrictly(file, List.of("customer_id"), List.of("plan_id", "name")))
                .hasMessage(file + " line 2: the row has 4 fields but the header has 3");
    }

    @Test
    void aFeedReadLenientlyKeepsUnknownColumnsAndReadsAShortRowAsFarAsItGoes() throws IOException {
        // given a purchases feed, which judges its own rows, with a BOM, an extra column and a short row
        Path file = Files.write(
                work.resolve("purchases.csv"), bytes("\uFEFFpurchase_id,amount_usd,note\np-1,10,first\np-2\n"));

        // when
        List<CsvRow> rows = CsvTable.read(file, List.of("purchase_id"));

        // then
        assertThat(rows).extracting(CsvRow::lineNo).containsExactly(2L, 3L);
        assertThat(rows.get(0).get("note")).isEqualTo("first");
        assertThat(rows.get(1).get("purchase_id")).isEqualTo("p-2");
        assertThat(rows.get(1).get("amount_usd")).isNull();
    }

    private static byte[] bytes(Object... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Object part : parts) {
            if (part instanceof Integer single) {
                out.write(single);
            } else {
                out.writeBytes(((String) part).getBytes(StandardCharsets.UTF_8));
            }
        }
        return out.toByteArray();
    }
}
