package io.tokentally.normalize;

import java.time.Instant;

/**
 * The customers whose plan holds price changes until someone approves them ({@code price_changes: hold}): whether a
 * request of theirs is long-context is told by the threshold those plans see, not one a sync changed unapproved.
 */
public interface PriceHolders {

    /** No customer holds price changes. */
    PriceHolders NONE = new PriceHolders() {
        @Override
        public boolean any() {
            return false;
        }

        @Override
        public boolean holdsAt(String customerId, Instant hourStart) {
            return false;
        }
    };

    /** Whether any customer's plan, at any time, holds price changes. */
    boolean any();

    /** Whether the customer's plan in force at the start of an hour holds price changes (as rating picks it). */
    boolean holdsAt(String customerId, Instant hourStart);
}
