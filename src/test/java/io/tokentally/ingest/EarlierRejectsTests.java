package io.tokentally.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class EarlierRejectsTests {

    @Test
    void eachEarlierBadLineMatchesOneLineOfTheSameText() {
        // given: the earlier version had line a twice and line b once
        EarlierRejects earlier = new EarlierRejects(rejects("a", "b", "a"));

        // when
        List<Boolean> taken = new ArrayList<>();
        for (String raw : List.of("a", "b", "a", "a", "b", "c")) {
            taken.add(earlier.repeatOf(1, 2, raw) != null);
        }

        // then: a third a, a second b and an unknown c are new
        assertThat(taken).containsExactly(true, true, true, false, false, false);
    }

    @Test
    void aLineLongerThanTheTableKeepsMatchesItsStoredStart() {
        // given: a bad line that was stored cut to the column's length
        String longLine = "x".repeat(RejectRepository.MAX_RAW_LENGTH + 10);
        EarlierRejects earlier = new EarlierRejects(rejects(RejectRepository.stored(longLine)));

        // then
        assertThat(earlier.repeatOf(1, 2, longLine)).isNotNull();
        assertThat(earlier.repeatOf(1, 2, longLine)).isNull();
    }

    @Test
    void aBadLineOverTwoLinesMatchesItsCopyWithTheOtherLineEnds() {
        // given: the earlier version had a bad row with a quoted line break, saved with LF and with CRLF line ends
        EarlierRejects lf = new EarlierRejects(rejects("r4,\"bad\nline\",oops"));
        EarlierRejects crlf = new EarlierRejects(rejects("r4,\"bad\r\nline\",oops"));

        // then: the file saved again with the other line ends repeats it
        assertThat(lf.repeatOf(1, 2, "r4,\"bad\r\nline\",oops")).isNotNull();
        assertThat(crlf.repeatOf(1, 2, "r4,\"bad\nline\",oops")).isNotNull();
    }

    @Test
    void aFileThatChangedFromNothingHasNoEarlierBadLines() {
        assertThat(new EarlierRejects(List.of()).repeatOf(1, 2, "a")).isNull();
    }

    private static List<Reject> rejects(String... raw) {
        return Arrays.stream(raw)
                .map(line -> new Reject(1, 2, RejectCode.MALFORMED_ROW, "bad", line))
                .toList();
    }
}
