package io.tokentally.shared;

import java.util.regex.Pattern;
import tools.jackson.core.JacksonException;
import tools.jackson.core.TokenStreamLocation;

/** What the JSON reader says of a fault, made fit to show in a message that already names the file and line. */
public final class JacksonMessages {

    /**
     * The reader's note of where its source is, which it cannot name (a string read in memory): "(start marker at
     * [Source: REDACTED (...); byte offset: #UNKNOWN])" or a bare "[Source: ...]".
     */
    private static final Pattern SOURCE =
            Pattern.compile("\\s*\\((?:start marker at )?\\[Source: [^\\]]*\\]\\)|\\s*(?:at )?\\[Source: [^\\]]*\\]");

    private JacksonMessages() {}

    /**
     * Where in its source the reader met the fault, as " line L, column C" (both from 1), or empty when it cannot tell
     * (a fault found after the text was read).
     */
    public static String place(JacksonException e) {
        TokenStreamLocation at = e.getLocation();
        return at == null || at.getLineNr() < 1 ? "" : " line " + at.getLineNr() + ", column " + at.getColumnNr();
    }

    /** {@code message} without the reader's note of its source. */
    public static String withoutSource(String message) {
        return SOURCE.matcher(message).replaceAll("");
    }
}
