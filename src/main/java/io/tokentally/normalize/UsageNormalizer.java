package io.tokentally.normalize;

import io.tokentally.ingest.Reject;
import io.tokentally.ingest.RejectCode;
import io.tokentally.ingest.UsageRow;
import io.tokentally.normalize.ModelCatalog.ModelPricing;
import io.tokentally.shared.ContextTier;
import io.tokentally.shared.ServiceTier;
import io.tokentally.shared.TokenType;
import java.util.Optional;
import java.util.Set;

/**
 * Turns a valid usage row into a usage line: canonical provider and model, the long-context tier,
 * disjoint token buckets and customer attribution. A pure function of the row, the catalog and the
 * known customers.
 */
public final class UsageNormalizer {

    private final String source;
    private final ModelCatalog catalog;
    private final Set<String> customers;

    public UsageNormalizer(String source, ModelCatalog catalog, Set<String> customers) {
        this.source = source;
        this.catalog = catalog;
        this.customers = customers;
    }

    /** The outcome for one row: exactly one of {@code line} and {@code reject} is set. */
    public record Result(UsageLine line, Reject reject) {}

    public Result normalize(UsageRow row) {
        Optional<String> provider = catalog.canonicalProvider(row.provider());
        if (provider.isEmpty()) {
            return reject(
                    row, RejectCode.UNKNOWN_PROVIDER, "no prices are known for provider '" + row.provider() + "'");
        }
        Optional<String> model = catalog.canonicalModel(provider.get(), row.model());
        if (model.isEmpty()) {
            return reject(
                    row,
                    RejectCode.NO_PRICE,
                    "no price is known for model '" + row.model() + "' of provider '" + provider.get() + "'");
        }
        Optional<ModelPricing> pricing = catalog.pricingAt(model.get(), row.timestamp());
        if (pricing.isEmpty()) {
            return reject(
                    row, RejectCode.NO_PRICE, "no price of " + model.get() + " is in force at " + row.timestamp());
        }
        Long threshold = pricing.get().longContextThreshold();
        ContextTier contextTier = row.contextTier() != null
                ? row.contextTier()
                : threshold != null && row.inputTokens() > threshold ? ContextTier.LONG : ContextTier.STANDARD;
        long[] buckets = {
            row.inputTokens() - row.cachedInputTokens() - row.cacheWriteTokens() - row.cacheWrite1hTokens(),
            row.cachedInputTokens(),
            row.cacheWriteTokens(),
            row.cacheWrite1hTokens(),
            row.outputTokens()
        };
        TokenType[] types = TokenType.values();
        for (int i = 0; i < types.length; i++) {
            if (buckets[i] > 0
                    && !catalog.isPriced(model.get(), types[i], row.serviceTier(), contextTier, row.timestamp())) {
                return reject(row, RejectCode.NO_PRICE, missingPrice(model.get(), types[i], row.serviceTier(), row));
            }
        }
        UsageLine line = new UsageLine(
                source,
                row.requestId(),
                row.fileId(),
                row.lineNo(),
                row.timestamp(),
                pricing.get().epoch(),
                row.customerId(),
                customers.contains(row.customerId()),
                provider.get(),
                model.get(),
                row.model(),
                row.serviceTier(),
                contextTier,
                !row.error(),
                buckets[0],
                buckets[1],
                buckets[2],
                buckets[3],
                buckets[4],
                row.reasoningTokens());
        return new Result(line, null);
    }

    private static String missingPrice(String model, TokenType type, ServiceTier tier, UsageRow row) {
        return "no " + tier.code() + " price for " + type.code() + " tokens of " + model + " is in force at "
                + row.timestamp();
    }

    private static Result reject(UsageRow row, RejectCode code, String message) {
        return new Result(null, new Reject(row.fileId(), row.lineNo(), code, message, row.raw()));
    }
}
