package io.tokentally.api;

import io.tokentally.reconcile.CustomerBalances;
import java.util.Map;
import org.springframework.context.annotation.Profile;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/**
 * A customer's running balance as of the latest run, for a gateway that asks "may this customer
 * spend?": available amount, currency, as-of time and {@code allow} under the configured floor.
 */
@RestController
@Profile("serve")
class BalancesController {

    private final CustomerBalances balances;

    BalancesController(CustomerBalances balances) {
        this.balances = balances;
    }

    @GetMapping(path = "/api/customers/{customerId}/balance", produces = MediaType.APPLICATION_JSON_VALUE)
    Map<String, Object> balance(@PathVariable String customerId) {
        return balances.balanceOf(customerId)
                .map(CustomerBalances::toJson)
                .orElseThrow(() -> ApiProblem.notFound(
                        "no balance for customer " + customerId + " (unknown, or no run has settled it yet)"));
    }
}
