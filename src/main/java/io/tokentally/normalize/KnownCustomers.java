package io.tokentally.normalize;

import java.util.Set;

/** The customer ids usage can be attributed to, and those whose plans hold price changes; the plans stage implements it. */
public interface KnownCustomers {

    Set<String> customerIds();

    PriceHolders priceHolders();
}
