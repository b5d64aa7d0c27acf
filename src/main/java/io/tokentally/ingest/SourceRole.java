package io.tokentally.ingest;

import java.util.Locale;

/**
 * What an input source's usage is for. {@code billable} usage bills customers (gateway logs,
 * self-reports); {@code cost} usage is what the provider says was used and charged (usage and cost
 * exports): it is stored for reconciliation and never billed; {@code both} bills and is a cost source
 * (one provider project or API key per customer, billed straight from the provider's export).
 */
public enum SourceRole {
    BILLABLE,
    COST,
    BOTH;

    /** Whether the source's usage is rated and billed. */
    public boolean bills() {
        return this != COST;
    }

    /** Whether the source stands for the provider's side in reconciliation. */
    public boolean costs() {
        return this != BILLABLE;
    }

    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@code billable}, {@code cost} or {@code both} (any case). */
    public static SourceRole parse(String code) {
        for (SourceRole role : values()) {
            if (role.code().equalsIgnoreCase(code.strip())) {
                return role;
            }
        }
        throw new IllegalArgumentException(
                "unknown source role '" + code + "': a source's role is billable, cost or both");
    }

    /**
     * Splits the name part of a source spec ({@code name}, {@code name:role} or {@code :role}) into the
     * name (null when not given) and the role (billable when not given).
     */
    public static Named split(String namePart) {
        int colon = namePart.lastIndexOf(':');
        if (colon < 0) {
            return new Named(namePart.strip().isEmpty() ? null : namePart.strip(), BILLABLE);
        }
        String name = namePart.substring(0, colon).strip();
        return new Named(name.isEmpty() ? null : name, parse(namePart.substring(colon + 1)));
    }

    /** A source's name (or null) and role. */
    public record Named(String name, SourceRole role) {}

    /**
     * The name part of a spec: {@code name} for a billable source, else {@code name:role}; a name holding a colon
     * (one taken from a folder or an S3 prefix, {@code 12:00}) keeps its role, so that it reads back whole.
     */
    public String suffixed(String name) {
        return this == BILLABLE && name.indexOf(':') < 0 ? name : name + ":" + code();
    }
}
