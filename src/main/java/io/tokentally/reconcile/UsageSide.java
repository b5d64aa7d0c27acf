package io.tokentally.reconcile;

import java.math.BigDecimal;
import java.util.Set;
import java.util.TreeSet;

/** One side of a provider reconciliation key: its tokens, their list-price cost and the files they came from. */
final class UsageSide {

    private long tokens;
    private BigDecimal listUsd = BigDecimal.ZERO;
    private final Set<String> files = new TreeSet<>();

    void add(long moreTokens, BigDecimal moreUsd, String file) {
        tokens += moreTokens;
        listUsd = listUsd.add(moreUsd);
        files.add(file);
    }

    void addAll(UsageSide other) {
        tokens += other.tokens;
        listUsd = listUsd.add(other.listUsd);
        files.addAll(other.files);
    }

    long tokens() {
        return tokens;
    }

    BigDecimal listUsd() {
        return listUsd;
    }

    Set<String> files() {
        return files;
    }

    static UsageSide of(long tokens, String usd, String... files) {
        UsageSide side = new UsageSide();
        side.tokens = tokens;
        side.listUsd = new BigDecimal(usd);
        side.files.addAll(Set.of(files));
        return side;
    }
}
