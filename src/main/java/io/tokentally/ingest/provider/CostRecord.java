package io.tokentally.ingest.provider;

import io.tokentally.ingest.CostColumns;
import io.tokentally.ingest.RawRecord;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** One cost export line translated into {@link CostColumns}, for {@code ProviderCostParser}. */
final class CostRecord implements TranslatedRecord {

    static final List<String> COLUMNS = List.of(
            CostColumns.BUCKET_KEY,
            CostColumns.DAY,
            CostColumns.PROVIDER,
            CostColumns.MODEL,
            CostColumns.TOKEN_TYPE,
            CostColumns.SERVICE_TIER,
            CostColumns.CONTEXT_TIER,
            CostColumns.COST_TYPE,
            CostColumns.LINE_ITEM,
            CostColumns.PROJECT_ID,
            CostColumns.API_KEY_ID,
            CostColumns.AMOUNT,
            CostColumns.AMOUNT_UNIT,
            CostColumns.CURRENCY,
            CostColumns.QUANTITY,
            CostColumns.QUANTITY_UNIT);

    private static final Map<String, Integer> INDEX = index();

    private final String[] values = new String[COLUMNS.size()];
    private final Map<String, String> sourceNames = new HashMap<>();

    CostRecord set(String column, Object value) {
        Integer at = INDEX.get(column);
        if (at == null) {
            throw new IllegalArgumentException("not a cost column: " + column);
        }
        values[at] = value == null ? null : value.toString();
        return this;
    }

    /** Sets a column to a field of the source copied as it stands, which its rejects then name. */
    CostRecord set(String column, Object value, String sourceField) {
        set(column, value);
        sourceNames.put(column, sourceField);
        return this;
    }

    String get(String column) {
        return values[INDEX.get(column)];
    }

    @Override
    public RawRecord toRawRecord(long lineNo, String raw) {
        return new RawRecord(lineNo, raw, INDEX, values.clone(), null, null, Map.copyOf(sourceNames));
    }

    private static Map<String, Integer> index() {
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < COLUMNS.size(); i++) {
            index.put(COLUMNS.get(i), i);
        }
        return Map.copyOf(index);
    }
}
