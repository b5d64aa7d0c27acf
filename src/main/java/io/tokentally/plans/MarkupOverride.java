package io.tokentally.plans;

import java.math.BigDecimal;
import java.util.List;

/**
 * A markup that replaces the plan's default for one provider or one canonical model, and a model's custom rates.
 *
 * @param provider the provider, or {@code *} when the override names a model
 * @param model the canonical model, or {@code *} when the override names a whole provider
 * @param markupPercent the markup, or null for a model override with rates only (its model's other usage then
 *     takes the provider override's markup, else the plan's)
 * @param rates the model's custom rates (none for a provider override), which beat every markup where they apply
 */
public record MarkupOverride(String provider, String model, BigDecimal markupPercent, List<CustomRate> rates) {

    public static final String ANY = "*";

    public MarkupOverride {
        rates = List.copyOf(rates);
    }

    /** An override with a markup and no custom rates. */
    public MarkupOverride(String provider, String model, BigDecimal markupPercent) {
        this(provider, model, markupPercent, List.of());
    }
}
