package io.tokentally.normalize;

import io.tokentally.shared.ContextTier;
import io.tokentally.shared.ServiceTier;
import io.tokentally.shared.TokenType;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** What normalization needs to know about models and their prices; the pricing stage implements it. */
public interface ModelCatalog {

    /**
     * The provider whose prices a model as written takes, before aliases: for a gateway or cloud host
     * (OpenRouter, Bedrock, Vertex AI), the vendor its model id names; otherwise the provider as written.
     */
    String vendorOf(String provider, String model);

    /** The canonical provider for a provider as written ({@code gemini} is {@code google}), if it has prices. */
    Optional<String> canonicalProvider(String provider);

    /** The canonical {@code provider/model} id of a model as written (prefixed, dated or not), if priced. */
    Optional<String> canonicalModel(String provider, String model);

    /**
     * Every {@code provider/model} id a model as written may be priced under, priced or not: its own id (prefixes
     * removed), a snapshot dated as Vertex AI writes it ({@code @20250514}) dated as Anthropic does ({@code -20250514}),
     * then its ids without their dated snapshot suffixes, one at a time ({@link #canonicalModel} is the
     * first of them with prices, else an id with a provider's prefix kept twice, as versions before 2026-11-30
     * named it).
     */
    List<String> priceableIds(String canonicalProvider, String model);

    /** The canonical provider for a provider as written, by the alias rules alone, priced or not. */
    String providerId(String provider);

    /** The {@code provider/model} id of a model as written with its prefixes removed, priced or not. */
    String modelId(String canonicalProvider, String model);

    /** The pricing facts of a model at an instant, empty when no price of it is in force then. */
    Optional<ModelPricing> pricingAt(String model, Instant at);

    /** Whether a price (or its documented fallback) exists for the token type and tiers at an instant. */
    boolean isPriced(String model, TokenType tokenType, ServiceTier serviceTier, ContextTier contextTier, Instant at);

    /**
     * @param epoch the instant of the model's latest price change at or before the usage
     * @param longContextThreshold prompt tokens above which the whole request is long-context, or null
     * @param newestPriceId the highest id of the model's price versions that start at or before the usage: a version
     *     added later with an earlier start (a back-dated price) raises it where it leaves the epoch as it was, so
     *     usage read after it is kept apart from usage read before
     */
    record ModelPricing(Instant epoch, Long longContextThreshold, long newestPriceId) {}
}
