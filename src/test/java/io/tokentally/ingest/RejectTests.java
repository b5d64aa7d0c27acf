package io.tokentally.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RejectTests {

    @Test
    void holdsOnlyTextUtf8CanWriteSoRejectsCsvCanBeWritten() {
        // when
        Reject reject = new Reject(1, 2, RejectCode.INVALID_STATUS, "status '\uDBFF' is not ok", "{\"s\":\"\uDBFF\"}");

        // then
        assertThat(reject.message()).isEqualTo("status '\uFFFD' is not ok");
        assertThat(reject.raw()).isEqualTo("{\"s\":\"\uFFFD\"}");
    }
}
