package io.tokentally.ingest;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Columns of a usage file's header that the format ignores but that look like one of its optional columns the
 * header lacks: misspelt ({@code cached_input_token}) or named as a provider names the count ({@code
 * cache_read_input_tokens}). The format ignores unknown columns, so such a file is read as if it had no such
 * counts: cached tokens billed as no cache reads at all, say. This names them, so the operator can tell.
 */
public final class LookalikeColumns {

    /** At most this many single-character edits apart, after spaces and hyphens are read as underscores. */
    private static final int MAX_EDITS = 2;

    /** How providers' own usage objects name counts the usage format has columns for. */
    private static final Map<String, String> PROVIDER_NAMES = Map.of(
            "cache_read_input_tokens", UsageColumns.CACHED_INPUT_TOKENS,
            "cached_tokens", UsageColumns.CACHED_INPUT_TOKENS,
            "cache_read_tokens", UsageColumns.CACHED_INPUT_TOKENS,
            "cache_creation_input_tokens", UsageColumns.CACHE_WRITE_TOKENS,
            "reasoning_output_tokens", UsageColumns.REASONING_TOKENS);

    private LookalikeColumns() {}

    /**
     * "'cached_input_token' (like cached_input_tokens)" for each ignored header name that looks like a column of
     * the format the header lacks, in header order; empty when there is none.
     *
     * @param header the header's names, as normalized (stripped, lower case)
     */
    public static List<String> of(Collection<String> header) {
        Set<String> present = Set.copyOf(header);
        List<String> found = new ArrayList<>();
        for (String name : header) {
            if (name.isEmpty() || UsageColumns.ALL.contains(name)) {
                continue;
            }
            String spelled = name.replace(' ', '_').replace('-', '_');
            String meant = PROVIDER_NAMES.get(spelled);
            if (meant == null) {
                meant = UsageColumns.ALL.stream()
                        .filter(column -> !present.contains(column))
                        .filter(column -> edits(spelled, column) <= MAX_EDITS)
                        .sorted()
                        .findFirst()
                        .orElse(null);
            }
            if (meant != null && !present.contains(meant)) {
                found.add("'" + name + "' (like " + meant + ")");
            }
        }
        return found;
    }

    /** Levenshtein distance: single-character insertions, deletions and substitutions. */
    private static int edits(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
