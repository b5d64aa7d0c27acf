package io.tokentally.plans;

import java.math.BigDecimal;

/**
 * A markup that replaces the plan's default for one provider or one canonical model.
 *
 * @param provider the provider, or {@code *} when the override names a model
 * @param model the canonical model, or {@code *} when the override names a whole provider
 */
public record MarkupOverride(String provider, String model, BigDecimal markupPercent) {

    public static final String ANY = "*";
}
