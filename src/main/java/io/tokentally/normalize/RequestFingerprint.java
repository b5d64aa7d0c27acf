package io.tokentally.normalize;

import io.tokentally.shared.ContextTier;

/**
 * What a request counted, in 64 bits: customer, provider, model, service and context tier, status and every
 * count. Two copies of a request that differ in any of them bill differently. The timestamp is left out: a
 * request re-reported across midnight is still the same request.
 *
 * <p>Fingerprints are stored with the request keys, so this function is a stored format: text is hashed by
 * its characters and tiers by their codes, never by {@code hashCode()} or ordinals, and a change here makes
 * every stored first copy look different from its repeats. Never {@link RequestKeySet#UNKNOWN}.
 */
final class RequestFingerprint {

    private static final long FNV_OFFSET = 0xCBF29CE484222325L;
    private static final long FNV_PRIME = 0x100000001B3L;

    private RequestFingerprint() {}

    static long of(UsageLine line) {
        return of(line, line.model(), line.contextTier());
    }

    /** The fingerprint of {@code line} as if read under {@code model} and in {@code contextTier}. */
    static long of(UsageLine line, String model, ContextTier contextTier) {
        long hash = FNV_OFFSET;
        hash = mix(hash, line.customerId());
        hash = mix(hash, line.provider());
        hash = mix(hash, model);
        hash = mix(hash, line.serviceTier().code());
        hash = mix(hash, contextTier.code());
        hash = mix(hash, line.billable() ? 1 : 2);
        hash = mix(hash, line.input());
        hash = mix(hash, line.cacheRead());
        hash = mix(hash, line.cacheWrite5m());
        hash = mix(hash, line.cacheWrite1h());
        hash = mix(hash, line.output());
        hash = mix(hash, line.reasoning());
        hash = mix(hash, line.units().webSearchRequests());
        hash = mix(hash, line.units().images());
        hash = mix(hash, line.units().audioSeconds());
        return hash == RequestKeySet.UNKNOWN ? 1 : hash;
    }

    /** Mixes in a text: 64-bit FNV-1a over its characters, then its length (so "ab","c" is not "a","bc"). */
    private static long mix(long hash, String text) {
        long textHash = FNV_OFFSET;
        for (int i = 0; i < text.length(); i++) {
            textHash = (textHash ^ text.charAt(i)) * FNV_PRIME;
        }
        return mix(mix(hash, textHash), text.length());
    }

    /** One step of a 64-bit multiply-xorshift hash (SplitMix64's finalizer over the running value). */
    private static long mix(long hash, long value) {
        long z = (hash ^ value) * 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
