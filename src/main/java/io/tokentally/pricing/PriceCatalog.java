package io.tokentally.pricing;

import io.tokentally.normalize.ModelCatalog;
import io.tokentally.shared.ContextTier;
import io.tokentally.shared.ProviderNames;
import io.tokentally.shared.ServiceTier;
import io.tokentally.shared.TokenType;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The effective-dated price catalog in memory. Lookups answer with the version in force at an
 * instant. Fallbacks, in order: a long-context price falls back to the standard-context price of the
 * same token type and service tier, except in a priority or flex tier without long-context prices of its
 * own of a model that prices long context in the standard tier (there its standard-context price is below
 * a standard long-context request's, so the usage is held until the tier's long-context prices exist); a
 * cache read or cache write price falls back to the input price of the same tiers (a batch cache read of a
 * model without cache prices is priced as batch input).
 */
public final class PriceCatalog implements ModelCatalog {

    private final Map<String, ModelPrices> models = new HashMap<>();
    private final Set<String> providers = new HashSet<>();
    private final Map<String, Optional<String>> resolved = new ConcurrentHashMap<>();
    private final Map<Long, Price> byId = new HashMap<>();

    /**
     * A derived batch or long-context cache price stored before the model's own price was loaded is looked up only
     * before it.
     */
    public PriceCatalog(Collection<Price> prices) {
        OwnPrices own = new OwnPrices(prices);
        for (Price price : prices) {
            byId.put(price.priceId(), price);
            providers.add(price.provider());
            if (!own.supersedes(price)) {
                models.computeIfAbsent(price.model(), model -> new ModelPrices())
                        .add(price);
            }
        }
        models.values().forEach(ModelPrices::carryNewestIds);
    }

    /** A stored price version by its id. */
    public Optional<Price> byId(long priceId) {
        return Optional.ofNullable(byId.get(priceId));
    }

    public Set<String> models() {
        return models.keySet();
    }

    @Override
    public Optional<String> canonicalProvider(String provider) {
        String canonical = ProviderNames.canonical(provider);
        return providers.contains(canonical) ? Optional.of(canonical) : Optional.empty();
    }

    @Override
    public Optional<String> canonicalModel(String provider, String model) {
        return resolved.computeIfAbsent(provider + '\u0000' + model, key -> resolve(provider, model));
    }

    /**
     * The priced id of a model as written: the first of its {@link #priceableIds} with prices. A multiplier
     * suffix ({@code :fast}, {@code :us}) stays on every candidate, so such usage is only ever priced by a price of
     * its own ({@code claude-sonnet-4-5-20250929:us} by {@code claude-sonnet-4-5:us}).
     */
    private Optional<String> resolve(String provider, String model) {
        for (String candidate : priceableIds(provider, model)) {
            if (models.containsKey(candidate)) {
                return Optional.of(candidate);
            }
        }
        // versions before 2026-11-30 kept a provider's own prefix ("azure/azure/gpt-4o"); a price added under
        // that id still prices the model
        String doubled = provider + "/" + ModelIds.stripPrefixes(model);
        return models.containsKey(doubled) ? Optional.of(doubled) : Optional.empty();
    }

    @Override
    public List<String> priceableIds(String provider, String model) {
        String bare = ModelIds.bareModel(provider, model);
        List<String> ids = new ArrayList<>(List.of(provider + "/" + bare));
        String multiplier = ModelIds.multiplierOf(bare);
        String dated = bare.substring(0, bare.length() - multiplier.length());
        if (provider.equals("anthropic")) {
            ModelIds.dashedDate(dated).ifPresent(snapshot -> ids.add(provider + "/" + snapshot + multiplier));
        }
        for (Optional<String> base = ModelIds.withoutSnapshot(dated);
                base.isPresent();
                base = ModelIds.withoutSnapshot(base.get())) {
            ids.add(provider + "/" + base.get() + multiplier);
        }
        return ids;
    }

    @Override
    public String vendorOf(String provider, String model) {
        return ModelIds.vendorOf(provider, model);
    }

    @Override
    public String providerId(String provider) {
        return ProviderNames.canonical(provider);
    }

    @Override
    public String modelId(String canonicalProvider, String model) {
        return canonicalProvider + "/" + ModelIds.bareModel(canonicalProvider, model);
    }

    /**
     * The priced model a model id names after the alias rules (its dated snapshot suffix removed when
     * only the base has prices): how usage held under its own id finds a price added later.
     */
    public Optional<String> pricedModel(String provider, String modelId) {
        if (models.containsKey(modelId)) {
            return Optional.of(modelId);
        }
        String prefix = provider + "/";
        return canonicalModel(provider, modelId.startsWith(prefix) ? modelId.substring(prefix.length()) : modelId);
    }

