package io.tokentally.shared;

import java.util.Collection;
import java.util.function.UnaryOperator;

/** The known name a misspelt one was most likely meant to be, for a start-up error's "did you mean ...?". */
public final class NearestName {

    /** More edits than this and a name is taken for another, not a misspelling. */
    private static final int MOST_EDITS = 3;

    private NearestName() {}

    /**
     * The known name fewest edits from the given one, at most three, the first of those as near; null if none.
     *
     * @param compared how both names are written before they are compared, e.g. lower-cased
     */
    public static String of(String given, Collection<String> known, UnaryOperator<String> compared) {
        String from = compared.apply(given);
        String nearest = null;
        int fewest = MOST_EDITS + 1;
        for (String name : known) {
            int edits = edits(from, compared.apply(name));
            if (edits < fewest) {
                fewest = edits;
                nearest = name;
            }
        }
        return nearest;
    }

    /** Levenshtein's distance: the fewest insertions, deletions and replacements that make one text the other. */
    private static int edits(String from, String to) {
        int[] previous = new int[to.length() + 1];
        int[] current = new int[to.length() + 1];
        for (int j = 0; j <= to.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= from.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= to.length(); j++) {
                int replace = previous[j - 1] + (from.charAt(i - 1) == to.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(replace, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[to.length()];
    }
}
