package io.tokentally.plans;

import java.util.Locale;

/**
 * When the Stripe subscription items of a plan's customers move to the Stripe price of a new price
 * version (the {@code tokens} meter layout): at the version's effective instant for the plan, or at
 * the start of the first billing period that begins at or after it.
 */
public enum StripePriceMoves {
    /** At the change's effective instant (for plans that hold changes, from their approval). */
    EFFECTIVE_INSTANT,
    /** At the start of the next billing period; until then Stripe bills the old price. */
    NEXT_PERIOD;

    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * @throws IllegalArgumentException when the text is neither code
     */
    public static StripePriceMoves parse(String text) {
        for (StripePriceMoves moves : values()) {
            if (moves.code().equals(text.strip().toLowerCase(Locale.ROOT))) {
                return moves;
            }
        }
        throw new IllegalArgumentException("'" + text + "' is not effective_instant or next_period");
    }
}
