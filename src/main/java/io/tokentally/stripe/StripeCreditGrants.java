package io.tokentally.stripe;

import com.stripe.StripeClient;
import com.stripe.exception.StripeException;
import com.stripe.model.billing.CreditGrant;
import com.stripe.net.RequestOptions;
import com.stripe.param.billing.CreditGrantCreateParams;
import java.util.Locale;

/** Sends a credit grant row with stripe-java: create, void or expire. */
final class StripeCreditGrants {

    private StripeCreditGrants() {}

    /** @return the Stripe id of the grant */
    static String send(StripeClient client, OutboxRow row, RequestOptions options) throws StripeException {
        OutboxRow.GrantTerms terms = row.grant();
        if (row.kind() == OutboxRow.Kind.CREDIT_GRANT_VOID) {
            return client.v1()
                    .billing()
                    .creditGrants()
                    .voidGrant(terms.stripeGrantId(), options)
                    .getId();
        }
        if (row.kind() == OutboxRow.Kind.CREDIT_GRANT_EXPIRE) {
            return client.v1()
                    .billing()
                    .creditGrants()
                    .expire(terms.stripeGrantId(), options)
                    .getId();
        }
        CreditGrant grant = client.v1().billing().creditGrants().create(createParams(row, terms), options);
        return grant.getId();
    }

    /** The create request of a grant row: its amount in cents on metered prices, its terms and identifier. */
    private static CreditGrantCreateParams createParams(OutboxRow row, OutboxRow.GrantTerms terms) {
        CreditGrantCreateParams.Builder params = CreditGrantCreateParams.builder()
                .setCustomer(row.stripeCustomerId())
                .setAmount(CreditGrantCreateParams.Amount.builder()
                        .setType(CreditGrantCreateParams.Amount.Type.MONETARY)
                        .setMonetary(CreditGrantCreateParams.Amount.Monetary.builder()
                                .setCurrency("usd")
                                .setValue(StripeRequest.grantCents(row.valueMicros()))
                                .build())
                        .build())
                .setApplicabilityConfig(CreditGrantCreateParams.ApplicabilityConfig.builder()
                        .setScope(CreditGrantCreateParams.ApplicabilityConfig.Scope.builder()
                                .setPriceType(CreditGrantCreateParams.ApplicabilityConfig.Scope.PriceType.METERED)
                                .build())
                        .build())
                .setCategory(CreditGrantCreateParams.Category.valueOf(
                        terms.category().toUpperCase(Locale.ROOT)))
                .setPriority((long) terms.priority())
                .setName(terms.name())
                .putMetadata("tokentally_identifier", row.identifier());
        if (terms.effectiveAt() != null) {
            params.setEffectiveAt(terms.effectiveAt().getEpochSecond());
        }
        if (terms.expiresAt() != null) {
            params.setExpiresAt(terms.expiresAt().getEpochSecond());
        }
        return params.build();
    }
}
