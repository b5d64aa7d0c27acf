package io.tokentally.shared;

import java.util.regex.Pattern;

/** What the JSON reader says of a fault, made fit to show in a message that already names the file and line. */
public final class JacksonMessages {

    /**
     * The reader's note of where its source is, which it cannot name (a string read in memory): "(start marker at
     * [Source: REDACTED (...); byte offset: #UNKNOWN])" or a bare "[Source: ...]".
     */
    private static final Pattern SOURCE =
            Pattern.compile("\\s*\\((?:start marker at )?\\[Source: [^\\]]*\\]\\)|\\s*(?:at )?\\[Source: [^\\]]*\\]");

    private JacksonMessages() {}

    /** {@code message} without the reader's note of its source. */
    public static String withoutSource(String message) {
        return SOURCE.matcher(message).replaceAll("");
    }
}
