package io.tokentally.cli;

import java.util.Iterator;
import java.util.List;

/** The jobs the command line can run. */
final class JobNames implements Iterable<String> {

    static final String NIGHTLY_BILLING = "nightly-billing";

    @Override
    public Iterator<String> iterator() {
        return List.of(NIGHTLY_BILLING).iterator();
    }
}
