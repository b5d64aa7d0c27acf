package io.tokentally.reconcile;

import io.tokentally.plans.Allowance;
import io.tokentally.plans.MarkupOverride;
import io.tokentally.plans.Plan;
import io.tokentally.pricing.Price;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * One finding per plan markup override that names a provider or model the price catalog has no price for:
 * such an override never applies, so a typo ({@code anthropc}) bills at the plan's default markup unnoticed; and
 * one per model an allowance's group names that has no price ({@code PLAN_ALLOWANCE_UNPRICED}): that part of the
 * group covers nothing, so the usage it meant goes to overage.
 */
public final class PlanOverrideFindings {

    static final String OVERRIDE_UNPRICED = "PLAN_OVERRIDE_UNPRICED";
    static final String ALLOWANCE_UNPRICED = "PLAN_ALLOWANCE_UNPRICED";
    /** The kinds of these findings: each run finds every one of them again or resolves it. */
    static final List<String> KINDS = List.of(OVERRIDE_UNPRICED, ALLOWANCE_UNPRICED);

    private PlanOverrideFindings() {}

    public static List<Finding> of(Collection<Plan> plans, List<Price> prices) {
        Set<String> models = new HashSet<>();
        Set<String> providers = new HashSet<>();
        for (Price price : prices) {
            models.add(price.model());
            providers.add(price.provider());
        }
        List<Finding> findings = new ArrayList<>();
        for (Plan plan : plans) {
            for (MarkupOverride override : plan.overrides()) {
                boolean forModel = !override.model().equals(MarkupOverride.ANY);
                String named = forModel ? override.model() : override.provider();
                if (!(forModel ? models : providers).contains(named)) {
                    findings.add(new Finding(
                            "plan-override-unpriced:" + plan.planId() + ":" + named,
                            OVERRIDE_UNPRICED,
                            Finding.Severity.WARNING,
                            "plan " + plan.planId() + " " + whatItSets(override) + " of "
                                    + (forModel ? "model " : "provider ")
                                    + named + ", which has no price in the catalog, so the override applies to"
                                    + " nothing (a misspelt name bills at the plan's default markup)"));
                }
            }
            findings.addAll(unpricedAllowanceModels(plan, models));
        }
        return findings;
    }

    /** What an override sets: a markup, custom rates or both. */
    private static String whatItSets(MarkupOverride override) {
        if (override.rates().isEmpty()) {
            return "overrides the markup";
        }
        return override.markupPercent() == null ? "sets custom rates" : "overrides the markup and sets custom rates";
    }

    private static List<Finding> unpricedAllowanceModels(Plan plan, Set<String> models) {
        List<Finding> findings = new ArrayList<>();
        for (int i = 0; i < plan.allowances().size(); i++) {
            Allowance allowance = plan.allowances().get(i);
            String name = allowance.name() != null ? allowance.name() : "included[" + i + "]";
            for (String model : allowance.models()) {
                boolean priced = models.stream().anyMatch(pricedModel -> Allowance.covers(model, pricedModel));
                if (!priced) {
                    findings.add(new Finding(
                            "plan-allowance-unpriced:" + plan.planId() + ":" + name + ":" + model,
                            ALLOWANCE_UNPRICED,
                            Finding.Severity.WARNING,
                            "plan " + plan.planId() + " includes usage (" + name + ") of " + model + ", which has no"
                                    + " price in the catalog, so that part of the allowance covers nothing (a misspelt"
                                    + " name leaves the usage it meant to overage)"));
                }
            }
        }
        return findings;
    }
}
