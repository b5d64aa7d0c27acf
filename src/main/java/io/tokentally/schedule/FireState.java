package io.tokentally.schedule;

/** What became of one fire time of a schedule. */
public enum FireState {
    /** Started on time. */
    STARTED,
    /** Not run: no replica was up at the time and catch-up is off or past its limit. */
    MISSED,
    /**
     * Missed at the time, run later when a replica came up: by a run of its own, or by the run of a later fire time of
     * its usage day.
     */
    CAUGHT_UP,
    /** Due, but the run could not be started (the detail says why). */
    NOT_STARTED
}
