package io.tokentally.rating;

import java.time.Instant;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Marks what one rate step writes, in each chunk's transaction: its hours for the build-outbox step ({@link
 * UnplannedHours}), every chunk, and its customers' days for summing again ({@link RatedDays}), once per step.
 *
 * <p>Another run may sum the marked days between two chunks of this step and forget this step's marks. A
 * chunk therefore holds the lock that summing holds, so a sum never falls inside a chunk, and it marks every
 * day again when some of this step's marks are gone.
 */
final class WrittenMarks {

    private final UnplannedHours unplannedHours;
    private final RatedDays ratedDays;
    private final long run;
    /** The days this step has marked: a failed chunk fails the step, and a restart starts afresh. */
    private final Set<RatedDays.CustomerDay> markedDays = new HashSet<>();

    WrittenMarks(UnplannedHours unplannedHours, RatedDays ratedDays, long run) {
        this.unplannedHours = unplannedHours;
        this.ratedDays = ratedDays;
        this.run = run;
    }

    /** Takes the summing lock for the chunk's transaction; call it before the chunk writes. */
    void beginChunk() {
        ratedDays.holdSumLockUntilTransactionEnds();
        if (!markedDays.isEmpty() && ratedDays.marksOf(run) < markedDays.size()) {
            markedDays.clear();
        }
    }

    /** Marks the hours of the aggregates written, and the customer days this step has not marked yet. */
    void written(Collection<List<RatedAggregate>> written) {
        Set<Instant> hours = new HashSet<>();
        Set<RatedDays.CustomerDay> days = new HashSet<>();
        for (List<RatedAggregate> aggregates : written) {
            for (RatedAggregate aggregate : aggregates) {
                hours.add(aggregate.hourStart());
                RatedDays.CustomerDay day = RatedDays.CustomerDay.of(aggregate.customerId(), aggregate.hourStart());
                if (markedDays.add(day)) {
                    days.add(day);
                }
            }
        }
        unplannedHours.mark(hours, run);
        ratedDays.mark(days, run);
    }
}
