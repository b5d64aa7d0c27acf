package io.tokentally.plans;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A plans file and a customers file read together: each customer's plan must be in the plans file or
 * among the plans stored before.
 */
public record PlanFiles(List<Plan> plans, List<Customer> customers) {

    public static PlanFiles read(Path plansFile, Path customersFile, Set<String> storedPlanIds) throws IOException {
        List<Plan> plans = PlansFile.read(plansFile);
        Set<String> planIds = new HashSet<>(storedPlanIds);
        plans.forEach(plan -> planIds.add(plan.planId()));
        return new PlanFiles(plans, CustomersFile.read(customersFile, planIds));
    }
}
