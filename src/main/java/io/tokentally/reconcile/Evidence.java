package io.tokentally.reconcile;

import io.tokentally.shared.Amounts;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * What a finding rests on, as JSON: the numbers compared (amounts as exact decimal strings) and the
 * sources behind them, each a file with the lines that contributed ({@code "lines": "12-40"}, a range
 * where the file is summed per hour; record numbers for JSON page files, as in {@code rejects.csv}) and, for a
 * cost export, the bucket its line is. Kept in insertion order.
 */
public final class Evidence {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final Map<String, Object> numbers = new LinkedHashMap<>();
    private final List<Map<String, Object>> sources = new ArrayList<>();

    /** Adds a compared number; amounts go in as exact decimal strings. */
    public Evidence number(String name, Object value) {
        numbers.put(name, value instanceof BigDecimal amount ? Amounts.toText(amount) : value);
        return this;
    }

    /** Adds a source: a file, the side it counts for, and its lines or bucket (null entries are left out). */
    public Evidence source(String side, String file, String lines, String bucket) {
        Map<String, Object> source = new LinkedHashMap<>();
        source.put("side", side);
        source.put("file", file);
        if (lines != null) {
            source.put("lines", lines);
        }
        if (bucket != null) {
            source.put("bucket", bucket);
        }
        sources.add(source);
        return this;
    }

    public String toJson() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("numbers", numbers);
        json.put("sources", sources);
        return JSON.writeValueAsString(json);
    }

    /** Stored evidence back as a map (for the REST API), or null. */
    public static Map<String, Object> parse(String json) {
        return json == null ? null : JSON.readValue(json, new TypeReference<Map<String, Object>>() {});
    }

    /** Parsed evidence written back as one line of JSON (for the command line), or null. */
    public static String format(Map<String, Object> evidence) {
        return evidence == null ? null : JSON.writeValueAsString(evidence);
    }

    /** A line range as evidence shows it: {@code 7} or {@code 7-19}; null when unknown. */
    static String lines(long first, long last) {
        if (last <= 0) {
            return null;
        }
        return first == last ? Long.toString(first) : first + "-" + last;
    }
}
