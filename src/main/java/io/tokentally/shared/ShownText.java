package io.tokentally.shared;

/** A value as a message shows it, so that a character that cannot be seen can be read. */
public final class ShownText {

    private ShownText() {}

    /**
     * The value in single quotes, with control and other invisible characters (a no-break space, a zero-width
     * space) written as {@code \\uXXXX}, so that {@code 100} followed by a vertical tab does not read as a valid
     * {@code 100}, nor {@code acme} followed by a no-break space as {@code acme}. A character outside the Basic
     * Multilingual Plane is written as its two UTF-16 units, as Java and JSON escape it.
     */
    public static String quoted(String value) {
        return "'" + escaped(value) + "'";
    }

    /** The value with its invisible characters written as escapes, as {@link #quoted} writes it, without quotes. */
    public static String escaped(String value) {
        StringBuilder shown = new StringBuilder(value.length());
        value.codePoints().forEach(c -> {
            if (Character.isISOControl(c)
                    || Character.getType(c) == Character.FORMAT
                    || (Character.isSpaceChar(c) && c != ' ')) {
                for (char unit : Character.toChars(c)) {
                    shown.append(String.format("\\u%04X", (int) unit));
                }
            } else {
                shown.appendCodePoint(c);
            }
        });
        return shown.toString();
    }
}
