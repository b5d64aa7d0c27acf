package io.tokentally.shared;

/**
 * Text tokentally keeps in a column of bounded length: a longer value is refused with these words, where it is read,
 * rather than failing the database write (and with it a whole file, or the run) later.
 */
public final class FieldLength {

    /** The longest customer id kept (usage, customers, purchases). */
    public static final int CUSTOMER_ID = 200;

    /** The longest canonical {@code provider/model} id kept (prices, plans, usage as written). */
    public static final int MODEL = 200;

    /** The longest provider kept: a model id's part before its slash. */
    public static final int PROVIDER = 50;

    private FieldLength() {}

    /**
     * The words, after the field's name, for a value of {@code length} characters where at most {@code maxLength}
     * are kept: {@code has 250 characters; at most 200 are allowed}.
     */
    public static String tooLong(int length, int maxLength) {
        return "has " + length + " characters; at most " + maxLength + " are allowed";
    }

    /** {@code value} (or null), refused naming {@code field} as an {@link IllegalArgumentException} when longer. */
    public static String atMost(String field, String value, int maxLength) {
        if (value != null && value.length() > maxLength) {
            throw new IllegalArgumentException(field + " " + tooLong(value.length(), maxLength));
        }
        return value;
    }
}
