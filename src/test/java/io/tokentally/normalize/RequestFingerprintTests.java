package io.tokentally.normalize;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokentally.shared.ContextTier;
import io.tokentally.shared.ServiceTier;
import io.tokentally.shared.UnitCounts;
import java.time.Instant;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

class RequestFingerprintTests {

    static final UsageLine LINE = new UsageLine(
            "gateway",
            "r1",
            1,
            2,
            Instant.parse("2026-11-27T10:15:00Z"),
            Instant.parse("2026-11-27T10:00:00Z"),
            0,
            "acme",
            true,
            "openai",
            "openai/gpt-4o",
            "gpt-4o",
            ServiceTier.STANDARD,
            ContextTier.STANDARD,
            true,
            100,
            20,
            5,
            1,
            50,
            10,
            new UnitCounts(1, 2, 3),
            false,
            null,
            true);

    @Test
    void isAStoredFormatSoItsValueForALineIsFixed() {
        // when
        long fingerprint = RequestFingerprint.of(LINE);

        // then: a change of this value makes every stored first copy differ from its repeats
        assertThat(Long.toHexString(fingerprint)).isEqualTo("edf20704f9aa0212");
    }

    @Test
    void differsWhenAnythingBilledDiffersButNotForTheTimestampOrTheFile() {
        // given
        List<UnaryOperator<Object[]>> changes = List.of(
                f -> set(f, 6, "acmf"),
                f -> set(f, 8, "anthropic"),
                f -> set(f, 9, "openai/gpt-4o-mini"),
                f -> set(f, 11, ServiceTier.BATCH),
                f -> set(f, 12, ContextTier.LONG),
                f -> set(f, 13, false),
                f -> set(f, 14, 101L),
                f -> set(f, 15, 21L),
                f -> set(f, 16, 6L),
                f -> set(f, 17, 2L),
                f -> set(f, 18, 51L),
                f -> set(f, 19, 11L),
                f -> set(f, 20, new UnitCounts(1, 2, 4)));

        // when, then
        long fingerprint = RequestFingerprint.of(LINE);
        for (UnaryOperator<Object[]> change : changes) {
            assertThat(RequestFingerprint.of(copy(change))).isNotEqualTo(fingerprint);
        }
        UsageLine elsewhere = copy(f -> set(set(set(f, 2, 9L), 3, 77L), 4, Instant.parse("2026-11-28T00:00:01Z")));
        assertThat(RequestFingerprint.of(elsewhere)).isEqualTo(fingerprint);
    }

    @Test
    void tellsTextsApartWhereTheirCharactersShiftBetweenFields() {
        // given: "Aa" and "BB" have one String.hashCode; "acme"+"openai" and "acmeo"+"penai" one concatenation
        UsageLine aa = copy(f -> set(f, 6, "Aa"));
        UsageLine bb = copy(f -> set(f, 6, "BB"));
        UsageLine shifted = copy(f -> set(set(f, 6, "acmeo"), 8, "penai"));

        // when, then
        assertThat(RequestFingerprint.of(aa)).isNotEqualTo(RequestFingerprint.of(bb));
        assertThat(RequestFingerprint.of(shifted)).isNotEqualTo(RequestFingerprint.of(LINE));
    }

    private static Object[] set(Object[] fields, int index, Object value) {
        fields[index] = value;
        return fields;
    }

    private static UsageLine copy(UnaryOperator<Object[]> change) {
        Object[] f = change.apply(new Object[] {
            LINE.source(),
            LINE.requestId(),
            LINE.fileId(),
            LINE.lineNo(),
            LINE.occurredAt(),
            LINE.priceEpoch(),
            LINE.customerId(),
            LINE.attributed(),
            LINE.provider(),
            LINE.model(),
            LINE.rawModel(),
            LINE.serviceTier(),
            LINE.contextTier(),
            LINE.billable(),
            LINE.input(),
            LINE.cacheRead(),
            LINE.cacheWrite5m(),
            LINE.cacheWrite1h(),
            LINE.output(),
            LINE.reasoning(),
            LINE.units()
        });
        return new UsageLine(
                (String) f[0],
                (String) f[1],
                (long) f[2],
                (long) f[3],
                (Instant) f[4],
                (Instant) f[5],
                LINE.newestPriceId(),
                (String) f[6],
                (boolean) f[7],
                (String) f[8],
                (String) f[9],
                (String) f[10],
                (ServiceTier) f[11],
                (ContextTier) f[12],
                (boolean) f[13],
                (long) f[14],
                (long) f[15],
                (long) f[16],
                (long) f[17],
                (long) f[18],
                (long) f[19],
                (UnitCounts) f[20],
                false,
                null,
                true);
    }
}
