package io.tokentally.rating;

import io.tokentally.normalize.IngestCommitLock;
import java.time.Instant;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Marks what one rate step writes, in each chunk's transaction: its hours for the build-outbox step ({@link
 * UnplannedHours}) and its customers' days for summing again ({@link RatedDays}), each once per step.
 *
 * <p>Another run may sum the marked days between two chunks of this step and forget this step's marks. A
 * chunk therefore holds the ingest commit lock, which {@link RatedDays#sumMarked} holds too, so a sum never
 * falls inside a chunk, and it marks every day again when some of this step's marks are gone. An hour's mark
 * needs no such care: the run's own build plans its hours whatever the marks say.
 */
final class WrittenMarks {

    private final UnplannedHours unplannedHours;
    private final RatedDays ratedDays;
    private final IngestCommitLock lock;
    private final long run;
    /** What this step has marked: a failed chunk fails the step, and a restart starts afresh. */
    private final Set<Instant> markedHours = new HashSet<>();

    private final Set<RatedDays.CustomerDay> markedDays = new HashSet<>();

    WrittenMarks(UnplannedHours unplannedHours, RatedDays ratedDays, IngestCommitLock lock, long run) {
        this.unplannedHours = unplannedHours;
        this.ratedDays = ratedDays;
        this.lock = lock;
        this.run = run;
    }

    /** Takes the lock for the chunk's transaction; call it before the chunk writes. */
    void beginChunk() {
        lock.holdUntilTransactionEnds();
        if (!markedDays.isEmpty() && ratedDays.marksOf(run) < markedDays.size()) {
            markedDays.clear();
        }
    }

    /** Marks the hours and customer days of the aggregates written that this step has not marked yet. */
    void written(Collection<List<RatedAggregate>> written) {
        Set<Instant> hours = new HashSet<>();
        Set<RatedDays.CustomerDay> days = new HashSet<>();
        for (List<RatedAggregate> aggregates : written) {
            for (RatedAggregate aggregate : aggregates) {
                if (markedHours.add(aggregate.hourStart())) {
                    hours.add(aggregate.hourStart());
                }
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
