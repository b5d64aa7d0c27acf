package io.tokentally.plans;

import io.tokentally.shared.ContextTier;
import io.tokentally.shared.ServiceTier;
import io.tokentally.shared.TokenType;
import java.math.BigDecimal;
import java.util.List;

/**
 * How a customer pays: provider cost times (1 + markup) for every plan, or a custom rate per million where the plan
 * sets one for a model's token type; fixed-fee plans add a fee per billing period and included usage; any plan
 * consumes the customer's credit grants. What pays for usage is taken in {@code consumptionOrder}, then the rest is
 * overage.
 *
 * @param fixedFeeUsd the fee per billing period (zero for none)
 * @param priceChanges whether price-sync changes apply from their effective instant or wait for approval
 * @param allowOverage whether usage past included usage and credits may go on (billed as overage); a
 *     gateway asking for the balance is told to stop otherwise
 * @param stripePriceMoves when, in the tokens meter layout, subscription items move to a new price's
 *     Stripe price: at its effective instant or at the next billing period's start
 */
public record Plan(
        String planId,
        PlanType type,
        String currency,
        BigDecimal markupPercent,
        List<MarkupOverride> overrides,
        BigDecimal fixedFeeUsd,
        List<Allowance> allowances,
        List<CreditSource> consumptionOrder,
        boolean allowOverage,
        PriceChangePolicy priceChanges,
        StripePriceMoves stripePriceMoves) {

    public Plan {
        overrides = List.copyOf(overrides);
        allowances = List.copyOf(allowances);
        consumptionOrder = List.copyOf(consumptionOrder);
    }

    /** A plan whose subscription items move to a new Stripe price at the change's effective instant. */
    public Plan(
            String planId,
            PlanType type,
            String currency,
            BigDecimal markupPercent,
            List<MarkupOverride> overrides,
            BigDecimal fixedFeeUsd,
            List<Allowance> allowances,
            List<CreditSource> consumptionOrder,
            boolean allowOverage,
            PriceChangePolicy priceChanges) {
        this(
                planId,
                type,
                currency,
                markupPercent,
                overrides,
                fixedFeeUsd,
                allowances,
                consumptionOrder,
                allowOverage,
                priceChanges,
                StripePriceMoves.EFFECTIVE_INSTANT);
    }

    /** A usage-based plan: markup and overrides, no fee, no included usage. */
    public Plan(
            String planId, PlanType type, String currency, BigDecimal markupPercent, List<MarkupOverride> overrides) {
        this(
                planId,
                type,
                currency,
                markupPercent,
                overrides,
                BigDecimal.ZERO,
                List.of(),
                CreditSource.DEFAULT_ORDER,
                true,
                PriceChangePolicy.AUTO);
    }

    /** A plan with terms that takes price changes from their effective instant. */
    public Plan(
            String planId,
            PlanType type,
            String currency,
            BigDecimal markupPercent,
            List<MarkupOverride> overrides,
            BigDecimal fixedFeeUsd,
            List<Allowance> allowances,
            List<CreditSource> consumptionOrder,
            boolean allowOverage) {
        this(
                planId,
                type,
                currency,
                markupPercent,
                overrides,
                fixedFeeUsd,
                allowances,
                consumptionOrder,
                allowOverage,
                PriceChangePolicy.AUTO);
    }

    /** This plan, taking price changes as {@code policy} says. */
    public Plan withPriceChanges(PriceChangePolicy policy) {
        return new Plan(
                planId,
                type,
                currency,
                markupPercent,
                overrides,
                fixedFeeUsd,
                allowances,
                consumptionOrder,
                allowOverage,
                policy,
                stripePriceMoves);
    }

    /** This plan, moving subscription items to new Stripe prices as {@code moves} says. */
    public Plan withStripePriceMoves(StripePriceMoves moves) {
        return new Plan(
                planId,
                type,
                currency,
                markupPercent,
                overrides,
                fixedFeeUsd,
                allowances,
                consumptionOrder,
                allowOverage,
                priceChanges,
                moves);
    }

    /**
     * The markup in percent for a canonical model: a model override's, else a provider override's, else the default
     * (a model override with custom rates only gives none).
     */
    public BigDecimal markupFor(String provider, String model) {
        BigDecimal forProvider = null;
        for (MarkupOverride override : overrides) {
            if (override.model().equals(model) && override.markupPercent() != null) {
                return override.markupPercent();
            }
            if (override.model().equals(MarkupOverride.ANY)
                    && override.provider().equals(provider)) {
                forProvider = override.markupPercent();
            }
        }
        return forProvider != null ? forProvider : markupPercent;
    }

    /** The plan's custom rate (USD per million) for usage of a canonical model, token type and tiers, or null. */
    public BigDecimal rateFor(String model, TokenType type, ServiceTier serviceTier, ContextTier contextTier) {
        for (MarkupOverride override : overrides) {
            if (override.model().equals(model)) {
                for (CustomRate rate : override.rates()) {
                    if (rate.covers(type, serviceTier, contextTier)) {
                        return rate.usdPerMillion();
                    }
                }
            }
        }
        return null;
    }
}
