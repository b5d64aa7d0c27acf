package io.tokentally.shared;

import java.util.Collection;
import java.util.Locale;
import java.util.function.UnaryOperator;

/** The known name a misspelt one was most likely meant to be, for a start-up error's "did you mean ...?". */
public final class NearestName {

    /** More edits than this and a name is taken for another, not a misspelling. */
    private static final int MOST_EDITS = 3;

    private NearestName() {}

    /**
     * The known name fewest edits from the given one, the first of those as near; null if none is near enough. Near
     * enough is at most one edit for each three letters of the given name's last part (after its last dot), at least
     * one and at most three: {@code user} is not taken for {@code url}, nor {@code pass} for {@code name}. Two
     * neighbouring letters swapped ({@code ulr}) are one edit.
     *
     * @param compared how both names are written before they are compared, e.g. lower-cased
     */
    public static String of(String given, Collection<String> known, UnaryOperator<String> compared) {
        String from = compared.apply(given);
        int most =
                Math.min(MOST_EDITS, Math.max(1, compared.apply(lastPart(given)).length() / 3));
        String nearest = null;
        int fewest = most + 1;
        for (String name : known) {
            int edits = edits(from, compared.apply(name));
            if (edits < fewest) {
                fewest = edits;
                nearest = name;
            }
        }
        return nearest;
    }

    /** {@link #of} with both names compared in lower case. */
    public static String ignoringCase(String given, Collection<String> known) {
        return of(given, known, text -> text.toLowerCase(Locale.ROOT));
    }

    private static String lastPart(String name) {
        return name.substring(name.lastIndexOf('.') + 1);
    }

    /**
     * The fewest insertions, deletions, replacements and swaps of two neighbouring letters that make one text the
     * other (the optimal string alignment distance).
     */
    private static int edits(String from, String to) {
        int[][] d = new int[from.length() + 1][to.length() + 1];
        for (int i = 0; i <= from.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= to.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= from.length(); i++) {
            for (int j = 1; j <= to.length(); j++) {
                int replace = d[i - 1][j - 1] + (from.charAt(i - 1) == to.charAt(j - 1) ? 0 : 1);
                d[i][j] = Math.min(replace, Math.min(d[i - 1][j], d[i][j - 1]) + 1);
                if (i > 1
                        && j > 1
                        && from.charAt(i - 1) == to.charAt(j - 2)
                        && from.charAt(i - 2) == to.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[from.length()][to.length()];
    }
}
