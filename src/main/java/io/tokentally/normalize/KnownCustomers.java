package io.tokentally.normalize;

import java.util.Set;

/** The customer ids usage can be attributed to; the plans stage implements it. */
public interface KnownCustomers {

    Set<String> customerIds();
}
