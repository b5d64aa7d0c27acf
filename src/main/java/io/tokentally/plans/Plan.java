package io.tokentally.plans;

import java.math.BigDecimal;
import java.util.List;

/**
 * How a customer pays. Today only usage-based plans are rated: provider cost times (1 + markup).
 * Fixed fees, included usage and credits have columns reserved in the schema.
 */
public record Plan(
        String planId,
        PlanType type,
        String currency,
        BigDecimal markupPercent,
        List<MarkupOverride> overrides,
        PriceChangePolicy priceChanges) {

    public Plan {
        overrides = List.copyOf(overrides);
    }

    /** A plan that takes price changes from their effective instant. */
    public Plan(
            String planId, PlanType type, String currency, BigDecimal markupPercent, List<MarkupOverride> overrides) {
        this(planId, type, currency, markupPercent, overrides, PriceChangePolicy.AUTO);
    }

    /** The markup in percent for a canonical model: a model override, else a provider override, else the default. */
    public BigDecimal markupFor(String provider, String model) {
        BigDecimal forProvider = null;
        for (MarkupOverride override : overrides) {
            if (override.model().equals(model)) {
                return override.markupPercent();
            }
            if (override.model().equals(MarkupOverride.ANY)
                    && override.provider().equals(provider)) {
                forProvider = override.markupPercent();
            }
        }
        return forProvider != null ? forProvider : markupPercent;
    }
}
