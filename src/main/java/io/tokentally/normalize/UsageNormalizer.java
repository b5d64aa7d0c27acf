package io.tokentally.normalize;

import io.tokentally.ingest.Reject;
import io.tokentally.ingest.RejectCode;
import io.tokentally.ingest.UsageRow;
import io.tokentally.normalize.ModelCatalog.ModelPricing;
import io.tokentally.shared.ContextTier;
import io.tokentally.shared.FieldLength;
import io.tokentally.shared.Hours;
import io.tokentally.shared.ServiceTier;
import io.tokentally.shared.TokenType;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Turns a valid usage row into a usage line: canonical provider and model, the long-context tier,
 * disjoint token buckets and customer attribution. A pure function of the row, the catalogs, the known customers
 * and those whose plans hold price changes (it keeps the ids it resolved, so one instance serves one thread). A row whose model
 * (or token type or tier) has no price at its time is kept all the same: rating holds it back,
 * reports it and bills it once a price for its time exists; a row whose model has no price at all is
 * also listed among the rejects ({@link Result#held}). Its model id is then the row's own, prefixes
 * removed, and its price epoch its hour's start.
 */
public final class UsageNormalizer {

    private final String source;
    private final ModelCatalog catalog;
    private final ModelCatalog heldCatalog;
    private final Set<String> customers;
    private final PriceHolders holders;
    private final boolean settlesHeld;
    /** Canonical ids by provider and model as written: a file names few models in many rows. */
    private final Map<String, Map<String, ModelId>> models = new HashMap<>();
    /** The token types a model leaves unpriced in its tiers, by its latest price change: the same until the next. */
    private final Map<Unpriced, Set<TokenType>> unpriced = new HashMap<>();

    private record Unpriced(
            String model, ServiceTier serviceTier, ContextTier contextTier, Instant epoch, boolean held) {}

    /**
     * The canonical provider and {@code provider/model} id of a model as written, and its own id (prefixes
     * removed, priced or not).
     */
    private record ModelId(String provider, String model, String own) {

        ModelId held() {
            return new ModelId(provider, own, own);
        }
    }

    /**
     * @param heldCatalog the catalog as plans holding price changes see it, whose thresholds tell their customers'
     *     long-context requests
     * @param holders the customers whose plans hold price changes
     * @param settlesHeld whether rows held for want of a price are marked for the rate step to settle once
     *     priced ({@link UsageLine#held}): yes for request logs; no for export buckets, which replace each
     *     other's numbers under the stored ids
     */
    public UsageNormalizer(
            String source,
            ModelCatalog catalog,
            ModelCatalog heldCatalog,
            Set<String> customers,
            PriceHolders holders,
            boolean settlesHeld) {
        this.source = source;
        this.catalog = catalog;
        this.heldCatalog = heldCatalog;
        this.customers = customers;
        this.holders = holders;
        this.settlesHeld = settlesHeld;
    }

    /**
     * The outcome for one row: exactly one of {@code line} and {@code reject} is set. {@code held} is set
     * with a line whose model has no price at its time: the line is kept (and held back by rating), and
     * the row is listed among the rejects with this reason, as the usage format's rule asks.
     */
    public record Result(UsageLine line, Reject reject, Reject held) {

        public Result(UsageLine line, Reject reject) {
            this(line, reject, null);
        }
    }

    public Result normalize(UsageRow row) {
        ModelId priced = models.computeIfAbsent(row.provider(), p -> new HashMap<>())
                .computeIfAbsent(row.model(), m -> resolve(row.provider(), m));
        Optional<ModelPricing> pricing = catalog.pricingAt(priced.model(), row.timestamp());
        // held usage keeps the row's own id, not the base whose price it may take: a dated snapshot may get a
        // price of its own before its base has one in force at the row's time, and the rate step settles held
        // usage by the id it was held under (export buckets, never settled, keep the resolved id)
        ModelId id = pricing.isPresent() || !settlesHeld ? priced : priced.held();
        if (id.provider().length() > FieldLength.PROVIDER || id.model().length() > FieldLength.MODEL) {
            return new Result(null, idTooLong(row));
        }
        if (pricing.isEmpty() && row.error()) {
            // never billed, so never held: a reject like any other, which takes no request id
            return new Result(null, held(row, id.model()));
        }
        // a customer whose plan holds price changes sees only approved versions: its threshold and its prices
        boolean holds = holders.holdsAt(row.customerId(), Hours.startOf(row.timestamp()));
        Optional<ModelPricing> terms = holds ? heldCatalog.pricingAt(id.model(), row.timestamp()) : pricing;
        ContextTier contextTier = contextTier(row, terms);
        Instant epoch = pricing.isEmpty()
                ? Hours.startOf(row.timestamp())
                : heldForItsTier(row, id.model(), contextTier, terms, holds)
                        ? row.timestamp().truncatedTo(ChronoUnit.MINUTES)
                        : pricing.get().epoch();
        long newestPriceId = pricing.map(ModelPricing::newestPriceId).orElse(0L);
        UsageLine line = line(row, id, epoch, newestPriceId, contextTier, pricing.isEmpty());
        return new Result(line, null, pricing.isPresent() ? null : held(row, id.model()));
    }

    /** The usage line of a row: its canonical ids, price epoch, newest price version and tier, and token buckets. */
    private UsageLine line(
            UsageRow row, ModelId id, Instant epoch, long newestPriceId, ContextTier contextTier, boolean unpriced) {
        return new UsageLine(
                source,
                row.requestId(),
                row.fileId(),
                row.lineNo(),
                row.timestamp(),
                epoch,
                newestPriceId,
                row.customerId(),
                customers.contains(row.customerId()),
                id.provider(),
                id.model(),
                row.model(),
                row.serviceTier(),
                contextTier,
                !row.error(),
                row.inputTokens() - row.cachedInputTokens() - row.cacheWriteTokens() - row.cacheWrite1hTokens(),
                row.cachedInputTokens(),
                row.cacheWriteTokens(),
                row.cacheWrite1hTokens(),
                row.outputTokens(),
                row.reasoningTokens(),
                row.units(),
                settlesHeld && unpriced,
                settlesHeld && unpriced && row.contextTier() == null ? row.inputTokens() : null,
                row.contextTier() != null);
    }

    /**
     * Whether some of a billable row's usage has no price in its tiers at its time though its model has (a priority
     * row before the model's first priority price, say): its price epoch is then its own minute, not the model's
     * latest price change, so that a price added later for part of that span bills the row at the version in force
     * at its own time, as it bills a row read after it (exactly for versions that begin on a whole minute; such rows
     * are summed per minute, so a busy tier nobody priced stores at most 60 rows an hour per file, customer, model
     * and tiers). {@code terms} is the model's pricing as the row's plan sees it, from the catalog {@code holds} picks.
     */
    private boolean heldForItsTier(
            UsageRow row, String model, ContextTier contextTier, Optional<ModelPricing> terms, boolean holds) {
        if (row.error()) {
            return false;
        }
        if (terms.isEmpty()) {
            return true;
        }
        ModelCatalog rates = holds ? heldCatalog : catalog;
        Set<TokenType> types = unpriced.computeIfAbsent(
                new Unpriced(model, row.serviceTier(), contextTier, terms.get().epoch(), holds),
                key -> Stream.of(TokenType.values())
                        .filter(type -> !rates.isPriced(model, type, key.serviceTier(), key.contextTier(), key.epoch()))
                        .collect(Collectors.toCollection(() -> EnumSet.noneOf(TokenType.class))));
        for (TokenType type : types) {
            if (quantity(row, type) > 0) {
                return true;
            }
        }
        return false;
    }

    private static long quantity(UsageRow row, TokenType type) {
        return switch (type) {
            case INPUT ->
                row.inputTokens() - row.cachedInputTokens() - row.cacheWriteTokens() - row.cacheWrite1hTokens();
            case CACHE_READ -> row.cachedInputTokens();
            case CACHE_WRITE_5M -> row.cacheWriteTokens();
            case CACHE_WRITE_1H -> row.cacheWrite1hTokens();
            case OUTPUT -> row.outputTokens();
            case WEB_SEARCH_REQUEST, IMAGE, AUDIO_SECOND -> row.units().of(type);
        };
    }

    /**
     * The row's own tier, else long when its input passes its model's long-context threshold in {@code terms}, the
     * pricing its customer's plan sees, else standard (a sync's unapproved change of the threshold does not count for
     * a plan that holds price changes).
     */
    private static ContextTier contextTier(UsageRow row, Optional<ModelPricing> terms) {
        if (row.contextTier() != null) {
            return row.contextTier();
        }
        Long threshold = terms.map(ModelPricing::longContextThreshold).orElse(null);
        return threshold != null && row.inputTokens() > threshold ? ContextTier.LONG : ContextTier.STANDARD;
    }

    /** A row whose canonical ids are too long to store: it cannot be held until its model has a price. */
    private static Reject idTooLong(UsageRow row) {
        return new Reject(
                row.fileId(),
                row.lineNo(),
                RejectCode.NO_PRICE,
                "no price is known for model '" + row.model() + "' of provider '" + row.provider()
                        + "', and its id is too long to hold the usage until one is (at most "
                        + FieldLength.PROVIDER + " characters of provider, " + FieldLength.MODEL
                        + " of provider/model)",
                row.raw());
    }

    /**
     * Every id an earlier copy of the line's request may have been stored under, whatever prices were known
     * then: the row's own id (held, or priced by a price of its own), each id without its snapshot suffixes
     * (priced by its base), and the id it has now.
     */
    List<String> idsReadAs(UsageLine line) {
        return Stream.concat(catalog.priceableIds(line.provider(), line.rawModel()).stream(), Stream.of(line.model()))
                .distinct()
                .toList();
    }

    private ModelId resolve(String rawProvider, String rawModel) {
        String vendor = catalog.vendorOf(rawProvider, rawModel);
        String provider = catalog.canonicalProvider(vendor).orElseGet(() -> catalog.providerId(vendor));
        String own = catalog.modelId(provider, rawModel);
        return new ModelId(provider, catalog.canonicalModel(provider, rawModel).orElse(own), own);
    }

    /** An error row is never billed, so it is listed without the promise that a later price bills it. */
    private static Reject held(UsageRow row, String model) {
        return new Reject(
                row.fileId(),
                row.lineNo(),
                RejectCode.NO_PRICE,
                "no price is known for model '" + model + "' at " + row.timestamp()
                        + (row.error()
                                ? "; an error row, it is not billed in any case"
                                : "; the row is held back, not billed, and billed by the first run after a price"
                                        + " for its time is added"),
                row.raw());
    }
}
