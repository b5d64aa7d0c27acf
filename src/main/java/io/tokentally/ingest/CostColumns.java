package io.tokentally.ingest;

/** Column names of the records cost formats produce; {@link ProviderCostParser} reads them. */
public final class CostColumns {

    /** What identifies the bucket across exports: a newer export of the same bucket replaces it. */
    public static final String BUCKET_KEY = "bucket_key";
    /** The bucket's UTC day, ISO {@code yyyy-MM-dd}. */
    public static final String DAY = "day";

    public static final String PROVIDER = "provider";
    public static final String MODEL = "model";
    /** A canonical token type code, when the line names one. */
    public static final String TOKEN_TYPE = "token_type";

    public static final String SERVICE_TIER = "service_tier";
    public static final String CONTEXT_TIER = "context_tier";
    public static final String COST_TYPE = "cost_type";
    public static final String LINE_ITEM = "line_item";
    public static final String PROJECT_ID = "project_id";
    public static final String API_KEY_ID = "api_key_id";
    /** The amount as the provider wrote it, in {@link #AMOUNT_UNIT}. */
    public static final String AMOUNT = "amount";
    /** {@code major} (dollars) or {@code cents}. */
    public static final String AMOUNT_UNIT = "amount_unit";

    public static final String CURRENCY = "currency";
    public static final String QUANTITY = "quantity";
    public static final String QUANTITY_UNIT = "quantity_unit";

    private CostColumns() {}
}
