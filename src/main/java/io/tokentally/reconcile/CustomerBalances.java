package io.tokentally.reconcile;

import io.tokentally.rating.Balance;
import io.tokentally.shared.Amounts;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.stereotype.Service;

/**
 * Answers "may this customer spend?" from the balance the latest run kept: for the REST endpoint
 * {@code GET /api/customers/{id}/balance} and the bulk export a gateway caches.
 */
@Service
public class CustomerBalances {

    private final BalanceRepository balances;

    public CustomerBalances(BalanceRepository balances) {
        this.balances = balances;
    }

    /** The customer's balance as of the latest run that settled it, or empty for an unknown customer. */
    public Optional<Balance> balanceOf(String customerId) {
        return balances.find(customerId);
    }

    /** Every customer's balance as of the latest run that settled it, as the bulk export shows them. */
    public Map<String, Object> export() {
        return export(balances.findAll());
    }

    /**
     * The bulk export a gateway caches: {@code as_of} (the latest balance's time), {@code currency} and
     * {@code balances}, one entry per customer ordered by id, each as {@link #toJson(Balance)} shows it.
     */
    public static Map<String, Object> export(List<Balance> all) {
        List<Balance> sorted =
                all.stream().sorted(Comparator.comparing(Balance::customerId)).toList();
        Map<String, Object> json = new LinkedHashMap<>();
        json.put(
                "as_of",
                sorted.stream()
                        .map(Balance::asOf)
                        .max(Comparator.naturalOrder())
                        .map(Object::toString)
                        .orElse(null));
        json.put("currency", "USD");
        json.put("balances", sorted.stream().map(CustomerBalances::toJson).toList());
        return json;
    }

    /** A balance as the endpoint and the export show it, amounts as decimal strings. */
    public static Map<String, Object> toJson(Balance balance) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("customer_id", balance.customerId());
        json.put("available", Amounts.toText(balance.availableUsd()));
        json.put("currency", balance.currency());
        json.put("as_of", balance.asOf().toString());
        json.put("allow", balance.allow());
        json.put("included_usd", Amounts.toText(balance.includedUsd()));
        json.put("included_tokens", balance.includedTokens());
        json.put("promotional_usd", Amounts.toText(balance.promotionalUsd()));
        json.put("paid_usd", Amounts.toText(balance.paidUsd()));
        return json;
    }
}
