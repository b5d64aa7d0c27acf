package io.tokentally.reconcile;

/**
 * A result that needs a person. The key is stable: the same problem found on two nights is one
 * finding, seen twice, with the evidence of the latest sighting.
 *
 * @param evidence the numbers compared and the source files and lines behind them, as JSON ({@link Evidence}); null
 *     when a finding has nothing to show beyond its message
 */
public record Finding(String key, String kind, Severity severity, String message, String evidence) {

    public Finding(String key, String kind, Severity severity, String message) {
        this(key, kind, severity, message, (String) null);
    }

    public Finding(String key, String kind, Severity severity, String message, Evidence evidence) {
        this(key, kind, severity, message, evidence.toJson());
    }

    /** How urgent a finding is. */
    public enum Severity {
        INFO,
        WARNING,
        ERROR
    }
}