    @Override
    public Optional<ModelPricing> pricingAt(String model, Instant at) {
        ModelPrices prices = models.get(model);
        if (prices == null) {
            return Optional.empty();
        }
        Map.Entry<Instant, Long> epoch = prices.newestIdByEpoch.floorEntry(at);
        if (epoch == null) {
            return Optional.empty();
        }
        Map.Entry<Instant, Long> threshold = prices.thresholds.floorEntry(at);
        return Optional.of(
                new ModelPricing(epoch.getKey(), threshold == null ? null : threshold.getValue(), epoch.getValue()));
    }

    @Override
    public boolean isPriced(
            String model, TokenType tokenType, ServiceTier serviceTier, ContextTier contextTier, Instant at) {
        return priceAt(model, tokenType, serviceTier, contextTier, at).isPresent();
    }

    /** The price in force at {@code at}, after the fallbacks described on this class. */
    public Optional<Price> priceAt(
            String model, TokenType tokenType, ServiceTier serviceTier, ContextTier contextTier, Instant at) {
        ModelPrices prices = models.get(model);
        if (prices == null) {
            return Optional.empty();
        }
        Optional<Price> price = prices.inContext(tokenType, serviceTier, contextTier, at);
        if (price.isEmpty() && tokenType.fallsBackToInput()) {
            price = prices.inContext(TokenType.INPUT, serviceTier, contextTier, at);
        }
        return price;
    }

    /** All versions of one model's prices. */
    private static final class ModelPrices {

        private final Map<Slot, NavigableMap<Instant, Price>> versions = new HashMap<>();
        /**
         * The epochs (the versions' effective instants), each with the highest id of the versions that start at or
         * before it ({@link #carryNewestIds}).
         */
        private final TreeMap<Instant, Long> newestIdByEpoch = new TreeMap<>();

        private final TreeMap<Instant, Long> thresholds = new TreeMap<>();

        void add(Price price) {
            versions.computeIfAbsent(
                            new Slot(price.tokenType(), price.serviceTier(), price.contextTier()),
                            slot -> new TreeMap<>())
                    .put(price.effectiveFrom(), price);
            newestIdByEpoch.merge(price.effectiveFrom(), price.priceId(), Math::max);
            // a derived version carries the threshold of a version it comes from, which may be older than the one
            // in force at its instant: the model's own versions give the thresholds
            if (price.longContextThreshold() != null && !price.derived()) {
                thresholds.merge(price.effectiveFrom(), price.longContextThreshold(), Math::min);
            }
        }

        /** Turns the highest id of the versions starting at each epoch into that of those starting by it. */
        void carryNewestIds() {
            long newest = 0;
            for (Map.Entry<Instant, Long> epoch : newestIdByEpoch.entrySet()) {
                newest = Math.max(newest, epoch.getValue());
                epoch.setValue(newest);
            }
        }

        Optional<Price> inContext(TokenType tokenType, ServiceTier serviceTier, ContextTier contextTier, Instant at) {
            Optional<Price> price = at(new Slot(tokenType, serviceTier, contextTier), at);
            if (price.isEmpty() && contextTier == ContextTier.LONG && !holdsLongContext(serviceTier, at)) {
                price = at(new Slot(tokenType, serviceTier, ContextTier.STANDARD), at);
            }
            return price;
        }

        /**
         * Whether a long-context request of a priority or flex tier is held: the tier has no long-context
         * price of its own while the standard tier has, so its standard-context price would undercut it.
         */
        private boolean holdsLongContext(ServiceTier serviceTier, Instant at) {
            return (serviceTier == ServiceTier.PRIORITY || serviceTier == ServiceTier.FLEX)
                    && pricesLongContext(ServiceTier.STANDARD, at)
                    && !pricesLongContext(serviceTier, at);
        }

        /** Whether a long-context price of the service tier is in force at {@code at}. */
        private boolean pricesLongContext(ServiceTier serviceTier, Instant at) {
            for (TokenType tokenType : TokenType.values()) {
                if (at(new Slot(tokenType, serviceTier, ContextTier.LONG), at).isPresent()) {
                    return true;
                }
            }
            return false;
        }

        private Optional<Price> at(Slot slot, Instant at) {
            NavigableMap<Instant, Price> byTime = versions.get(slot);
            if (byTime == null) {
                return Optional.empty();
            }
            Map.Entry<Instant, Price> entry = byTime.floorEntry(at);
            return entry == null ? Optional.empty() : Optional.of(entry.getValue());
        }
    }

    private record Slot(TokenType tokenType, ServiceTier serviceTier, ContextTier contextTier) {}
}
