package io.tokentally.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
        List<CsvTable.Row> rows = CsvTable.read(file, List.of("customer_id"));

        // then
        assertThat(rows).extracting(CsvTable.Row::lineNo).containsExactly(3L, 5L);
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
    void refusesAnUnclosedQuoteNamingTheFile() throws IOException {
        // given
        Path file = Files.writeString(
                work.resolve("customers.csv"), "customer_id,plan_id,name\nacme,usage,\"Acme\nglobex,usage,Globex\n");

        // when, then
        assertThatThrownBy(() -> CsvTable.read(file, List.of("customer_id")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(file + ": not valid CSV: ")
                .hasMessageContaining("startline 2");
    }
}
