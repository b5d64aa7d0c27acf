package io.tokentally.ingest;

import io.tokentally.shared.NearestName;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.UnaryOperator;

/**
 * Columns (or JSON keys) of a usage file that the format ignores but that look like one of its optional columns the
 * header (or the object) lacks: misspelt ({@code cached_input_token}) or named as a provider names the value ({@code
 * cache_read_input_tokens}). The format ignores unknown columns, so such a file is read as if it had none of those
 * values: cached tokens billed as no cache reads at all, or error rows billed as ok, say. Noting them lets the
 * operator tell. Near enough is as {@link NearestName} says for a misspelt setting: about one edit for each three
 * letters.
 */
public final class LookalikeColumns {

    /** The optional columns whose absence changes what a row bills; the required ones fail a file without them. */
    private static final List<String> OPTIONAL = List.of(
            UsageColumns.CACHED_INPUT_TOKENS,
            UsageColumns.CACHE_WRITE_TOKENS,
            UsageColumns.CACHE_WRITE_1H_TOKENS,
            UsageColumns.REASONING_TOKENS,
            UsageColumns.SERVICE_TIER,
            UsageColumns.CONTEXT_TIER,
            UsageColumns.STATUS,
            UsageColumns.WEB_SEARCH_REQUESTS,
            UsageColumns.IMAGES,
            UsageColumns.AUDIO_SECONDS);

    /** How providers and gateways name values the usage format has columns for. */
    private static final Map<String, String> PROVIDER_NAMES = Map.of(
            "cache_read_input_tokens", UsageColumns.CACHED_INPUT_TOKENS,
            "cached_tokens", UsageColumns.CACHED_INPUT_TOKENS,
            "cache_read_tokens", UsageColumns.CACHED_INPUT_TOKENS,
            "cache_creation_input_tokens", UsageColumns.CACHE_WRITE_TOKENS,
            "cache_write_5m_tokens", UsageColumns.CACHE_WRITE_TOKENS,
            "reasoning_output_tokens", UsageColumns.REASONING_TOKENS);

    /** How the note of a file read with lookalike columns begins, and how it ends after naming them. */
    private static final String NOTE_START = "ignored column(s) ";

    private static final String NOTE_END = ": not columns of the format, read as if the file had none of those values";

    /** The column each ignored name seen looks like, or "" for none. */
    private final Map<String, String> meantByName = new HashMap<>();

    /** Sorted, so a set of columns is said (and its finding keyed) the same whatever the header's order. */
    private final Set<String> found = new TreeSet<>();

    /** The lookalikes among a header's names, as normalized (stripped, lower case), sorted. */
    public static List<String> of(Collection<String> header) {
        LookalikeColumns lookalikes = new LookalikeColumns();
        lookalikes.note(Set.copyOf(header), header);
        return lookalikes.found();
    }

    /** The note an ingested file's detail keeps of the lookalike columns {@code found} in it. */
    public static String note(List<String> found) {
        return NOTE_START + String.join(", ", found) + NOTE_END;
    }

    /**
     * The note of lookalike columns in an ingested file's detail, without the detail's other notes (a count its
     * format cannot split, say); empty when it has none.
     */
    public static Optional<String> noteIn(String detail) {
        if (detail == null || !detail.startsWith(NOTE_START)) {
            return Optional.empty();
        }
        // a detail cut at its column's width may end inside the note: the whole of it is the note then
        int end = detail.indexOf(NOTE_END);
        return Optional.of(end < 0 ? detail : detail.substring(0, end + NOTE_END.length()));
    }

    /**
     * Notes the lookalikes among the names of a header or of one JSON object, as normalized.
     *
     * @param present the same names, to look them up
     */
    void note(Set<String> present, Iterable<String> names) {
        for (String name : names) {
            if (name.isEmpty() || UsageColumns.ALL.contains(name)) {
                continue;
            }
            String meant = meantByName.computeIfAbsent(name, LookalikeColumns::columnLike);
            if (!meant.isEmpty() && !present.contains(meant)) {
                found.add("'" + name + "' (like " + meant + ")");
            }
        }
    }

    /** "'cached_input_token' (like cached_input_tokens)" for each lookalike noted, sorted. */
    List<String> found() {
        return List.copyOf(found);
    }

    /** The column of the format {@code name} looks like, or "" when it looks like none. */
    private static String columnLike(String name) {
        String spelled = name.replace(' ', '_').replace('-', '_');
        String provider = PROVIDER_NAMES.get(spelled);
        if (provider != null) {
            return provider;
        }
        String nearest = NearestName.of(spelled, OPTIONAL, UnaryOperator.identity());
        return nearest == null ? "" : nearest;
    }
}
