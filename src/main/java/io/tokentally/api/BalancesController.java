package io.tokentally.api;

import io.tokentally.reconcile.CustomerBalances;
import io.tokentally.shared.Sha256;
import java.util.Map;
import org.springframework.context.annotation.Profile;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.json.JsonMapper;

/**
 * A customer's running balance as of the latest run, for a gateway that asks "may this customer
 * spend?": available amount, currency, as-of time and {@code allow} under the configured floor.
 */
@RestController
@Profile("serve")
class BalancesController {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final CustomerBalances balances;

    BalancesController(CustomerBalances balances) {
        this.balances = balances;
    }

    /**
     * Every customer's balance, as the run folder's {@code balances.json} has it, with an ETag: a gateway
     * that sends it back in {@code If-None-Match} gets 304 until a run changes a balance.
     */
    @GetMapping(path = "/api/balances", produces = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<byte[]> all(@RequestHeader(name = HttpHeaders.IF_NONE_MATCH, required = false) String ifNoneMatch) {
        byte[] body = JSON.writeValueAsBytes(balances.export());
        String etag = "\"" + Sha256.hex(body) + "\"";
        if (etag.equals(ifNoneMatch)) {
            return ResponseEntity.status(HttpStatus.NOT_MODIFIED).eTag(etag).build();
        }
        return ResponseEntity.ok()
                .eTag(etag)
                .cacheControl(CacheControl.noCache())
                .contentType(MediaType.APPLICATION_JSON)
                .body(body);
    }

    @GetMapping(path = "/api/customers/{customerId}/balance", produces = MediaType.APPLICATION_JSON_VALUE)
    Map<String, Object> balance(@PathVariable String customerId) {
        return balances.balanceOf(customerId)
                .map(CustomerBalances::toJson)
                .orElseThrow(() -> ApiProblem.notFound(
                        "no balance for customer " + customerId + " (unknown, or no run has settled it yet)"));
    }
}
