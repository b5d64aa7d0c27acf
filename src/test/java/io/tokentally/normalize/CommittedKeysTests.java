package io.tokentally.normalize;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class CommittedKeysTests {

    private static final LocalDate DAY = LocalDate.of(2026, 11, 27);
    private static final LocalDate NEXT_DAY = DAY.plusDays(1);

    /** Stored key blocks per day, numbered from 1 in commit order, and the loads asked for. */
    private final Map<LocalDate, List<long[]>> blocks = new HashMap<>();

    private final List<String> loads = new ArrayList<>();
    private final CommittedKeys.Pool pool = new CommittedKeys.Pool(this::load);

    /** Commits a block of keys (high half {@code key}, low half 0) on {@code day}, each with fingerprint 10 * key. */
    private synchronized void commit(LocalDate day, long... keys) {
        blocks.computeIfAbsent(day, d -> new ArrayList<>()).add(keys);
    }

    private synchronized long load(LocalDate day, long afterBlock, RequestKeySet keys) {
        loads.add(day + " after " + afterBlock);
        List<long[]> ofDay = blocks.getOrDefault(day, List.of());
        for (int block = (int) afterBlock; block < ofDay.size(); block++) {
            for (long key : ofDay.get(block)) {
                keys.add(key, 0, key * 10);
            }
        }
        return Math.max(afterBlock, ofDay.size());
    }

    @Test
    void passesOfARunThatRunAtOnceLoadADaysKeysOnceAndEachSeesTheDayAsItWasWhenItLooked() {
        // given: a day with one committed block, looked at by a first pass of run 1
        commit(DAY, 1, 2);
        CommittedKeys first = pool.take(1);
        CommittedKeys.DayKeys seenFirst = first.upToDate(DAY);

        // when: another file commits and a second pass of the run, running at once, looks at the day
        commit(DAY, 3);
        CommittedKeys second = pool.take(1);
        CommittedKeys.DayKeys seenSecond = second.upToDate(DAY);

        // then: the second pass loaded only the block committed since, and sees all three keys
        assertThat(loads).containsExactly(DAY + " after 0", DAY + " after 1");
        assertThat(seenSecond.contains(1, 0)).isTrue();
        assertThat(seenSecond.fingerprintOf(3, 0)).isEqualTo(OptionalLong.of(30));
        // while what the first pass got stays as it was when it looked
        assertThat(seenFirst.contains(2, 0)).isTrue();
        assertThat(seenFirst.contains(3, 0)).isFalse();
        assertThat(seenFirst.fingerprintOf(3, 0)).isEmpty();
    }

    @Test
    void aDayIsKeptWhileARunningPassLooksAtItAndDroppedWhenNoPassLooksAtItAnyMore() {
        // given: pass A looks at DAY, pass B at NEXT_DAY, both running
        commit(DAY, 1);
        commit(NEXT_DAY, 2);
        CommittedKeys passA = pool.take(1);
        passA.upToDate(DAY);
        passA.upToDate(DAY); // a second look, as a pass that reads its file again makes, counts the pass once
        CommittedKeys passB = pool.take(1);
        passB.upToDate(NEXT_DAY);

        // when: B ends, then a pass C looks at DAY again
        pool.giveBack(1, passB);
        CommittedKeys passC = pool.take(1);
        passC.upToDate(DAY);

        // then: DAY was kept for A (C loaded nothing again)
        assertThat(loads).containsExactly(DAY + " after 0", DAY + " after 1", NEXT_DAY + " after 0", DAY + " after 1");

        // when: A and C end having looked at DAY only, then a pass looks at NEXT_DAY and ends
        pool.giveBack(1, passA);
        pool.giveBack(1, passC);
        CommittedKeys passD = pool.take(1);
        passD.upToDate(NEXT_DAY);
        pool.giveBack(1, passD);

        // then: NEXT_DAY, which no pass looked at any more, was dropped and is loaded afresh
        assertThat(loads).last().isEqualTo(NEXT_DAY + " after 0");

        // and DAY, which no pass looks at now, was dropped when D ended
        pool.take(1).upToDate(DAY);
        assertThat(loads).last().isEqualTo(DAY + " after 0");
    }

    @Test
    void aPassThatLookedAtNoDayDropsNone() {
        // given: a pass that looked at DAY and ended
        commit(DAY, 1);
        CommittedKeys pass = pool.take(1);
        pass.upToDate(DAY);
        pool.giveBack(1, pass);

        // when: a provider cost export's pass, which checks no keys, ends
        pool.giveBack(1, pool.take(1));

        // then: the next pass still finds the day loaded
        pool.take(1).upToDate(DAY);
        assertThat(loads).containsExactly(DAY + " after 0", DAY + " after 1");
    }

    @Test
    void aRunsKeysAreDroppedWhenItsIngestStepEndsOrAWorkerTakesAnotherRun() {
        // given: runs 1 and 2, each with a day loaded
        commit(DAY, 1);
        pool.take(1).upToDate(DAY);
        pool.take(2).upToDate(DAY);

        // when: run 1's ingest step ends while a pass of it still runs, and the pass ends afterwards
        CommittedKeys late = pool.take(1);
        pool.release(1);
        late.upToDate(DAY);
        pool.giveBack(1, late);

        // then: a pass of run 1 starts afresh, run 2's keys are still there
        pool.take(1).upToDate(DAY);
        pool.take(2).upToDate(DAY);
        assertThat(loads).endsWith(DAY + " after 0", DAY + " after 1");

        // when: a worker keeps only run 2's keys
        pool.keepOnly(2);

        // then: run 1's are gone
        pool.take(1).upToDate(DAY);
        assertThat(loads).last().isEqualTo(DAY + " after 0");
    }

    @Test
    void passesOnTwoThreadsEachSeeEveryKeyCommittedBeforeTheyLooked() throws Exception {
        // given: two ingest threads, each committing a key of its own, then starting a pass that looks at the day
        ExecutorService threads = Executors.newFixedThreadPool(2);
        List<Future<Long>> missed = new ArrayList<>();
        for (long thread = 1; thread <= 2; thread++) {
            long first = thread * 1_000_000;
            missed.add(threads.submit(() -> {
                long notSeen = 0;
                for (long key = first; key < first + 2_000; key++) {
                    commit(DAY, key);
                    CommittedKeys pass = pool.take(1);
                    CommittedKeys.DayKeys seen = pass.upToDate(DAY);
                    // when: the pass looks up the key it committed and the first and middle keys of the thread
                    for (long earlier : new long[] {key, first, first + (key - first) / 2}) {
                        if (seen.fingerprintOf(earlier, 0).orElse(-1) != earlier * 10) {
                            notSeen++;
                        }
                    }
                    pool.giveBack(1, pass);
                }
                return notSeen;
            }));
        }
        threads.shutdown();

        // then: no pass missed a key committed before it looked
        for (Future<Long> thread : missed) {
            assertThat(thread.get(60, TimeUnit.SECONDS)).isZero();
        }
    }

    @Test
    void aDayOfAFewBigFilesIsHeldASetPerFile() {
        // given: a day whose files each committed a big set of keys, looked at by a pass after each commit
        CommittedKeys.DayKeys day = CommittedKeys.DayKeys.EMPTY;
        List<CommittedKeys.DayKeys> seen = new ArrayList<>();
        for (int file = 0; file < CommittedKeys.DayKeys.MAX_SETS + 1; file++) {
            RequestKeySet keys = new RequestKeySet();
            for (long key = 0; key < CommittedKeys.DayKeys.BIG_SET; key++) {
                keys.add(key * 0x9E3779B97F4A7C15L, file, 1); // spread: a set's slot comes from the first half
            }
            day = day.with(keys);
            seen.add(day);
        }

        // then: the first files' sets are not copied (a pass still reading the day's older keys shares them), and
        // past the limit the newest two are merged
        assertThat(seen.stream().map(CommittedKeys.DayKeys::sets)).containsExactly(1, 2, 3, 4, 4);
        assertThat(day.contains(5 * 0x9E3779B97F4A7C15L, 0)).isTrue();
        assertThat(day.contains((CommittedKeys.DayKeys.BIG_SET - 1) * 0x9E3779B97F4A7C15L, 4))
                .isTrue();
        assertThat(day.contains(0, 5)).isFalse();
    }

    @Test
    void aDayLoadedInManyBlocksIsHeldInAFewSets() {
        // given: a day committed in 1,000 blocks, one pass looking after each commit
        CommittedKeys pass = pool.take(1);
        CommittedKeys.DayKeys seen = null;
        for (long key = 1; key <= 1_000; key++) {
            commit(DAY, key);
            seen = pass.upToDate(DAY);
        }

        // then: the sets were merged as they came, to a few
        assertThat(seen.sets()).isBetween(1, 10);
        for (long key = 1; key <= 1_000; key++) {
            assertThat(seen.fingerprintOf(key, 0)).isEqualTo(OptionalLong.of(key * 10));
        }
        assertThat(seen.contains(1_001, 0)).isFalse();
    }

    @Test
    void aDayOfFilesThatShrinkOneAfterAnotherIsHeldInAFewSets() {
        // given: a day of 200 files, each with one key fewer than the one before
        CommittedKeys.DayKeys day = CommittedKeys.DayKeys.EMPTY;
        long next = 0;
        for (int file = 0; file < 200; file++) {
            RequestKeySet keys = new RequestKeySet();
            for (int key = 0; key < 200 - file; key++) {
                keys.add(++next * 0x9E3779B97F4A7C15L, 0, next);
            }
            day = day.with(keys);
        }

        // then: the sets were merged all the same, and hold every key
        assertThat(day.sets()).isBetween(1, 10);
        assertThat(day.fingerprintOf(next * 0x9E3779B97F4A7C15L, 0)).isEqualTo(OptionalLong.of(next));
        assertThat(day.fingerprintOf(0x9E3779B97F4A7C15L, 0)).isEqualTo(OptionalLong.of(1));
    }

    @Test
    void aKeyInTwoSetsOfADayKeepsTheFingerprintStoredFirst() {
        // given: a day whose older set holds key 7 with fingerprint 1 and a newer one holds it with fingerprint 2,
        // the older too big to be merged with the newer
        RequestKeySet older = new RequestKeySet();
        older.add(7, 7, 1);
        older.add(8, 8, 1);
        older.add(9, 9, 1);
        RequestKeySet newer = new RequestKeySet();
        newer.add(7, 7, 2);
        CommittedKeys.DayKeys day = CommittedKeys.DayKeys.EMPTY.with(older).with(newer);

        // when: the key is looked up, and the two sets are merged
        RequestKeySet merged = RequestKeySet.merged(older, newer);

        // then: both tell the older fingerprint
        assertThat(day.sets()).isEqualTo(2);
        assertThat(day.fingerprintOf(7, 7)).isEqualTo(OptionalLong.of(1));
        assertThat(merged.size()).isEqualTo(3);
        assertThat(merged.fingerprintOf(7, 7)).isEqualTo(OptionalLong.of(1));
    }
}
