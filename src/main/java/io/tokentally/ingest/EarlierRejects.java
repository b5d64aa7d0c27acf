package io.tokentally.ingest;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The bad lines of the version a changed file changed from, by their raw text: re-reading the file meets them
 * again, and they are repeats, not new rejects. Matched by text, since rows added above them move their line
 * numbers; each earlier bad line matches one line, so a line that now appears once more than before is judged
 * on its own once.
 */
public final class EarlierRejects {

    private final Map<String, Deque<Reject>> remaining = new HashMap<>();
    private final int count;

    EarlierRejects(List<Reject> rejects) {
        this.count = rejects.size();
        rejects.forEach(reject -> remaining
                .computeIfAbsent(key(reject.raw()), raw -> new ArrayDeque<>())
                .add(reject));
    }

    /** How many bad lines the earlier version had when they were read (matches consume none of this count). */
    public int count() {
        return count;
    }

    /**
     * The earlier version's reject of this raw line (matched as the rejects table keeps it), as a repeat at {@code
     * lineNo} of {@code fileId}, or null if it had none; consumes the match. A line that reads well now may have
     * been rejected for what the rows around it added up to (an hour's total past what one row may hold): it is a
     * repeat all the same.
     */
    public Reject repeatOf(long fileId, long lineNo, String raw) {
        String key = key(RejectRepository.stored(raw));
        Deque<Reject> earlier = remaining.get(key);
        if (earlier == null) {
            return null;
        }
        Reject first = earlier.poll();
        if (earlier.isEmpty()) {
            remaining.remove(key);
        }
        return new Reject(fileId, lineNo, first.code(), first.message(), raw, true);
    }

    /** The earlier version's reason for rejecting this raw line, if it did; consumes nothing. */
    public Optional<RejectCode> reasonFor(String raw) {
        Deque<Reject> earlier = remaining.get(key(RejectRepository.stored(raw)));
        return earlier == null ? Optional.empty() : Optional.of(earlier.peek().code());
    }

    /**
     * A stored raw line as it is matched: a bad row over several lines (a quoted field with a line break) is the
     * same row in a version saved again with the other line ends.
     */
    private static String key(String stored) {
        return stored.replace("\r\n", "\n");
    }
}
