package io.tokentally.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.Test;

class CsvLinesTests {

    @Test
    void readsTheWholeTextAndClosesTheReader() throws IOException {
        // given
        boolean[] closed = {false};
        StringReader reader = new StringReader("a,b\n1,2\n") {
            @Override
            public void close() {
                closed[0] = true;
                super.close();
            }
        };

        // when
        CsvLines lines = CsvLines.read(reader, false);

        // then: a provider file is read whole before it is parsed, and its file is let go at once
        assertThat(lines.text()).isEqualTo("a,b\n1,2\n");
        assertThat(closed[0]).isTrue();
    }

    @Test
    void numbersRecordsByTheLineTheyStartOnWhateverTheLineEndsAndSkippedLines() throws IOException {
        // given: a quoted field over lines 2 and 3 (CRLF), a blank line 4, a record ended by a carriage return
        // alone on line 5, one on line 6, and a line 7 starting with # that is a record unless comments are skipped
        String text = "h1,h2\r\n\"a\r\nb\",1\r\n\r\nc,2\rd,3\n#e,4\nf,5\n";

        // then
        assertThat(lines(text, false)).containsExactly(2L, 5L, 6L, 7L, 8L);
        assertThat(lines(text, true)).containsExactly(2L, 5L, 6L, 8L);
    }

    private static List<Long> lines(String text, boolean comments) throws IOException {
        CsvLines lines = new CsvLines(text, comments);
        CSVFormat.Builder format = CSVFormat.DEFAULT
                .builder()
                .setHeader()
                .setSkipHeaderRecord(true)
                .setIgnoreEmptyLines(true);
        if (comments) {
            format.setCommentMarker('#');
        }
        List<Long> found = new ArrayList<>();
        try (CSVParser parser = CSVParser.parse(text, format.get())) {
            for (CSVRecord record : parser) {
                found.add(lines.lineOf(record));
            }
        }
        return found;
    }
}
