package io.tokentally.stripe;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CreditGrantPlannerTests {

    static final Instant NOW = Instant.parse("2026-11-20T12:00:00Z");
    final CreditGrantPlanner planner = new CreditGrantPlanner(NOW);

    @Test
    void createsAPackOnceWithAnIdempotencyKeyFromItsPurchase() {
        // given
        CreditGrantPlanner.Wanted pack = pack(CreditGrantPlanner.Ending.NONE);

        // when
        List<OutboxRow> first = planner.plan("acme", "cus_acme", List.of(pack), Map.of());
        List<OutboxRow> again = planner.plan(
                "acme",
                "cus_acme",
                List.of(pack),
                Map.of(first.get(0).meter(), new CreditGrantPlanner.Held(1, 25_000_000, false)));

        // then
        assertThat(first).singleElement().satisfies(row -> {
            assertThat(row.kind()).isEqualTo(OutboxRow.Kind.CREDIT_GRANT);
            assertThat(row.valueMicros()).isEqualTo(25_000_000);
            assertThat(row.identifier()).isEqualTo("tt-" + CreditGrantPlanner.meterOf("acme", "purchase:p1") + "-r1");
            assertThat(row.idempotencyKey()).isEqualTo("tokentally-" + row.identifier());
            assertThat(row.grant().effectiveAt()).isNull(); // bought before now
            assertThat(row.grant().priority()).isEqualTo(30);
        });
        assertThat(again).isEmpty();
    }

    @Test
    void refundAddsAVoidAfterTheCreateAndOnlyOnce() {
        // given
        CreditGrantPlanner.Wanted refunded = pack(CreditGrantPlanner.Ending.VOID);
        String meter = CreditGrantPlanner.meterOf("acme", "purchase:p1");

        // when
        List<OutboxRow> afterCreate = planner.plan(
                "acme",
                "cus_acme",
                List.of(refunded),
                Map.of(meter, new CreditGrantPlanner.Held(1, 25_000_000, false)));
        List<OutboxRow> afterVoid = planner.plan(
                "acme", "cus_acme", List.of(refunded), Map.of(meter, new CreditGrantPlanner.Held(2, 25_000_000, true)));

        // then
        assertThat(afterCreate).singleElement().satisfies(row -> {
            assertThat(row.kind()).isEqualTo(OutboxRow.Kind.CREDIT_GRANT_VOID);
            assertThat(row.revision()).isEqualTo(2);
        });
        assertThat(afterVoid).isEmpty();
    }

    @Test
    void growingGrantSendsOnlyTheIncreaseAndNeverADecrease() {
        // given the value of a token allowance consumed so far: $3.20, of which $2.00 was granted
        CreditGrantPlanner.Wanted tokens = new CreditGrantPlanner.Wanted(
                "included:acme:x:tokens",
                "promotional",
                3_200_000,
                Instant.parse("2026-11-01T00:00:00Z"),
                Instant.parse("2026-12-01T00:00:00Z"),
                CreditGrantPlanner.Ending.NONE,
                10,
                "Included usage tokens",
                true);
        String meter = CreditGrantPlanner.meterOf("acme", tokens.key());

        // when
        List<OutboxRow> more = planner.plan(
                "acme", "cus_acme", List.of(tokens), Map.of(meter, new CreditGrantPlanner.Held(1, 2_000_000, false)));
        List<OutboxRow> less = planner.plan(
                "acme", "cus_acme", List.of(tokens), Map.of(meter, new CreditGrantPlanner.Held(2, 4_000_000, false)));

        // then
        assertThat(more).singleElement().satisfies(row -> {
            assertThat(row.valueMicros()).isEqualTo(1_200_000);
            assertThat(row.revision()).isEqualTo(2);
            assertThat(row.grant().expiresAt()).isEqualTo(Instant.parse("2026-12-01T00:00:00Z"));
        });
        assertThat(less).isEmpty();
    }

    @Test
    void grantThatWouldAlreadyHaveExpiredIsNotCreated() {
        // given October's included usage, planned in November
        CreditGrantPlanner.Wanted october = new CreditGrantPlanner.Wanted(
                "included:acme:oct:usd",
                "promotional",
                10_000_000,
                Instant.parse("2026-10-01T00:00:00Z"),
                Instant.parse("2026-11-01T00:00:00Z"),
                CreditGrantPlanner.Ending.NONE,
                10,
                "Included usage",
                false);

        // when, then
        assertThat(planner.plan("acme", "cus_acme", List.of(october), Map.of())).isEmpty();
    }

    @Test
    void dryRunRequestScopesTheGrantToMeteredPricesInWholeCents() {
        // given
        OutboxRow row = planner.plan("acme", "cus_acme", List.of(pack(CreditGrantPlanner.Ending.NONE)), Map.of())
                .get(0);

        // when
        StripeRequest request = StripeRequest.of(row);

        // then
        assertThat(request.path()).isEqualTo("/v1/billing/credit_grants");
        assertThat(request.form())
                .containsEntry("amount[monetary][value]", "2500")
                .containsEntry("applicability_config[scope][price_type]", "metered")
                .containsEntry("category", "paid")
                .containsEntry(
                        "expires_at",
                        Long.toString(Instant.parse("2027-11-01T00:00:00Z").getEpochSecond()))
                .doesNotContainKey("effective_at");
    }

    static CreditGrantPlanner.Wanted pack(CreditGrantPlanner.Ending ending) {
        return new CreditGrantPlanner.Wanted(
                "purchase:p1",
                "paid",
                25_000_000,
                Instant.parse("2026-11-02T00:00:00Z"),
                Instant.parse("2027-11-01T00:00:00Z"),
                ending,
                30,
                "Credit pack p1",
                false);
    }
}
