package io.tokentally.stripe;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokentally.shared.BillingPeriod;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CreditGrantPlannerTests {

    static final Instant NOW = Instant.parse("2026-11-20T12:00:00Z");
    static final Instant NOVEMBER = Instant.parse("2026-11-01T00:00:00Z");
    static final Instant DECEMBER = Instant.parse("2026-12-01T00:00:00Z");
    static final Instant PACK_EXPIRES = Instant.parse("2027-11-01T00:00:00Z");
    /** The periods the plans are made for: November 2026. */
    static final List<BillingPeriod> PERIODS =
            List.of(new BillingPeriod(Instant.parse("2026-11-01T00:00:00Z"), Instant.parse("2026-12-01T00:00:00Z")));

    final CreditGrantPlanner planner = new CreditGrantPlanner(NOW, Duration.ofHours(1));

    @Test
    void createsAPackOnceWithAnIdempotencyKeyFromItsPurchase() {
        // given
        CreditGrantPlanner.Wanted pack = pack(CreditGrantPlanner.Ending.NONE);

        // when
        List<OutboxRow> first = planner.plan("acme", "cus_acme", List.of(pack), Map.of(), PERIODS);
        List<OutboxRow> again = planner.plan(
                "acme",
                "cus_acme",
                List.of(pack),
                Map.of(first.get(0).meter(), held(1, 1, 25_000_000, PACK_EXPIRES)),
                PERIODS);

        // then
        assertThat(first).singleElement().satisfies(row -> {
            assertThat(row.kind()).isEqualTo(OutboxRow.Kind.CREDIT_GRANT);
            assertThat(row.valueMicros()).isEqualTo(25_000_000);
            assertThat(row.identifier()).isEqualTo("tt-" + GrantColumns.meterOf("acme", "purchase:p1") + "-r1");
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
        String meter = GrantColumns.meterOf("acme", "purchase:p1");

        // when
        List<OutboxRow> afterCreate = planner.plan(
                "acme", "cus_acme", List.of(refunded), Map.of(meter, held(1, 1, 25_000_000, PACK_EXPIRES)), PERIODS);
        List<OutboxRow> afterVoid =
                planner.plan("acme", "cus_acme", List.of(refunded), Map.of(meter, ended(2)), PERIODS);

        // then
        assertThat(afterCreate).singleElement().satisfies(row -> {
            assertThat(row.kind()).isEqualTo(OutboxRow.Kind.CREDIT_GRANT_VOID);
            assertThat(row.revision()).isEqualTo(2);
        });
        assertThat(afterVoid).isEmpty();
    }

    @Test
    void aVoidWaitsUntilItsEndingFrom() {
        // given a refunded pack Stripe holds, whose void may be sent from an hour after now, or from now
        String meter = GrantColumns.meterOf("acme", "purchase:p1");
        Map<String, CreditGrantPlanner.Held> held = Map.of(meter, held(1, 1, 25_000_000, PACK_EXPIRES));

        // when
        List<OutboxRow> before =
                planner.plan("acme", "cus_acme", List.of(refundedFrom(NOW.plusSeconds(3600))), held, PERIODS);
        List<OutboxRow> from = planner.plan("acme", "cus_acme", List.of(refundedFrom(NOW)), held, PERIODS);

        // then
        assertThat(before).isEmpty();
        assertThat(from).singleElement().satisfies(row -> {
            assertThat(row.kind()).isEqualTo(OutboxRow.Kind.CREDIT_GRANT_VOID);
            assertThat(row.revision()).isEqualTo(2);
        });
    }

    @Test
    void aRefusedPackWhoseEndingWaitsIsCreatedAgain() {
        // given a pack whose create Stripe refused (it did not know the customer yet), cancelled from an hour after
        // now, or from now
        String meter = GrantColumns.meterOf("acme", "purchase:p1");
        Map<String, CreditGrantPlanner.Held> refused =
                Map.of(meter, new CreditGrantPlanner.Held(1, 0, 0, false, true, NOVEMBER, terms(PACK_EXPIRES), null));

        // when
        List<OutboxRow> waiting =
                planner.plan("acme", "cus_acme", List.of(refundedFrom(NOW.plusSeconds(3600))), refused, PERIODS);
        List<OutboxRow> due = planner.plan("acme", "cus_acme", List.of(refundedFrom(NOW)), refused, PERIODS);

        // then it lives until its ending is due, so it is created again; once due, nothing is created or ended
        assertThat(waiting)
                .extracting(row -> row.kind() + " r" + row.revision())
                .containsExactly("CREDIT_GRANT r2");
        assertThat(due).isEmpty();
    }

    @Test
    void growingGrantSendsTheIncreaseAsAFurtherGrant() {
        // given the value of a token allowance consumed so far: $3.20, of which $2.00 was granted
        CreditGrantPlanner.Wanted tokens = new CreditGrantPlanner.Wanted(
                "included:acme:x:tokens",
                "promotional",
                3_200_000,
                Instant.parse("2026-11-01T00:00:00Z"),
                Instant.parse("2026-12-01T00:00:00Z"),
                CreditGrantPlanner.Ending.NONE,
                null,
                10,
                "Included usage tokens",
                true);
        String meter = GrantColumns.meterOf("acme", tokens.key());

        // when
        List<OutboxRow> more =
                planner.plan("acme", "cus_acme", List.of(tokens), Map.of(meter, held(1, 1, 2_000_000)), PERIODS);

        // then
        assertThat(more).singleElement().satisfies(row -> {
            assertThat(row.valueMicros()).isEqualTo(1_200_000);
            assertThat(row.revision()).isEqualTo(2);
            assertThat(row.grant().expiresAt()).isEqualTo(Instant.parse("2026-12-01T00:00:00Z"));
        });
    }

    @Test
    void includedUsageProratedAgainAfterAPlanChangeVoidsTheGrantAndCreatesItAtTheNewAmountOnce() {
        // given November's $10 included usage granted whole, then a plan change on the 16th: $5 from the 1st
        CreditGrantPlanner.Wanted prorated = included("included:acme:nov:monthly", 5_000_000, false);
        String meter = GrantColumns.meterOf("acme", prorated.key());

        // when
        List<OutboxRow> rows =
                planner.plan("acme", "cus_acme", List.of(prorated), Map.of(meter, held(1, 1, 10_000_000)), PERIODS);
        List<OutboxRow> again =
                planner.plan("acme", "cus_acme", List.of(prorated), Map.of(meter, held(3, 1, 5_000_000)), PERIODS);

        // then
        assertThat(rows)
                .extracting(row -> row.kind() + " r" + row.revision() + " " + row.valueMicros())
                .containsExactly("CREDIT_GRANT_VOID r2 0", "CREDIT_GRANT r3 5000000");
        assertThat(rows.get(1).grant().expiresAt()).isEqualTo(DECEMBER);
        assertThat(again).isEmpty();
    }

    @Test
    void aGrantThePlansNoLongerGiveIsVoidedOnceForEachLiveCreateInThePeriodsPlannedOnly() {
        // given a token allowance granted in two steps in November, and October's, neither wanted any more
        String november = GrantColumns.meterOf("acme", "included:acme:nov:tokens");
        String october = GrantColumns.meterOf("acme", "included:acme:oct:tokens");
        Map<String, CreditGrantPlanner.Held> held = Map.of(
                november,
                held(2, 2, 3_000_000),
                october,
                new CreditGrantPlanner.Held(
                        1, 1, 1_000_000, false, false, Instant.parse("2026-10-01T00:00:00Z"), terms(DECEMBER), null));

        // when
        List<OutboxRow> rows = planner.plan("acme", "cus_acme", List.of(), held, PERIODS);
        List<OutboxRow> again = planner.plan("acme", "cus_acme", List.of(), Map.of(november, ended(4)), PERIODS);

        // then
        assertThat(rows)
                .extracting(row -> row.meter() + " " + row.kind() + " r" + row.revision())
                .containsExactly(november + " CREDIT_GRANT_VOID r3", november + " CREDIT_GRANT_VOID r4");
        assertThat(again).isEmpty();
    }

    @Test
    void aGrowingGrantWhoseValueFellAndAGrantExpiringAtAnotherTimeAreVoidedAndCreatedAgain() {
        // given: what a segment used, $1.50 where $2.00 was granted; and a $10 grant that expires on the 16th
        CreditGrantPlanner.Wanted used = included("included:acme:nov:used", 1_500_000, true);
        CreditGrantPlanner.Wanted whole = included("included:acme:nov:monthly", 10_000_000, false);
        Map<String, CreditGrantPlanner.Held> held = Map.of(
                GrantColumns.meterOf("acme", used.key()),
                held(1, 1, 2_000_000),
                GrantColumns.meterOf("acme", whole.key()),
                new CreditGrantPlanner.Held(
                        1, 1, 10_000_000, false, false, NOVEMBER, terms(Instant.parse("2026-11-16T00:00:00Z")), null));

        // when
        List<OutboxRow> rows = planner.plan("acme", "cus_acme", List.of(used, whole), held, PERIODS);

        // then
        assertThat(rows)
                .extracting(row -> row.kind() + " r" + row.revision() + " " + row.valueMicros() + " "
                        + row.grant().expiresAt())
                .containsExactly(
                        "CREDIT_GRANT_VOID r2 0 " + DECEMBER,
                        "CREDIT_GRANT r3 1500000 " + DECEMBER,
                        "CREDIT_GRANT_VOID r2 0 " + DECEMBER,
                        "CREDIT_GRANT r3 10000000 " + DECEMBER);
    }

    @Test
    void aGrantWhoseCreateStripeRefusedIsCreatedAgainUnderTheNextRevision() {
        // given November's included usage, its first create refused (Stripe did not know the customer yet)
        CreditGrantPlanner.Wanted whole = included("included:acme:nov:monthly", 10_000_000, false);
        String meter = GrantColumns.meterOf("acme", whole.key());
        CreditGrantPlanner.Held refused =
                new CreditGrantPlanner.Held(1, 0, 0, false, true, NOVEMBER, terms(DECEMBER), null);

        // when
        List<OutboxRow> rows = planner.plan("acme", "cus_acme", List.of(whole), Map.of(meter, refused), PERIODS);

        // then: a new create, with its own identifier, as a refused meter event is sent again
        assertThat(rows)
                .extracting(row -> row.kind() + " r" + row.revision() + " " + row.valueMicros())
                .containsExactly("CREDIT_GRANT r2 10000000");
    }

    @Test
    void aVoidedGrantWantedAgainIsCreatedAgain() {
        // given November's included usage voided when the plan was changed, and the change undone
        CreditGrantPlanner.Wanted whole = included("included:acme:nov:monthly", 10_000_000, false);
        String meter = GrantColumns.meterOf("acme", whole.key());

        // when
        List<OutboxRow> rows = planner.plan("acme", "cus_acme", List.of(whole), Map.of(meter, ended(2)), PERIODS);

        // then
        assertThat(rows)
                .extracting(row -> row.kind() + " r" + row.revision() + " " + row.valueMicros())
                .containsExactly("CREDIT_GRANT r3 10000000");
    }

    @Test
    void partsOfAnIncludedGrantOnTwoStripeCustomersKeepTheGrantsColumnWhereItsRowsWentAndAColumnOfTheirOwnElsewhere() {
        // given a whole $10 grant made on cus_old, and the customer on cus_new now
        CreditGrantPlanner.Wanted whole = included("included:acme:monthly", 10_000_000, false);
        String meter = GrantColumns.meterOf("acme", "included:acme:monthly");
        Map<String, CreditGrantPlanner.Held> held = Map.of(
                meter,
                new CreditGrantPlanner.Held(1, 1, 10_000_000, false, false, NOVEMBER, terms(DECEMBER), "cus_old"));

        // when its parts are $6 on cus_old and $4 on cus_new
        List<OutboxRow> rows = planner.plan(
                "acme",
                "cus_new",
                List.of(whole.partOn("cus_old", 6_000_000), whole.partOn("cus_new", 4_000_000)),
                held,
                PERIODS);

        // then cus_old's grant is voided and made again at $6 in its column, and cus_new's $4 has a column of its own
        String elsewhere = GrantColumns.meterOf("acme", "included:acme:monthly|cus_new");
        assertThat(rows)
                .extracting(row -> row.kind() + " " + row.stripeCustomerId() + " "
                        + (row.meter().equals(meter)
                                ? "own"
                                : row.meter().equals(elsewhere) ? "elsewhere" : row.meter())
                        + " r" + row.revision() + " "
                        + row.valueMicros())
                .containsExactly(
                        "CREDIT_GRANT_VOID cus_old own r2 0",
                        "CREDIT_GRANT cus_old own r3 6000000",
                        "CREDIT_GRANT cus_new elsewhere r1 4000000");
    }

    @Test
    void aGrantTheNewStripeCustomerAloneBillsNowLeavesTheOldOnesPartToBeVoided() {
        // given $3.60 granted on cus_old in the grant's column and $6 on cus_new in its own; cus_old's hour was
        // corrected to nothing, so the $6 is all the allowance paid, on cus_new (hunt BY's s6: the $6 was voided
        // and $2.40 more made in cus_old's column on cus_new, while cus_old's $3.60 lived on)
        String own = GrantColumns.meterOf("acme", "included:acme:monthly");
        String elsewhere = GrantColumns.meterOf("acme", "included:acme:monthly|cus_new");
        Map<String, CreditGrantPlanner.Held> held = Map.of(
                own,
                new CreditGrantPlanner.Held(1, 1, 3_600_000, false, false, NOVEMBER, terms(DECEMBER), "cus_old"),
                elsewhere,
                new CreditGrantPlanner.Held(1, 1, 6_000_000, false, false, NOVEMBER, terms(DECEMBER), "cus_new"));

        // when
        List<OutboxRow> rows = planner.plan(
                "acme",
                "cus_new",
                List.of(included("included:acme:monthly", 6_000_000, true).on("cus_new")),
                held,
                PERIODS);

        // then
        assertThat(rows)
                .extracting(row -> row.kind() + " " + row.stripeCustomerId() + " "
                        + row.meter().equals(own) + " r" + row.revision())
                .containsExactly("CREDIT_GRANT_VOID cus_old true r2");
    }

    @Test
    void aGrantNoLongerWantedIsVoidedOnTheStripeCustomerItsRowsWentTo() {
        // given a part granted on cus_old in a column of its own, which the customer's grants no longer list
        String meter = GrantColumns.meterOf("acme", "included:acme:monthly|cus_old");
        Map<String, CreditGrantPlanner.Held> held = Map.of(
                meter,
                new CreditGrantPlanner.Held(1, 1, 4_000_000, false, false, NOVEMBER, terms(DECEMBER), "cus_old"));

        // when
        List<OutboxRow> rows = planner.plan("acme", "cus_new", List.of(), held, PERIODS);

        // then its void names cus_old
        assertThat(rows)
                .extracting(row -> row.kind() + " " + row.stripeCustomerId() + " r" + row.revision())
                .containsExactly("CREDIT_GRANT_VOID cus_old r2");
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
                null,
                10,
                "Included usage",
                false);

        // when, then
        assertThat(planner.plan("acme", "cus_acme", List.of(october), Map.of(), PERIODS))
                .isEmpty();
    }

    @Test
    void aGrantOfAPeriodInItsCloseGraceWhoseAmountChangedIsMadeAgainExpiringAtTheClose() {
        // given: half an hour after November's end, in its hour of close grace, November's three grants (FELL, LATE,
        // SAME)
        CreditGrantPlanner inTheGrace =
                new CreditGrantPlanner(DECEMBER.plus(Duration.ofMinutes(30)), Duration.ofHours(1));
        CreditGrantPlanner afterTheClose =
                new CreditGrantPlanner(DECEMBER.plus(Duration.ofHours(1)), Duration.ofHours(1));

        // when
        List<OutboxRow> rows = inTheGrace.plan("acme", "cus_acme", NOVEMBER_GRANTS, novemberHeld(), PERIODS);
        List<OutboxRow> closed = afterTheClose.plan("acme", "cus_acme", NOVEMBER_GRANTS, novemberHeld(), PERIODS);

        // then: made expiring at the end, already past, Stripe would refuse them; the close is still ahead
        assertThat(rows).extracting(CreditGrantPlannerTests::shown).containsExactlyElementsOf(madeAgainAtTheClose());
        assertThat(closed).as("Stripe has finalized the invoice").isEmpty();
    }

    @Test
    void aGrantOfAPeriodEndingWithinACloseGraceFromNowIsMadeExpiringAtTheCloseAndKeptSo() {
        // given: twenty minutes before November's end, a run whose upload may reach Stripe after it; November's
        // three grants (FELL, LATE, SAME)
        CreditGrantPlanner nearTheEnd =
                new CreditGrantPlanner(DECEMBER.minus(Duration.ofMinutes(20)), Duration.ofHours(1));
        CreditGrantPlanner twoHoursBefore =
                new CreditGrantPlanner(DECEMBER.minus(Duration.ofHours(2)), Duration.ofHours(1));
        Instant close = DECEMBER.plus(Duration.ofHours(1));

        // when
        List<OutboxRow> rows = nearTheEnd.plan("acme", "cus_acme", NOVEMBER_GRANTS, novemberHeld(), PERIODS);
        List<OutboxRow> earlier = twoHoursBefore.plan("acme", "cus_acme", NOVEMBER_GRANTS, novemberHeld(), PERIODS);
        List<OutboxRow> again = new CreditGrantPlanner(DECEMBER.minus(Duration.ofMinutes(5)), Duration.ofHours(1))
                .plan(
                        "acme",
                        "cus_acme",
                        NOVEMBER_GRANTS,
                        Map.of(
                                GrantColumns.meterOf("acme", FELL.key()),
                                held(3, 1, 90_000, close),
                                GrantColumns.meterOf("acme", LATE.key()),
                                held(1, 1, 130_000, close),
                                GrantColumns.meterOf("acme", SAME.key()),
                                held(1, 1, 5_000_000)),
                        PERIODS);

        // then: created after the end expiring at it, Stripe would refuse them once the void had gone (hunt CB)
        assertThat(rows).extracting(CreditGrantPlannerTests::shown).containsExactlyElementsOf(madeAgainAtTheClose());
        assertThat(earlier)
                .as("a run ending well before the end")
                .extracting(row ->
                        row.kind() + " r" + row.revision() + " " + row.grant().expiresAt())
                .containsExactly(
                        "CREDIT_GRANT_VOID r2 " + DECEMBER,
                        "CREDIT_GRANT r3 " + DECEMBER,
                        "CREDIT_GRANT r1 " + DECEMBER);
        assertThat(again)
                .as("a later run before the end keeps them expiring at the close")
                .isEmpty();
    }

    @Test
    void aGrantOfAPeriodInItsCloseGraceMadeAgainThenIsRaisedThereAndOneNoLongerWantedIsVoided() {
        // given: in November's close grace, a grant an earlier run of the grace made again expiring at the close
        // ($0.09, now $0.12 used), and one Stripe holds expiring at November's end that the plans no longer give
        CreditGrantPlanner inTheGrace =
                new CreditGrantPlanner(DECEMBER.plus(Duration.ofMinutes(45)), Duration.ofHours(1));
        Instant close = DECEMBER.plus(Duration.ofHours(1));
        CreditGrantPlanner.Wanted grown = included("included:acme:nov:tokens", 120_000, true);
        String dropped = GrantColumns.meterOf("acme", "included:acme:nov:basic");
        Map<String, CreditGrantPlanner.Held> held = Map.of(
                GrantColumns.meterOf("acme", grown.key()), held(3, 1, 90_000, close), dropped, held(1, 1, 500_000));

        // when
        List<OutboxRow> rows = inTheGrace.plan("acme", "cus_acme", List.of(grown), held, PERIODS);

        // then
        assertThat(rows)
                .extracting(row -> row.meter() + " " + row.kind() + " r" + row.revision() + " " + row.valueMicros())
                .containsExactlyInAnyOrder(
                        GrantColumns.meterOf("acme", grown.key()) + " CREDIT_GRANT r4 30000",
                        dropped + " CREDIT_GRANT_VOID r2 0");
    }

    @Test
    void dryRunRequestScopesTheGrantToMeteredPricesInWholeCents() {
        // given
        OutboxRow row = planner.plan(
                        "acme", "cus_acme", List.of(pack(CreditGrantPlanner.Ending.NONE)), Map.of(), PERIODS)
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

    @Test
    void aGrantOfANewPeriodMadeBeforeThePreviousInvoiceIsFinalTakesEffectAfterIt() {
        // given December's included usage, planned at 00:30 on 1 December, while Stripe has not yet finalized
        // November's invoice (created at November's end, final a close grace later), and again at 02:00
        List<BillingPeriod> december = List.of(new BillingPeriod(DECEMBER, DECEMBER.plus(Duration.ofDays(31))));
        CreditGrantPlanner.Wanted included = grant("included:december", DECEMBER, DECEMBER.plus(Duration.ofDays(31)));

        // when
        OutboxRow inTheGrace = planned(DECEMBER.plus(Duration.ofMinutes(30)), Duration.ofHours(1), included, december);
        OutboxRow after = planned(DECEMBER.plus(Duration.ofHours(2)), Duration.ofHours(1), included, december);

        // then the first takes effect at 02:00, the grace and an hour after December's start, so Stripe does not
        // apply it to November's invoice (live at once, it did); the second is live at once
        assertThat(StripeRequest.of(inTheGrace).form())
                .containsEntry(
                        "effective_at",
                        Long.toString(DECEMBER.plus(Duration.ofHours(2)).getEpochSecond()));
        assertThat(StripeRequest.of(after).form()).doesNotContainKey("effective_at");
    }

    @Test
    void aGrantStartingLaterInItsPeriodOrExpiringBeforeThePreviousInvoiceIsFinalIsLiveAtOnce() {
        // given a plan segment from 00:00 on 28 November, planned at 00:30, and a pack bought at 00:10 on 1 November
        // that expires at 01:30, planned at 00:20
        Instant segment = Instant.parse("2026-11-28T00:00:00Z");
        CreditGrantPlanner.Wanted late = grant("included:late-segment", segment, DECEMBER);
        CreditGrantPlanner.Wanted shortLived =
                grant("purchase:short", NOVEMBER.plus(Duration.ofMinutes(10)), NOVEMBER.plus(Duration.ofMinutes(90)));

        // when
        OutboxRow lateRow = planned(segment.plus(Duration.ofMinutes(30)), Duration.ofHours(72), late, PERIODS);
        OutboxRow shortRow = planned(NOVEMBER.plus(Duration.ofMinutes(20)), Duration.ofHours(1), shortLived, PERIODS);

        // then both are live at once: shifted by the 72-hour grace, the segment's grant took effect as it expired
        // and never paid; the pack would have taken effect after its expiry
        assertThat(lateRow.grant().effectiveAt()).isNull();
        assertThat(shortRow.grant().effectiveAt()).isNull();
    }

    /** Of November's included grants: what a token allowance used fell from $1.89 to $0.09 (hunt CB). */
    static final CreditGrantPlanner.Wanted FELL = included("included:acme:nov:tokens", 90_000, true);
    /** A segment's allowance that used $0.13, first granted now (a plan change loaded late: hunt CC). */
    static final CreditGrantPlanner.Wanted LATE = included("included:acme:nov:pro", 130_000, true);
    /** A grant as Stripe holds it. */
    static final CreditGrantPlanner.Wanted SAME = included("included:acme:nov:monthly", 5_000_000, false);

    static final List<CreditGrantPlanner.Wanted> NOVEMBER_GRANTS = List.of(FELL, LATE, SAME);

    /** What the outbox holds of {@link #NOVEMBER_GRANTS}, each expiring at November's end. */
    static Map<String, CreditGrantPlanner.Held> novemberHeld() {
        return Map.of(
                GrantColumns.meterOf("acme", FELL.key()),
                held(1, 1, 1_890_000),
                GrantColumns.meterOf("acme", SAME.key()),
                held(1, 1, 5_000_000));
    }

    /** The rows of {@link #NOVEMBER_GRANTS} made again expiring at November's close, as {@link #shown}. */
    static List<String> madeAgainAtTheClose() {
        Instant close = DECEMBER.plus(Duration.ofHours(1));
        return List.of(
                GrantColumns.meterOf("acme", FELL.key()) + " CREDIT_GRANT_VOID r2 0 " + close,
                GrantColumns.meterOf("acme", FELL.key()) + " CREDIT_GRANT r3 90000 " + close,
                GrantColumns.meterOf("acme", LATE.key()) + " CREDIT_GRANT r1 130000 " + close);
    }

    /** A row as its column, kind, revision, micro-USD and expiry. */
    static String shown(OutboxRow row) {
        return row.meter() + " " + row.kind() + " r" + row.revision() + " " + row.valueMicros() + " "
                + row.grant().expiresAt();
    }

    /** The one row a planner at {@code now} with {@code grace} plans for a grant Stripe does not hold yet. */
    static OutboxRow planned(
            Instant now, Duration grace, CreditGrantPlanner.Wanted grant, List<BillingPeriod> periods) {
        return new CreditGrantPlanner(now, grace)
                .plan("acme", "cus_acme", List.of(grant), Map.of(), periods)
                .get(0);
    }

    /** A $5 grant of {@code key} from {@code start} to {@code expiresAt}. */
    static CreditGrantPlanner.Wanted grant(String key, Instant start, Instant expiresAt) {
        return new CreditGrantPlanner.Wanted(
                key, "promotional", 5_000_000, start, expiresAt, CreditGrantPlanner.Ending.NONE, null, 10, key, true);
    }

    static CreditGrantPlanner.Wanted pack(CreditGrantPlanner.Ending ending) {
        return new CreditGrantPlanner.Wanted(
                "purchase:p1",
                "paid",
                25_000_000,
                Instant.parse("2026-11-02T00:00:00Z"),
                PACK_EXPIRES,
                ending,
                null,
                30,
                "Credit pack p1",
                false);
    }

    /** The pack of {@link #pack}, refunded, its void to be sent from {@code endingFrom}. */
    static CreditGrantPlanner.Wanted refundedFrom(Instant endingFrom) {
        CreditGrantPlanner.Wanted pack = pack(CreditGrantPlanner.Ending.VOID);
        return new CreditGrantPlanner.Wanted(
                pack.key(),
                pack.category(),
                pack.amountMicros(),
                pack.effectiveAt(),
                pack.expiresAt(),
                pack.ending(),
                endingFrom,
                pack.priority(),
                pack.name(),
                pack.grows());
    }

    static CreditGrantPlanner.Wanted included(String key, long micros, boolean grows) {
        return new CreditGrantPlanner.Wanted(
                key,
                "promotional",
                micros,
                NOVEMBER,
                DECEMBER,
                CreditGrantPlanner.Ending.NONE,
                null,
                10,
                "Included",
                grows);
    }

    /** A grant the outbox holds: {@code live} creates not ended, granting {@code granted} micro-USD. */
    static CreditGrantPlanner.Held held(int revision, int live, long granted) {
        return held(revision, live, granted, DECEMBER);
    }

    static CreditGrantPlanner.Held held(int revision, int live, long granted, Instant expiresAt) {
        return new CreditGrantPlanner.Held(revision, live, granted, false, false, NOVEMBER, terms(expiresAt), null);
    }

    /** A grant the outbox created and then ended. */
    static CreditGrantPlanner.Held ended(int revision) {
        return new CreditGrantPlanner.Held(revision, 0, 0, true, false, NOVEMBER, terms(DECEMBER), null);
    }

    static OutboxRow.GrantTerms terms(Instant expiresAt) {
        return new OutboxRow.GrantTerms("promotional", 10, null, expiresAt, "Included usage monthly", null);
    }
}
