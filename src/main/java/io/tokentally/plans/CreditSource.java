package io.tokentally.plans;

import java.util.List;
import java.util.Locale;

/** What pays for usage before it becomes overage; a plan consumes them in its stated order. */
public enum CreditSource {
    /** The plan's included usage of the billing period. */
    INCLUDED,
    /** Promotional credit grants (from the purchases feed). */
    PROMOTIONAL,
    /** Paid credit grants: credit packs and top-ups. */
    PAID;

    /** Included usage, then promotional credits, then paid credits; overage is always last. */
    public static final List<CreditSource> DEFAULT_ORDER = List.of(INCLUDED, PROMOTIONAL, PAID);

    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static CreditSource parse(String text) {
        return valueOf(text.strip().toUpperCase(Locale.ROOT));
    }
}
