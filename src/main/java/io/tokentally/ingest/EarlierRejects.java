package io.tokentally.ingest;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The bad lines that the earlier versions of a changed file already rejected, by their raw text: re-reading
 * the file meets them again, and they are not new rejects. Each earlier reject matches one line, so a bad line
 * that now appears once more than before is rejected once.
 */
public final class EarlierRejects {

    private final Map<String, Integer> remaining = new HashMap<>();

    EarlierRejects(List<String> rawLines) {
        rawLines.forEach(raw -> remaining.merge(raw, 1, Integer::sum));
    }

    /** Whether an earlier version rejected this raw line (as the rejects table keeps it); consumes the match. */
    public boolean take(String raw) {
        if (remaining.isEmpty()) {
            return false;
        }
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
