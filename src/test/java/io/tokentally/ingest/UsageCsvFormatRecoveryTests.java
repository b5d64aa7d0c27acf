package io.tokentally.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Resynchronizing after a malformed row must lose nothing, whatever literal quotes came before it. */
class UsageCsvFormatRecoveryTests {

    static final String HEADER = "request_id,timestamp,customer_id,provider,model,input_tokens,output_tokens\n";

    @Test
    void keepsEveryRowAfterAMalformedRowThatFollowsALiteralQuote() throws Exception {
        // given: r1 has a quote inside an unquoted field (Commons CSV reads it as text), r2 has bad quoting
        String text = HEADER
                + "r1,2026-11-27T10:00:00Z,acme,openai,gpt 5\"x,10,1\n"
                + "\"r2\"x,2026-11-27T10:00:00Z,acme,openai,gpt-4o,10,1\n"
                + "r3,2026-11-27T10:00:00Z,acme,openai,gpt-4o,10,1\n"
                + "r4,2026-11-27T10:00:00Z,acme,openai,gpt-4o,10,1\n";

        // when
        List<RawRecord> records = readAll(text);

        // then
        assertThat(records).extracting(RawRecord::lineNo).containsExactly(2L, 3L, 4L, 5L);
        assertThat(records.get(0).raw()).isEqualTo("r1,2026-11-27T10:00:00Z,acme,openai,gpt 5\"x,10,1");
        assertThat(records.get(0).malformed()).contains("field 5 (model) holds a double quote");
        assertThat(records.get(1).isMalformed()).isTrue();
        assertThat(records.get(1).raw()).startsWith("\"r2\"x,");
        assertThat(records.get(2).field("request_id")).isEqualTo("r3");
        assertThat(records.get(3).field("request_id")).isEqualTo("r4");
    }

    @Test
    void aHeaderThatIsNotValidCsvFailsTheFileNotTheRun() {
        assertThatThrownBy(() -> readAll("request_id,timestamp,\"customer_id\"x,provider\n"))
                .isInstanceOf(FileFormatException.class)
                .hasMessageContaining("header row is not valid CSV");
    }

    private static List<RawRecord> readAll(String text) throws Exception {
        List<RawRecord> records = new ArrayList<>();
        try (RecordCursor cursor = new UsageCsvFormat().open(new StringReader(text))) {
            for (RawRecord record = cursor.next(); record != null; record = cursor.next()) {
                records.add(record);
            }
        }
        return records;
    }
}
