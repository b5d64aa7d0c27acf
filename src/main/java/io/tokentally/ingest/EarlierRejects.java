package io.tokentally.ingest;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The bad lines of the version a changed file changed from, by their raw text: re-reading the file meets them
 * again, and they are repeats, not new rejects. Matched by text, since rows added above them move their line
 * numbers; each earlier bad line matches one line, so a bad line that now appears once more than before is
 * rejected once.
 */
public final class EarlierRejects {

    private final Map<String, Integer> remaining = new HashMap<>();

    EarlierRejects(List<String> rawLines) {
        rawLines.forEach(raw -> remaining.merge(raw, 1, Integer::sum));
    }

    /** Whether an earlier version rejected this raw line (as the rejects table keeps it); consumes the match. */
    public boolean take(String raw) {
        String stored = RejectRepository.stored(raw);
        Integer left = remaining.get(stored);
        if (left == null) {
            return false;
        }
        if (left == 1) {
            remaining.remove(stored);
        } else {
            remaining.put(stored, left - 1);
        }
        return true;
    }
}
