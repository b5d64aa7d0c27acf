package io.tokentally.reconcile;

import java.math.BigDecimal;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * One side of a provider reconciliation key: its tokens, their list-price cost and the files they came from,
 * each with the range of its lines that contributed (when known).
 */
final class UsageSide {

    private long tokens;
    private BigDecimal listUsd = BigDecimal.ZERO;
    private BigDecimal repricedUsd = BigDecimal.ZERO;
    private long unpricedTokens;
    private long elsewhereTokens;
    private BigDecimal elsewhereUsd = BigDecimal.ZERO;
    private final Map<String, long[]> files = new TreeMap<>();

    void add(long moreTokens, BigDecimal moreUsd, String file) {
        add(moreTokens, moreUsd, file, 0, 0);
    }

    /** Adds usage of {@code file} from lines {@code firstLine} to {@code lastLine} (both 0 when unknown). */
    void add(long moreTokens, BigDecimal moreUsd, String file, long firstLine, long lastLine) {
        tokens += moreTokens;
        listUsd = listUsd.add(moreUsd);
        addLines(file, firstLine, lastLine);
    }

    void addAll(UsageSide other) {
        tokens += other.tokens;
        listUsd = listUsd.add(other.listUsd);
        repricedUsd = repricedUsd.add(other.repricedUsd);
        unpricedTokens += other.unpricedTokens;
        elsewhereTokens += other.elsewhereTokens;
        elsewhereUsd = elsewhereUsd.add(other.elsewhereUsd);
        other.files.forEach((file, range) -> addLines(file, range[0], range[1]));
    }

    private void addLines(String file, long firstLine, long lastLine) {
        long[] range = files.computeIfAbsent(file, f -> new long[] {Long.MAX_VALUE, 0});
        if (lastLine > 0) {
            range[0] = Math.min(range[0], firstLine);
            range[1] = Math.max(range[1], lastLine);
        }
    }

    /** Changes the list price by {@code difference}: some of the side's tokens priced as the other side's. */
    void reprice(BigDecimal difference) {
        listUsd = listUsd.add(difference);
        repricedUsd = repricedUsd.add(difference);
    }

    /** Marks {@code tokens} counted on this side as having no list price (at $0 in it): held usage, say. */
    void unpriced(long tokens) {
        unpricedTokens += tokens;
    }

    /** The tokens of the side that have no list price ({@link #unpriced}). */
    long unpricedTokens() {
        return unpricedTokens;
    }

    /**
     * Marks usage counted on this side, {@code tokens} of list price {@code usd}, as billed by another party than the
     * key's provider (Claude on Vertex AI in Google's Cloud Billing export): no charge of the provider's covers it.
     */
    void billedElsewhere(long tokens, BigDecimal usd) {
        elsewhereTokens += tokens;
        elsewhereUsd = elsewhereUsd.add(usd);
    }

    /** The tokens of the side's usage that another party bills ({@link #billedElsewhere}). */
    long elsewhereTokens() {
        return elsewhereTokens;
    }

    /** The list price of the side's usage that another party bills ({@link #billedElsewhere}). */
    BigDecimal elsewhereUsd() {
        return elsewhereUsd;
    }

    /** The list price of the usage the key's provider bills itself: the side's, less what another party bills. */
    BigDecimal ownListUsd() {
        return listUsd.subtract(elsewhereUsd).max(BigDecimal.ZERO);
    }

    long tokens() {
        return tokens;
    }

    BigDecimal listUsd() {
        return listUsd;
    }

    /** How much {@link #reprice} changed the list price by. */
    BigDecimal repricedUsd() {
        return repricedUsd;
    }

    Set<String> files() {
        return files.keySet();
    }

    /** Adds this side's files and line ranges to the evidence, as sources of {@code side}. */
    void addSources(Evidence evidence, String side) {
        files.forEach((file, range) -> evidence.source(side, file, Evidence.lines(range[0], range[1]), null));
    }

    static UsageSide of(long tokens, String usd, String... files) {
        UsageSide side = new UsageSide();
        side.tokens = tokens;
        side.listUsd = new BigDecimal(usd);
        for (String file : files) {
            side.addLines(file, 0, 0);
        }
        return side;
    }
}
