package io.tokentally.rating;

import io.tokentally.plans.CreditGrant;
import io.tokentally.plans.Customer;
import io.tokentally.plans.Plan;
import io.tokentally.plans.PlanSegment;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Map;

/**
 * What a customer may still spend at {@code asOf}: the included usage left in the current plan segment
 * plus the credit grants usable then, by category; {@code allow} says whether usage may go on (the plan
 * allows overage, tokens are left, or the balance is above the floor).
 */
public record Balance(
        String customerId,
        Instant asOf,
        String currency,
        BigDecimal availableUsd,
        BigDecimal includedUsd,
        BigDecimal promotionalUsd,
        BigDecimal paidUsd,
        long includedTokens,
        boolean allow) {

    /** The balance of a customer's ledger at {@code asOf}, with {@code floorUsd} as the lowest spendable balance. */
    public static Balance of(
            Customer customer, Map<String, Plan> plans, CreditLedger ledger, Instant asOf, BigDecimal floorUsd) {
        CreditAllocator allocator = new CreditAllocator(customer, plans);
        PlanSegment segment = allocator.segmentAt(asOf);
        BigDecimal included = BigDecimal.ZERO;
        long tokens = 0;
        for (IncludedUsage usage : Statements.includedOf(allocator, ledger, segment)) {
            included = included.add(usage.remainingUsd());
            tokens += usage.remainingTokens();
        }
        BigDecimal promotional = BigDecimal.ZERO;
        BigDecimal paid = BigDecimal.ZERO;
        for (CreditGrant grant : ledger.grants()) {
            if (grant.usableAt(asOf)) {
                if (grant.category() == CreditGrant.Category.PAID) {
                    paid = paid.add(ledger.remainingOf(grant));
                } else {
                    promotional = promotional.add(ledger.remainingOf(grant));
                }
            }
        }
        BigDecimal available = included.add(promotional).add(paid);
        boolean allow = plans.get(segment.planId()).allowOverage() || tokens > 0 || available.compareTo(floorUsd) > 0;
        return new Balance(customer.customerId(), asOf, "USD", available, included, promotional, paid, tokens, allow);
    }
}
