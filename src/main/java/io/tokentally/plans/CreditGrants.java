package io.tokentally.plans;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Folds purchases feed rows into credit grants: a refund voids its purchase, a cancellation expires it. */
public final class CreditGrants {

    private CreditGrants() {}

    /** The key of a purchase's grant, in the outbox and in statements. */
    public static String keyOf(String purchaseId) {
        return "purchase:" + purchaseId;
    }

    /**
     * @return one grant per purchase, in purchase time order; a refund or cancellation whose purchase is
     *     not (yet) known is left out, and the earliest refund or cancellation of a purchase wins
     */
    public static List<CreditGrant> fold(List<Purchase> rows) {
        Map<String, CreditGrant> grants = new LinkedHashMap<>();
        List<Purchase> sorted = new ArrayList<>(rows);
        sorted.sort(
                Comparator.comparing(Purchase::at).thenComparing(p -> p.event().ordinal()));
        for (Purchase row : sorted) {
            if (row.event() == Purchase.Event.PURCHASE) {
                grants.putIfAbsent(
                        row.purchaseId(),
                        new CreditGrant(
                                keyOf(row.purchaseId()),
                                row.customerId(),
                                row.category(),
                                row.amountUsd(),
                                row.at(),
                                row.expiresAt(),
                                null,
                                CreditGrant.End.NONE));
                continue;
            }
            CreditGrant grant = grants.get(row.purchaseId());
            if (grant != null && grant.endedAt() == null) {
                CreditGrant.End end =
                        row.event() == Purchase.Event.REFUND ? CreditGrant.End.VOIDED : CreditGrant.End.EXPIRED;
                grants.put(
                        row.purchaseId(),
                        new CreditGrant(
                                grant.grantKey(),
                                grant.customerId(),
                                grant.category(),
                                grant.amountUsd(),
                                grant.effectiveAt(),
                                grant.expiresAt(),
                                row.at().isBefore(grant.effectiveAt()) ? grant.effectiveAt() : row.at(),
                                end));
            }
        }
        return List.copyOf(grants.values());
    }
}
