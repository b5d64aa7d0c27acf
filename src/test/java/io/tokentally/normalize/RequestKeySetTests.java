package io.tokentally.normalize;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class RequestKeySetTests {

    @Test
    void keepsTheFirstFingerprintOfAKeyThroughGrowingAndThroughStoredBlocks() {
        // given: 5,000 keys, past the first capacity of 1,024 slots, each added twice with other fingerprints
        RequestKeySet keys = new RequestKeySet();
        for (long k = 1; k <= 5_000; k++) {
            assertThat(keys.add(k, -k, 100 + k)).isTrue();
            assertThat(keys.add(k, -k, 7)).isFalse();
        }

        // when: stored as blocks of 2,048 keys and read back
        List<RequestKeySet.Block> blocks = keys.toBlocks(2_048);
        RequestKeySet loaded = new RequestKeySet();
        blocks.forEach(block -> loaded.addAll(block.keys(), block.fingerprints()));

        // then
        assertThat(blocks).extracting(RequestKeySet.Block::size).containsExactly(2_048, 2_048, 904);
        assertThat(loaded.toBlocks(10_000))
                .extracting(RequestKeySet.Block::size)
                .containsExactly(5_000);
        for (long k = 1; k <= 5_000; k++) {
            assertThat(loaded.fingerprintOf(k, -k)).isEqualTo(OptionalLong.of(100 + k));
        }
        assertThat(loaded.fingerprintOf(5_001, -5_001)).isEmpty();
    }

    @Test
    void aBlockStoredWithoutFingerprintsGivesItsKeysTheUnknownOne() {
        // given
        RequestKeySet keys = new RequestKeySet();
        keys.add(1, 2, 3);
        RequestKeySet.Block block = keys.toBlocks(10).get(0);

        // when
        RequestKeySet loaded = new RequestKeySet();
        loaded.addAll(block.keys(), null);

        // then
        assertThat(loaded.fingerprintOf(1, 2)).isEqualTo(OptionalLong.of(RequestKeySet.UNKNOWN));
    }

    @Test
    void holdsAnyOfABlocksKeysOnlyWhenItHoldsOneOfThem() {
        // given: this file's keys 1 and 2; blocks another file stored with keys 2 and 3, and with key 3 only
        RequestKeySet mine = new RequestKeySet();
        mine.add(1, 1, 10);
        mine.add(2, 2, 20);
        RequestKeySet shared = new RequestKeySet();
        shared.add(2, 2, 21);
        shared.add(3, 3, 31);
        RequestKeySet other = new RequestKeySet();
        other.add(3, 3, 31);

        // when, then
        assertThat(mine.holdsAnyOf(shared.toBlocks(10).get(0).keys())).isTrue();
        assertThat(mine.holdsAnyOf(other.toBlocks(10).get(0).keys())).isFalse();
    }
}
