package io.tokentally.stripe;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class GrantRowsTests {

    static final Instant NOVEMBER = Instant.parse("2026-11-01T00:00:00Z");

    @Test
    void aRefundedPackIsEndedAndItsVoidEndsItsCreate() {
        // given
        GrantRows rows = new GrantRows(List.of(
                row(1, OutboxRow.Kind.CREDIT_GRANT, OutboxRow.State.SENT, 25_000_000),
                row(2, OutboxRow.Kind.CREDIT_GRANT_VOID, OutboxRow.State.PENDING, 0)));

        // then
        assertThat(rows.held()).satisfies(held -> {
            assertThat(held.live()).isZero();
            assertThat(held.ended()).isTrue();
            assertThat(held.revision()).isEqualTo(2);
        });
        assertThat(rows.createEndedBy(2).revision()).isEqualTo(1);
    }

    @Test
    void eachVoidOfAGrowingGrantEndsTheEarliestCreateBeforeItAndAReplacementIsLive() {
        // given: three creates of a growing grant, two voids, then a replacement and its void, then a new create
        GrantRows rows = new GrantRows(List.of(
                row(1, OutboxRow.Kind.CREDIT_GRANT, OutboxRow.State.SENT, 1_000_000),
                row(2, OutboxRow.Kind.CREDIT_GRANT, OutboxRow.State.SENT, 500_000),
                row(3, OutboxRow.Kind.CREDIT_GRANT_VOID, OutboxRow.State.SENT, 0),
                row(4, OutboxRow.Kind.CREDIT_GRANT_VOID, OutboxRow.State.SENT, 0),
                row(5, OutboxRow.Kind.CREDIT_GRANT, OutboxRow.State.SENT, 1_200_000),
                row(6, OutboxRow.Kind.CREDIT_GRANT_VOID, OutboxRow.State.PENDING, 0),
                row(7, OutboxRow.Kind.CREDIT_GRANT, OutboxRow.State.PENDING, 900_000)));

        // then
        assertThat(List.of(3, 4, 6))
                .map(end -> rows.createEndedBy(end).revision())
                .containsExactly(1, 2, 5);
        assertThat(rows.held()).satisfies(held -> {
            assertThat(held.live()).isEqualTo(1);
            assertThat(held.grantedMicros()).isEqualTo(900_000);
            assertThat(held.ended()).isFalse();
        });
    }

    @Test
    void aVoidWhoseCreateStripeRefusedAfterItWasPlannedEndsNothingAndALaterCreateStaysLive() {
        // given: two creates of a growing grant, voided, the second then refused; wanted again later
        GrantRows rows = new GrantRows(List.of(
                row(1, OutboxRow.Kind.CREDIT_GRANT, OutboxRow.State.SENT, 1_000_000),
                row(2, OutboxRow.Kind.CREDIT_GRANT, OutboxRow.State.FAILED, 500_000),
                row(3, OutboxRow.Kind.CREDIT_GRANT_VOID, OutboxRow.State.SENT, 0),
                row(4, OutboxRow.Kind.CREDIT_GRANT_VOID, OutboxRow.State.PENDING, 0),
                row(5, OutboxRow.Kind.CREDIT_GRANT, OutboxRow.State.PENDING, 700_000)));

        // then
        assertThat(rows.createEndedBy(3).revision()).isEqualTo(1);
        assertThat(rows.createEndedBy(4)).isNull();
        assertThat(rows.held().live()).isEqualTo(1);
        assertThat(rows.held().grantedMicros()).isEqualTo(700_000);
    }

    @Test
    void aReplacementStripeRefusedIsRefusedNotEndedSoItIsCreatedAgain() {
        // given: a grant voided and created again, the new create refused
        GrantRows rows = new GrantRows(List.of(
                row(1, OutboxRow.Kind.CREDIT_GRANT, OutboxRow.State.SENT, 10_000_000),
                row(2, OutboxRow.Kind.CREDIT_GRANT_VOID, OutboxRow.State.SENT, 0),
                row(3, OutboxRow.Kind.CREDIT_GRANT, OutboxRow.State.FAILED, 5_000_000)));

        // then
        assertThat(rows.held()).satisfies(held -> {
            assertThat(held.live()).isZero();
            assertThat(held.ended()).isFalse();
            assertThat(held.refused()).isTrue();
        });
    }

    @Test
    void aVoidStripeRefusedEndsNothingSoItsGrantIsStillLiveNotRefused() {
        // given: a grant to replace (its expiry changed), the void and the new create both refused
        GrantRows rows = new GrantRows(List.of(
                row(1, OutboxRow.Kind.CREDIT_GRANT, OutboxRow.State.SENT, 10_000_000),
                row(2, OutboxRow.Kind.CREDIT_GRANT_VOID, OutboxRow.State.FAILED, 0),
                row(3, OutboxRow.Kind.CREDIT_GRANT, OutboxRow.State.FAILED, 10_000_000)));

        // then: the first grant is live in Stripe, so the planner voids it again rather than adding a second
        assertThat(rows.createEndedBy(2)).isNull();
        assertThat(rows.held()).satisfies(held -> {
            assertThat(held.live()).isEqualTo(1);
            assertThat(held.grantedMicros()).isEqualTo(10_000_000);
            assertThat(held.refused()).isFalse();
        });
    }

    @Test
    void aFirstCreateStripeRefusedIsRefusedAndALiveOneIsNot() {
        assertThat(new GrantRows(List.of(row(1, OutboxRow.Kind.CREDIT_GRANT, OutboxRow.State.FAILED, 10_000_000)))
                        .held()
                        .refused())
                .isTrue();
        assertThat(new GrantRows(List.of(row(1, OutboxRow.Kind.CREDIT_GRANT, OutboxRow.State.SENT, 10_000_000)))
                        .held()
                        .refused())
                .isFalse();
    }

    private static OutboxRow row(int revision, OutboxRow.Kind kind, OutboxRow.State state, long micros) {
        String identifier = "tt-grant-x-r" + revision;
        return new OutboxRow(
                revision,
                kind,
                "acme",
                "cus_acme",
                "grant-x",
                NOVEMBER,
                revision,
                identifier,
                "tokentally-" + identifier,
                micros,
                NOVEMBER,
                state,
                0,
                null,
                new OutboxRow.GrantTerms("promotional", 10, null, Instant.parse("2026-12-01T00:00:00Z"), "x", null));
    }
}
