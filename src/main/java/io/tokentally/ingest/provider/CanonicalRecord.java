package io.tokentally.ingest.provider;

import io.tokentally.ingest.RawRecord;
import io.tokentally.ingest.UsageColumns;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One source record translated into the usage format's columns, so that the usage format's rules,
 * rejects and normalization apply to every provider alike. Counts follow the usage format's
 * convention: {@code input_tokens} includes cached and cache-write tokens, {@code output_tokens}
 * includes reasoning tokens; an unknown count is left empty (the usage format reads it as none).
 */
final class CanonicalRecord implements TranslatedRecord {

    static final List<String> COLUMNS = List.of(
            UsageColumns.REQUEST_ID,
            UsageColumns.TIMESTAMP,
            UsageColumns.CUSTOMER_ID,
            UsageColumns.PROVIDER,
            UsageColumns.MODEL,
            UsageColumns.INPUT_TOKENS,
            UsageColumns.CACHED_INPUT_TOKENS,
            UsageColumns.CACHE_WRITE_TOKENS,
            UsageColumns.CACHE_WRITE_1H_TOKENS,
            UsageColumns.OUTPUT_TOKENS,
            UsageColumns.REASONING_TOKENS,
            UsageColumns.SERVICE_TIER,
            UsageColumns.STATUS,
            UsageColumns.CONTEXT_TIER,
            UsageColumns.WEB_SEARCH_REQUESTS,
            UsageColumns.IMAGES,
            UsageColumns.AUDIO_SECONDS);

    private static final Map<String, Integer> INDEX = index();

    /** The source names of each column, per the few ways a format's records name them (not a map per record). */
    private static final Map<List<String>, Map<String, String>> SOURCE_NAMES = new ConcurrentHashMap<>();

    private final String[] values = new String[COLUMNS.size()];
    private final String[] sourceNames = new String[COLUMNS.size()];
    private String problem;
    private String unbilled;

    /** A record that stands for tokens that cannot be billed: it is rejected with this reason. */
    static CanonicalRecord rejected(String reason) {
        CanonicalRecord record = new CanonicalRecord();
        record.problem = reason;
        return record;
    }

    /**
     * Why the audio and image tokens of a record are not billed (named as the source names them, e.g. {@code
     * input_audio_tokens = 40}): tokentally has no price for them yet; its text tokens are its usage.
     */
    static String unpriced(List<String> parts, String record) {
        return "audio or image tokens not billed: tokentally has no price for them yet (" + String.join(", ", parts)
                + "); the " + record + "'s text tokens are its usage";
    }

    /**
     * Marks a part of a request row's counts as left out of its values, to be rejected apart at the row's line once
     * the rest is accepted ({@link RawRecord#unbilled}).
     */
    CanonicalRecord unbilled(String reason) {
        unbilled = reason;
        return this;
    }

    CanonicalRecord set(String column, Object value) {
        Integer at = INDEX.get(column);
        if (at == null) {
            throw new IllegalArgumentException("not a usage column: " + column);
        }
        values[at] = value == null ? null : value.toString();
        return this;
    }

    /** Sets a column to a field of the source copied as it stands, which its rejects then name. */
    CanonicalRecord set(String column, Object value, String sourceField) {
        set(column, value);
        sourceNames[INDEX.get(column)] = sourceField;
        return this;
    }

    String get(String column) {
        return values[INDEX.get(column)];
    }

    @Override
    public RawRecord toRawRecord(long lineNo, String raw) {
        if (problem != null) {
            return RawRecord.malformed(lineNo, raw, problem);
        }
        Map<String, String> names =
                SOURCE_NAMES.computeIfAbsent(Arrays.asList(sourceNames.clone()), CanonicalRecord::sourceNamesOf);
        return new RawRecord(lineNo, raw, INDEX, values.clone(), null, unbilled, names);
    }

    private static Map<String, String> sourceNamesOf(List<String> sourceNames) {
        Map<String, String> names = new HashMap<>();
        for (int i = 0; i < sourceNames.size(); i++) {
            if (sourceNames.get(i) != null) {
                names.put(COLUMNS.get(i), sourceNames.get(i));
            }
        }
        return Map.copyOf(names);
    }

    private static Map<String, Integer> index() {
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < COLUMNS.size(); i++) {
            index.put(COLUMNS.get(i), i);
        }
        return Map.copyOf(index);
    }
}
