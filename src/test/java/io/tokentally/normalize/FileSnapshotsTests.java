package io.tokentally.normalize;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FileSnapshotsTests {

    @Test
    void aBucketSentAgainUnchangedAfterABackDatedPriceHasTheSameNumbersButNotWithOtherTokens() {
        // given: a bucket as stored, read when price version 3 was the model's newest, and as sent again under 7
        UsageLine stored = withNewestPriceIdAndInput(RequestFingerprintTests.LINE, 3, 100);
        UsageLine again = withNewestPriceIdAndInput(RequestFingerprintTests.LINE, 7, 100);
        UsageLine changed = withNewestPriceIdAndInput(RequestFingerprintTests.LINE, 7, 101);

        // when, then: the same numbers keep the aggregate that billed them; other numbers replace the bucket
        assertThat(FileSnapshots.sameNumbers(stored, again)).isTrue();
        assertThat(FileSnapshots.sameNumbers(stored, changed)).isFalse();
    }

    private static UsageLine withNewestPriceIdAndInput(UsageLine line, long newestPriceId, long input) {
        return new UsageLine(
                line.source(),
                line.requestId(),
                line.fileId(),
                line.lineNo(),
                line.occurredAt(),
                line.priceEpoch(),
                newestPriceId,
                line.customerId(),
                line.attributed(),
                line.provider(),
                line.model(),
                line.rawModel(),
                line.serviceTier(),
                line.contextTier(),
                line.billable(),
                input,
                line.cacheRead(),
                line.cacheWrite5m(),
                line.cacheWrite1h(),
                line.output(),
                line.reasoning(),
                line.units(),
                line.held(),
                line.heldInput(),
                line.contextTierStated());
    }
}
