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
     *     not (yet) known is left out, and the earliest refund or cancellation of a purchase wins, one dated before
     *     its purchase too (it ends the grant as it takes effect: folded in time order alone, it came before its
     *     purchase and was dropped, leaving a refunded pack live; review 52)
     */
    public static List<CreditGrant> fold(List<Purchase> rows) {
        Map<String, CreditGrant> grants = new LinkedHashMap<>();
        List<Purchase> sorted = new ArrayList<>(rows);
        sorted.sort(
                Comparator.comparing(Purchase::at).thenComparing(p -> p.event().ordinal()));
        for (Purchase row : sorted) {
            if (row.event() == Purchase.Event.PURCHASE) {
                grants.putIfAbsent(row.purchaseId(), granted(row));
            }
        }
        for (Purchase row : sorted) {
            CreditGrant grant = grants.get(row.purchaseId());
            if (row.event() != Purchase.Event.PURCHASE && grant != null && grant.endedAt() == null) {
                grants.put(row.purchaseId(), ended(grant, row));
            }
        }
        return List.copyOf(grants.values());
    }

    /** The grant of a purchase, not ended. */
    private static CreditGrant granted(Purchase purchase) {
        return new CreditGrant(
                keyOf(purchase.purchaseId()),
                purchase.customerId(),
                purchase.category(),
                purchase.amountUsd(),
                purchase.at(),
                purchase.expiresAt(),
                null,
                CreditGrant.End.NONE);
    }

    /** The grant voided by a refund or expired by a cancellation, no earlier than it took effect. */
    private static CreditGrant ended(CreditGrant grant, Purchase row) {
        CreditGrant.End end = row.event() == Purchase.Event.REFUND ? CreditGrant.End.VOIDED : CreditGrant.End.EXPIRED;
        return new CreditGrant(
                grant.grantKey(),
                grant.customerId(),
                grant.category(),
                grant.amountUsd(),
                grant.effectiveAt(),
                grant.expiresAt(),
                row.at().isBefore(grant.effectiveAt()) ? grant.effectiveAt() : row.at(),
                end);
    }
}
