package io.tokentally.shared;

import java.util.Locale;

/** Long once a request's prompt passes the model's long-context threshold; the whole request is then long. */
public enum ContextTier {
    STANDARD,
    LONG;

    private final String code = name().toLowerCase(Locale.ROOT);

    public String code() {
        return code;
    }

    public static ContextTier fromCode(String code) {
        return valueOf(code.toUpperCase(Locale.ROOT));
    }
}
