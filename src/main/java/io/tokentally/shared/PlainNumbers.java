package io.tokentally.shared;

import java.math.BigDecimal;
import java.math.MathContext;

/**
 * Numbers as files, feeds and options write them: with the digits 0 to 9 only. Java's parsers take a digit of any
 * script ({@code new BigDecimal("٥")} is 5, as are a full-width ５ and {@code Long.parseLong("٥")}), which the usage
 * CSV refuses, so every other number a person or a feed writes is read here, and such text is no number either.
 */
public final class PlainNumbers {

    private PlainNumbers() {}

    /** {@code new BigDecimal(text)} of text whose digits are 0 to 9. */
    public static BigDecimal decimal(String text) {
        return new BigDecimal(plain(text));
    }

    /** {@code Long.parseLong(text)} of text whose digits are 0 to 9. */
    public static long wholeLong(String text) {
        return Long.parseLong(plain(text));
    }

    /** {@code Integer.parseInt(text)} of text whose digits are 0 to 9. */
    public static int wholeInt(String text) {
        return Integer.parseInt(plain(text));
    }

    /**
     * A number as a message shows it: plain, or, when plain it would be longer than 40 characters, in scientific
     * notation to 16 significant digits ({@code 1e400} is shown {@code 1E+400}, not as 401 digits).
     */
    public static String shown(BigDecimal value) {
        String plain = value.toPlainString();
        if (plain.length() <= 40) {
            return plain;
        }
        return value.round(new MathContext(16)).stripTrailingZeros().toString();
    }

    /**
     * The text, unless it holds a digit other than 0 to 9.
     *
     * @throws NumberFormatException if it does, as the parsers throw for text that is no number
     */
    private static String plain(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if ((c < '0' || c > '9') && Character.isDigit(c)) {
                throw new NumberFormatException("a digit other than 0 to 9: " + text);
            }
        }
        return text;
    }
}
