package io.tokentally.plans;

import java.util.Locale;

/**
 * The pricing models a plan can follow: {@link #USAGE} pays per token with a markup; {@link #FIXED} adds
 * a fee per period and included usage; {@link #CREDITS} spends prepaid credits and by default stops at
 * zero; {@link #HYBRID} may combine all of them.
 */
public enum PlanType {
    USAGE,
    FIXED,
    CREDITS,
    HYBRID;

    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }
}
