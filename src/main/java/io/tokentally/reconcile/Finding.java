package io.tokentally.reconcile;

/**
 * A result that needs a person. The key is stable: the same problem found on two nights is one
 * finding, seen twice.
 */
public record Finding(String key, String kind, Severity severity, String message) {

    /** How urgent a finding is. */
    public enum Severity {
        INFO,
        WARNING,
        ERROR
    }
}
