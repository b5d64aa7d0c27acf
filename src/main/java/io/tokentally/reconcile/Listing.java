package io.tokentally.reconcile;

import java.util.List;

/** How findings name a long list: its first items, then "and N more". */
final class Listing {

    private Listing() {}

    /** The first {@code shown} of {@code items} joined by {@code separator}, then {@link #more}. */
    static String firstOf(List<String> items, int shown, String separator) {
        return String.join(separator, items.subList(0, Math.min(shown, items.size()))) + more(items.size(), shown);
    }

    /** {@code " and N more"} when {@code total} passes {@code shown}, else nothing. */
    static String more(int total, int shown) {
        return total > shown ? " and " + (total - shown) + " more" : "";
    }
}
