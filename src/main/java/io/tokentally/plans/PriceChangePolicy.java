package io.tokentally.plans;

import java.util.Locale;

/** How a plan takes the price changes a feed brings: from their effective instant, or once approved. */
public enum PriceChangePolicy {
    /** From the change's effective instant. */
    AUTO,
    /** From the first hour after someone approved it ({@code prices approve}); until then, the old price. */
    HOLD;

    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }
}
