package io.tokentally.shared;

/**
 * Text that can be written as UTF-8 and stored. A JSON string may hold an escaped half of a surrogate pair ({@code
 * "\ud800"}): valid JSON, but not a character, so no UTF-8 file can hold it and two ids differing only there
 * would print alike. Such a half is read as U+FFFD, as bytes that are not UTF-8 are; so is a NUL (U+0000, raw in a
 * CSV file or escaped in JSON), which PostgreSQL's text cannot hold: stored, it failed the whole run there.
 */
public final class StorableText {

    private static final char REPLACEMENT = '\uFFFD';

    /** Why a value holding a NUL is refused where it cannot be read as U+FFFD (an id in a reference file). */
    public static final String NUL_REFUSED = "holds a NUL (U+0000), which PostgreSQL does not store";

    /** Why a value holding half of a surrogate pair is refused where it cannot be read as U+FFFD. */
    public static final String HALF_PAIR_REFUSED =
            "holds half of a surrogate pair (an escaped \\ud83d without its other half), which is not a character";

    private StorableText() {}

    /** {@code text} with each unpaired surrogate and NUL replaced by U+FFFD; the same instance when it has none. */
    public static String of(String text) {
        if (text == null) {
            return null;
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isSurrogate(c) || c == '\u0000') {
                return replaceUnstorable(text, i);
            }
        }
        return text;
    }

    /** Whether {@code text} holds a NUL. */
    public static boolean holdsNul(String text) {
        return text != null && text.indexOf('\u0000') >= 0;
    }

    /**
     * Why {@code text} is refused where a value cannot be read as U+FFFD (an id in a reference file or a purchases
     * feed: two ids differing only there would be stored or printed alike), or null when it can be stored as written.
     */
    public static String whyRefused(String text) {
        if (holdsNul(text)) {
            return NUL_REFUSED;
        }
        // of() returns the text itself when it holds no NUL and no half pair; the NUL is ruled out above
        return text == null || of(text) == text ? null : HALF_PAIR_REFUSED;
    }

    /**
     * The first {@code max} UTF-16 units of {@code text}, one fewer where the cut would split a surrogate pair (half
     * a character cannot be written as UTF-8); the text itself when it is no longer.
     */
    public static String cut(String text, int max) {
        if (text == null || text.length() <= max) {
            return text;
        }
        int end = Character.isHighSurrogate(text.charAt(max - 1)) ? max - 1 : max;
        return text.substring(0, end);
    }

    private static String replaceUnstorable(String text, int first) {
        StringBuilder out = null;
        for (int i = first; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c) || c == '\u0000') {
                if (out == null) {
                    out = new StringBuilder(text);
                }
                out.setCharAt(i, REPLACEMENT);
            }
        }
        return out == null ? text : out.toString();
    }
}
