package io.tokentally.normalize;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Random;
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
    void holdsExactlyTheKeysAddedThroughManyGrowthsWhetherHashedOrSmallNumbers() {
        // given: 300,000 keys, the table growing by half from 1,024 slots about twenty times; SHA-256 keys and
        // small numbers (whose first slots are spread by the mixing), each with a key that differs only in its second
        // half
        Random random = new Random(7);
        RequestKeySet keys = new RequestKeySet();
        Map<List<Long>, Long> expected = new HashMap<>();
        RequestKeySet.Hasher hasher = new RequestKeySet.Hasher();
        for (int i = 0; i < 150_000; i++) {
            hasher.hash("gateway", "req-" + i);
            long fingerprint = random.nextLong();
            keys.add(hasher.high(), hasher.low(), fingerprint);
            expected.putIfAbsent(List.of(hasher.high(), hasher.low()), fingerprint);
            long small = random.nextInt(100_000);
            keys.add(small, small + 1, fingerprint);
            expected.putIfAbsent(List.of(small, small + 1), fingerprint);
        }

        // when: read back from stored blocks too
        RequestKeySet loaded = new RequestKeySet();
        keys.toBlocks(65_536).forEach(block -> loaded.addAll(block.keys(), block.fingerprints()));

        // then: every key with its first fingerprint, and none of their neighbours
        for (RequestKeySet set : List.of(keys, loaded)) {
            assertThat(set.toBlocks(Integer.MAX_VALUE).get(0).size()).isEqualTo(expected.size());
            expected.forEach((key, fingerprint) -> {
                assertThat(set.fingerprintOf(key.get(0), key.get(1))).isEqualTo(OptionalLong.of(fingerprint));
                assertThat(set.contains(key.get(0), key.get(1) + 1))
                        .isEqualTo(expected.containsKey(List.of(key.get(0), key.get(1) + 1)));
            });
        }
    }

    @Test
    void keysLoadedFromAnotherSetsBlocksDoNotPileUpInAGrowingTable() {
        // given: 200,000 keys stored as blocks, which hold them in the storing set's slot order
        RequestKeySet stored = new RequestKeySet();
        RequestKeySet.Hasher hasher = new RequestKeySet.Hasher();
        for (int i = 0; i < 200_000; i++) {
            hasher.hash("gateway", "req-" + i);
            stored.add(hasher.high(), hasher.low(), i + 1);
        }

        // when: loaded block by block into a new set, which grows from 1,024 slots as they come
        RequestKeySet loaded = new RequestKeySet();
        List<Integer> longestRuns = new ArrayList<>();
        for (RequestKeySet.Block block : stored.toBlocks(65_536)) {
            loaded.addAll(block.keys(), block.fingerprints());
            longestRuns.add(loaded.longestRun());
        }

        // then: after each block, runs of taken slots as short as random keys make at three quarters full (a few
        // hundred at most), where one slot function for every table piled the first block's keys, sorted by their
        // slots, into the start of the table (one run of tens of thousands, each key probing to its end)
        assertThat(longestRuns).hasSize(4).allSatisfy(run -> assertThat(run).isLessThan(2_000));
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
