package io.tokentally.ingest;

import java.util.List;
import java.util.Set;

/** Column (and JSON key) names of tokentally's usage format, as design.md specifies them. */
public final class UsageColumns {

    public static final String REQUEST_ID = "request_id";
    public static final String TIMESTAMP = "timestamp";
    public static final String CUSTOMER_ID = "customer_id";
    public static final String PROVIDER = "provider";
    public static final String MODEL = "model";
    public static final String INPUT_TOKENS = "input_tokens";
    public static final String CACHED_INPUT_TOKENS = "cached_input_tokens";
    public static final String CACHE_WRITE_TOKENS = "cache_write_tokens";
    public static final String CACHE_WRITE_1H_TOKENS = "cache_write_1h_tokens";
    public static final String OUTPUT_TOKENS = "output_tokens";
    public static final String REASONING_TOKENS = "reasoning_tokens";
    public static final String SERVICE_TIER = "service_tier";
    public static final String STATUS = "status";
    /**
     * Optional: {@code standard} or {@code long}, stated by a source that aggregates requests (a bucket's
     * prompt tokens are many requests' sum, so the long-context threshold cannot be applied to them).
     */
    public static final String CONTEXT_TIER = "context_tier";

    /** Optional: web search requests the request made (a non-token unit with its own price). */
    public static final String WEB_SEARCH_REQUESTS = "web_search_requests";
    /** Optional: images the request generated. */
    public static final String IMAGES = "images";
    /** Optional: whole seconds of audio the request billed. */
    public static final String AUDIO_SECONDS = "audio_seconds";

    /** Required columns, in the order their absence is reported. */
    public static final List<String> REQUIRED =
            List.of(REQUEST_ID, TIMESTAMP, CUSTOMER_ID, PROVIDER, MODEL, INPUT_TOKENS, OUTPUT_TOKENS);

    /** Every column the format reads; any other is ignored. */
    public static final Set<String> ALL = Set.of(
            REQUEST_ID,
            TIMESTAMP,
            CUSTOMER_ID,
            PROVIDER,
            MODEL,
            INPUT_TOKENS,
            CACHED_INPUT_TOKENS,
            CACHE_WRITE_TOKENS,
            CACHE_WRITE_1H_TOKENS,
            OUTPUT_TOKENS,
            REASONING_TOKENS,
            SERVICE_TIER,
            STATUS,
            CONTEXT_TIER,
            WEB_SEARCH_REQUESTS,
            IMAGES,
            AUDIO_SECONDS);

    private UsageColumns() {}
}
