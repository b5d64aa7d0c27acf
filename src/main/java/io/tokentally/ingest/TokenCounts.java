package io.tokentally.ingest;

import static io.tokentally.ingest.UsageColumns.CACHED_INPUT_TOKENS;
import static io.tokentally.ingest.UsageColumns.CACHE_WRITE_1H_TOKENS;
import static io.tokentally.ingest.UsageColumns.CACHE_WRITE_TOKENS;
import static io.tokentally.ingest.UsageColumns.INPUT_TOKENS;
import static io.tokentally.ingest.UsageColumns.OUTPUT_TOKENS;
import static io.tokentally.ingest.UsageColumns.REASONING_TOKENS;
import static io.tokentally.ingest.UsageFieldRules.count;

import java.math.BigInteger;

/** A row's token counts, each a valid count, the cache counts within input and reasoning within output. */
record TokenCounts(long input, long cached, long cacheWrite, long cacheWrite1h, long output, long reasoning) {

    /** The token counts of {@code record}, whose required input and output counts are given as text. */
    static TokenCounts of(RawRecord record, String inputText, String outputText) {
        long input = count(inputText, record.nameOf(INPUT_TOKENS));
        long cached = count(record, CACHED_INPUT_TOKENS);
        long cacheWrite = count(record, CACHE_WRITE_TOKENS);
        long cacheWrite1h = count(record, CACHE_WRITE_1H_TOKENS);
        long output = count(outputText, record.nameOf(OUTPUT_TOKENS));
        long reasoning = count(record, REASONING_TOKENS);
        requireCacheWithinInput(input, cached, cacheWrite, cacheWrite1h);
        if (reasoning > output) {
            throw new RowException(
                    RejectCode.REASONING_EXCEEDS_OUTPUT,
                    "reasoning_tokens = " + reasoning + " exceeds output_tokens = " + output);
        }
        return new TokenCounts(input, cached, cacheWrite, cacheWrite1h, output, reasoning);
    }

    /** Throws CACHE_TOKENS_EXCEED_INPUT unless the cache read and write tokens fit within the input tokens. */
    private static void requireCacheWithinInput(long input, long cached, long cacheWrite, long cacheWrite1h) {
        // compared by subtraction: all counts are non-negative, and their sum could overflow a long
        if (cached > input || cacheWrite > input - cached || cacheWrite1h > input - cached - cacheWrite) {
            BigInteger subsets = BigInteger.valueOf(cached)
                    .add(BigInteger.valueOf(cacheWrite))
                    .add(BigInteger.valueOf(cacheWrite1h));
            throw new RowException(
                    RejectCode.CACHE_TOKENS_EXCEED_INPUT,
                    "cached_input_tokens + cache_write_tokens + cache_write_1h_tokens = " + subsets
                            + " exceeds input_tokens = " + input);
        }
    }
}
