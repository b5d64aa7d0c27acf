package io.tokentally.plans;

import java.util.Locale;

/** The pricing models a plan can follow; only {@link #USAGE} is rated so far. */
public enum PlanType {
    USAGE,
    FIXED,
    CREDITS,
    HYBRID;

    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }
}
