package io.tokentally.stripe;

import com.stripe.StripeClient;
import com.stripe.exception.StripeException;
import com.stripe.model.StripeCollection;
import com.stripe.model.billing.CreditGrant;
import com.stripe.net.RequestOptions;
import com.stripe.param.billing.CreditGrantCreateParams;
import com.stripe.param.billing.CreditGrantListParams;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;

/** Sends a credit grant row with stripe-java: create, void or expire; and reads in Stripe what a row did. */
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

    /** A page of a customer's grants, newest first: the page after the grant {@code startingAfter}, or the first. */
    static StripeCollection<CreditGrant> listed(StripeClient client, String customer, String startingAfter)
            throws StripeException {
        return client.v1()
                .billing()
                .creditGrants()
                .list(CreditGrantListParams.builder()
                        .setCustomer(customer)
                        .setLimit(100L)
                        .setStartingAfter(startingAfter)
                        .build());
    }

    /**
     * The Stripe id of the grant a void or expire row ends, if Stripe shows it ended: voided (an expire too: Stripe
     * refuses to expire a voided grant), or for an expire, expired by {@code now}.
     */
    static Optional<String> ended(StripeClient client, OutboxRow row, Instant now) throws StripeException {
        CreditGrant grant =
                client.v1().billing().creditGrants().retrieve(row.grant().stripeGrantId());
        boolean ended = grant.getVoidedAt() != null
                || (row.kind() == OutboxRow.Kind.CREDIT_GRANT_EXPIRE
                        && grant.getExpiresAt() != null
                        && grant.getExpiresAt() <= now.getEpochSecond());
        return ended ? Optional.of(grant.getId()) : Optional.empty();
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
                .putMetadata(StripeRequest.IDENTIFIER, row.identifier());
        if (terms.effectiveAt() != null) {
            params.setEffectiveAt(terms.effectiveAt().getEpochSecond());
        }
        if (terms.expiresAt() != null) {
            params.setExpiresAt(terms.expiresAt().getEpochSecond());
        }
        return params.build();
    }
}
