package io.tokentally.reconcile;

import io.tokentally.shared.Sha256;
import io.tokentally.shared.StorableText;

/**
 * A result that needs a person. The key is stable: the same problem found on two nights is one
 * finding, seen twice, with the evidence of the latest sighting.
 *
 * @param evidence the numbers compared and the source files and lines behind them, as JSON ({@link Evidence}); null
 *     when a finding has nothing to show beyond its message
 */
public record Finding(String key, String kind, Severity severity, String message, String evidence) {

    /** The longest key kept (the finding tables' column). */
    static final int MAX_KEY = 300;

    /** Characters of a hash that end a key too long to keep whole. */
    private static final int HASH_CHARACTERS = 32;

    /** The key kept as it fits, and key and message as a database can store them ({@link StorableText}). */
    public Finding {
        key = fitting(StorableText.of(key));
        message = StorableText.of(message);
    }

    public Finding(String key, String kind, Severity severity, String message) {
        this(key, kind, severity, message, (String) null);
    }

    public Finding(String key, String kind, Severity severity, String message, Evidence evidence) {
        this(key, kind, severity, message, evidence.toJson());
    }

    /**
     * {@code key} as it is kept: whole when it fits, else its start and a hash of the whole, so it stays stable and
     * unique (a key holds file paths, model ids and messages, which may be long).
     */
    static String fitting(String key) {
        if (key == null || key.length() <= MAX_KEY) {
            return key;
        }
        return StorableText.cut(key, MAX_KEY - HASH_CHARACTERS - 1) + "#"
                + Sha256.hex(key).substring(0, HASH_CHARACTERS);
    }

    /** How urgent a finding is. */
    public enum Severity {
        INFO,
        WARNING,
        ERROR
    }
}
