package io.tokentally.stripe;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokentally.plans.Allowance;
import io.tokentally.plans.CreditGrant;
import io.tokentally.plans.CreditSource;
import io.tokentally.plans.Customer;
import io.tokentally.plans.Plan;
import io.tokentally.plans.PlanAssignment;
import io.tokentally.plans.PlanSegment;
import io.tokentally.plans.PlanType;
import io.tokentally.rating.Charge;
import io.tokentally.rating.CreditAllocator;
import io.tokentally.rating.CreditLedger;
import io.tokentally.rating.IncludedUsage;
import io.tokentally.shared.BillingCycle;
import io.tokentally.shared.BillingPeriod;
import io.tokentally.shared.ContextTier;
import io.tokentally.shared.ServiceTier;
import io.tokentally.shared.TokenType;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WantedGrantsTests {

    /** Every hour billed by the customer's one Stripe customer. */
    private static final StripeHolders ONE_STRIPE_CUSTOMER = StripeHolders.only("cus_test");

    static final Plan TEAM = fixed("team", "30", "10");
    /** A usage-based plan without markup or fee. */
    static final Plan PAYG = new Plan(
            "payg",
            PlanType.USAGE,
            "USD",
            BigDecimal.ZERO,
            List.of(),
            BigDecimal.ZERO,
            List.of(),
            CreditSource.DEFAULT_ORDER,
            true);

    @Test
    void aPeriodAPlanChangeSplitsGrantsWhatEachSegmentsUsageUsedFromItsStartOnly() {
        // given a customer on team from 16 November (billed before it too, without included usage), asked on the
        // 20th, whose usage used $3.456 of the $5 the 15 days include
        Customer customer = acme("team", List.of(new PlanAssignment(Instant.parse("2026-11-16T00:00:00Z"), "team")));
        BillingPeriod november = customer.cycle().periodContaining(Instant.parse("2026-11-20T00:00:00Z"));
        PlanSegment team = customer.segments(november).get(1);
        IncludedUsage used = used(team, TEAM, "3.456");

        // when
        List<CreditGrantPlanner.Wanted> wanted = WantedGrants.of(
                customer,
                Map.of("team", TEAM),
                List.of(),
                List.of(november),
                () -> new CreditLedger("acme", List.of(), List.of(used), List.of(), Map.of()),
                Instant.parse("2026-11-20T00:00:00Z"),
                Duration.ofHours(1),
                Map.of(),
                ONE_STRIPE_CUSTOMER);

        // then: $3.46 from the 16th to the period's end, not the whole $5 ($10 x 15/30 days), which Stripe would
        // spend on the usage before the 16th too; nothing for the days before the plan
        assertThat(wanted)
                .extracting(w -> w.amountMicros() + " " + w.effectiveAt() + " " + w.expiresAt())
                .containsExactly("3460000 2026-11-16T00:00:00Z 2026-12-01T00:00:00Z");
    }

    @Test
    void aPlanChangeMidPeriodGrantsBothSegmentsWhatTheirUsageUsed() {
        // given a customer moved from team to pro on 16 November, asked on the 20th: the later segment's $20 x 15/30
        // = $10 is not granted whole, or Stripe would spend it on the earlier segment's overage too
        Plan pro = fixed("pro", "50", "20");
        Customer customer = acme(
                "pro",
                List.of(
                        new PlanAssignment(Instant.parse("2026-10-01T00:00:00Z"), "team"),
                        new PlanAssignment(Instant.parse("2026-11-16T00:00:00Z"), "pro")));
        BillingPeriod november = customer.cycle().periodContaining(Instant.parse("2026-11-20T00:00:00Z"));
        List<PlanSegment> segments = customer.segments(november);
        IncludedUsage teamUsed = used(segments.get(0), TEAM, "5");
        IncludedUsage proUsed = used(segments.get(1), pro, "1.234");

        // when
        List<CreditGrantPlanner.Wanted> wanted = WantedGrants.of(
                customer,
                Map.of("team", TEAM, "pro", pro),
                List.of(),
                List.of(november),
                () -> new CreditLedger("acme", List.of(), List.of(teamUsed, proUsed), List.of(), Map.of()),
                Instant.parse("2026-11-20T00:00:00Z"),
                Duration.ofHours(1),
                Map.of(),
                ONE_STRIPE_CUSTOMER);

        // then
        assertThat(wanted)
                .extracting(w -> w.amountMicros() + " " + w.effectiveAt())
                .containsExactly("5000000 2026-11-01T00:00:00Z", "1230000 2026-11-16T00:00:00Z");
    }

    private static IncludedUsage used(PlanSegment segment, Plan plan, String usd) {
        IncludedUsage granted =
                IncludedUsage.granted("acme", segment, plan.allowances().get(0));
        return new IncludedUsage("acme", segment, granted.allowance(), granted.grantedUsd(), 0, new BigDecimal(usd), 0);
    }

    @Test
    void aSegmentAloneInItsPeriodGrantsItsUsdAllowanceWhole() {
        // given a customer on team for all of November, whose Stripe customer never changed

        // when
        List<CreditGrantPlanner.Wanted> wanted = teamAllOfNovember(ONE_STRIPE_CUSTOMER);

        // then
        assertThat(wanted)
                .extracting(w -> w.amountMicros() + " " + w.effectiveAt() + " " + w.expiresAt())
                .containsExactly("10000000 2026-11-01T00:00:00Z 2026-12-01T00:00:00Z");
    }

    @Test
    void aPeriodAnEarlierStripeCustomerBillsWholeGrantsItsAllowanceThereAsBefore() {
        // given a customer on team for all of November, whose November hours cus_old bills (it moved to cus_acme
        // since)
        StripeHolders holders = new StripeHolders(
                "cus_acme", Map.of(Instant.parse("2026-11-03T10:00:00Z"), Map.of("cus_old", new BigDecimal("4"))));

        // when
        List<CreditGrantPlanner.Wanted> wanted = teamAllOfNovember(holders);

        // then: the whole $10 on cus_old, whose invoice bills the period
        assertThat(wanted)
                .extracting(w -> w.amountMicros() + " " + w.stripeCustomerId() + " " + w.grows())
                .containsExactly("10000000 cus_old false");
    }

    @Test
    void aCustomerWhoseStripeCustomerChangedNamesTheOneThatBillsThePeriodOnEveryIncludedGrant() {
        // given a customer on team for all of November, moved to cus_acme, which alone bills November so far
        StripeHolders holders = new StripeHolders(
                "cus_acme", Map.of(Instant.parse("2026-11-03T10:00:00Z"), Map.of("cus_acme", new BigDecimal("4"))));

        // when
        List<CreditGrantPlanner.Wanted> wanted = teamAllOfNovember(holders);

        // then: named, so that a grant an earlier Stripe customer holds is not taken for its own
        assertThat(wanted)
                .extracting(w -> w.amountMicros() + " " + w.stripeCustomerId() + " " + w.grows())
                .containsExactly("10000000 cus_acme false");
    }

    @Test
    void aPeriodTwoStripeCustomersBillGrantsEachWhatTheAllowancePaidOfItsHours() {
        // given a customer on team ($10 included) for all of November, moved from cus_old to cus_acme: $6 at 03:00
        // billed by cus_old, $6 at 09:00 by cus_acme
        Customer customer = acme("team", List.of(new PlanAssignment(Instant.parse("2026-10-01T00:00:00Z"), "team")));
        BillingPeriod november = customer.cycle().periodContaining(Instant.parse("2026-11-20T00:00:00Z"));
        Instant three = Instant.parse("2026-11-03T03:00:00Z");
        Instant nine = Instant.parse("2026-11-03T09:00:00Z");
        CreditLedger ledger = new CreditAllocator(customer, Map.of("team", TEAM))
                .allocate(List.of(sixDollarsAt(three), sixDollarsAt(nine)), List.of());
        StripeHolders holders = new StripeHolders(
                "cus_acme",
                Map.of(three, Map.of("cus_old", new BigDecimal("6")), nine, Map.of("cus_acme", new BigDecimal("6"))));

        // when
        List<CreditGrantPlanner.Wanted> wanted = WantedGrants.of(
                customer,
                Map.of("team", TEAM),
                List.of(),
                List.of(november),
                () -> ledger,
                Instant.parse("2026-11-20T00:00:00Z"),
                Duration.ofHours(1),
                Map.of(),
                holders);

        // then: the allowance paid cus_old's $6 and $4 of cus_acme's, each granted as used on its own invoices
        assertThat(wanted)
                .extracting(w -> w.amountMicros() + " " + w.stripeCustomerId() + " " + w.grows())
                .containsExactlyInAnyOrder("4000000 cus_acme true", "6000000 cus_old true");
    }

    /** 2,400,000 gpt-4o input tokens at $2.50 per million: $6. */
    private static Charge sixDollarsAt(Instant hour) {
        return new Charge(
                hour,
                "openai/gpt-4o",
                TokenType.INPUT,
                ServiceTier.STANDARD,
                ContextTier.STANDARD,
                2_400_000,
                new BigDecimal("2.5"),
                new BigDecimal("6"));
    }

    /**
     * The grants of a customer on team for all of November, asked on the 20th, whose hours {@code holders} bill; a
     * whole USD allowance needs no ledger.
     */
    private static List<CreditGrantPlanner.Wanted> teamAllOfNovember(StripeHolders holders) {
        Customer customer = acme("team", List.of(new PlanAssignment(Instant.parse("2026-10-01T00:00:00Z"), "team")));
        BillingPeriod november = customer.cycle().periodContaining(Instant.parse("2026-11-20T00:00:00Z"));
        return WantedGrants.of(
                customer,
                Map.of("team", TEAM),
                List.of(),
                List.of(november),
                () -> {
                    throw new AssertionError("a whole USD allowance needs no ledger");
                },
                Instant.parse("2026-11-20T00:00:00Z"),
                Duration.ofHours(1),
                Map.of(),
                holders);
    }

    @Test
    void aUsdAllowanceOfSomeModelsGrantsWhatTheirUsageUsedEvenForAWholePeriod() {
        // given a customer on a plan including $20 of openai/* usage for all of November, whose OpenAI usage used
        // $1.234 of it (its other usage is overage on the statement)
        Plan openAi = new Plan(
                "openai-included",
                PlanType.FIXED,
                "USD",
                BigDecimal.ZERO,
                List.of(),
                new BigDecimal("49"),
                List.of(new Allowance("oa", new BigDecimal("20"), null, List.of("openai/*"))),
                CreditSource.DEFAULT_ORDER,
                true);
        Customer customer = acme(
                "openai-included",
                List.of(new PlanAssignment(Instant.parse("2026-10-01T00:00:00Z"), "openai-included")));
        BillingPeriod november = customer.cycle().periodContaining(Instant.parse("2026-11-20T00:00:00Z"));
        IncludedUsage used = used(customer.segments(november).get(0), openAi, "1.234");

        // when
        List<CreditGrantPlanner.Wanted> wanted = WantedGrants.of(
                customer,
                Map.of("openai-included", openAi),
                List.of(),
                List.of(november),
                () -> new CreditLedger("acme", List.of(), List.of(used), List.of(), Map.of()),
                Instant.parse("2026-11-20T00:00:00Z"),
                Duration.ofHours(1),
                Map.of(),
                ONE_STRIPE_CUSTOMER);

        // then $1.23, not the whole $20, which Stripe would spend on the other models' usage too
        assertThat(wanted)
                .extracting(w -> w.amountMicros() + " " + w.effectiveAt() + " " + w.expiresAt())
                .containsExactly("1230000 2026-11-01T00:00:00Z 2026-12-01T00:00:00Z");
    }

    @Test
    void aPurchaseThatStopsIsGrantedOnePriorityBeforeItsSourcesPurchasesThatNeverDo() {
        // given a pack that never expires, one expiring on 20 December, a promotion expiring then too and a pack the
        // feed already refunds on 10 December (hunt CC: by age Stripe spent the older pack, where the ledger spends
        // first the one that stops first)
        Customer customer = acme("payg", List.of(new PlanAssignment(Instant.parse("2026-10-01T00:00:00Z"), "payg")));
        BillingPeriod november = customer.cycle().periodContaining(Instant.parse("2026-11-20T00:00:00Z"));
        List<CreditGrant> grants = List.of(
                purchase("purchase:keeps", CreditGrant.Category.PAID, "20", null, null),
                purchase("purchase:december", CreditGrant.Category.PAID, "8", "2026-12-20T00:00:00Z", null),
                purchase("purchase:promo", CreditGrant.Category.PROMOTIONAL, "5", "2026-12-20T00:00:00Z", null),
                purchase("purchase:refunded", CreditGrant.Category.PAID, "3", null, "2026-12-10T00:00:00Z"));

        // when
        List<CreditGrantPlanner.Wanted> wanted = WantedGrants.of(
                customer,
                Map.of("payg", PAYG),
                grants,
                List.of(november),
                () -> new CreditLedger("acme", List.of(), List.of(), List.of(), Map.of()),
                Instant.parse("2026-11-20T00:00:00Z"),
                Duration.ofHours(1),
                Map.of(),
                ONE_STRIPE_CUSTOMER);

        // then, with the default order's 20 for promotions and 30 for packs
        assertThat(wanted)
                .extracting(w -> w.key() + " " + w.priority())
                .containsExactly(
                        "purchase:keeps 30", "purchase:december 29", "purchase:promo 19", "purchase:refunded 29");
    }

    @Test
    void aPurchaseThatEndsInsideAPeriodGrantsForThatPeriodWhatItPaidBeforeItsEnd() {
        // given a $5 promotion from 1 November to the 20th and a $4 pack refunded on 25 November, for a customer
        // paying per token; usage of $2.3456 on the 10th (the promotion pays it), $3 on the 22nd (the pack pays it)
        // and $1 on the 27th (overage); a $1 pack expiring at the period's end is not touched
        Customer customer = acme("payg", List.of(new PlanAssignment(Instant.parse("2026-10-01T00:00:00Z"), "payg")));
        BillingPeriod november = customer.cycle().periodContaining(Instant.parse("2026-11-20T00:00:00Z"));
        List<CreditGrant> grants = List.of(
                purchase("purchase:promo", CreditGrant.Category.PROMOTIONAL, "5", "2026-11-20T00:00:00Z", null),
                purchase("purchase:pack", CreditGrant.Category.PAID, "4", null, "2026-11-25T00:00:00Z"),
                purchase("purchase:last", CreditGrant.Category.PAID, "1", "2026-12-01T00:00:00Z", null));
        List<Charge> charges = List.of(
                charge("2026-11-10T12:00:00Z", "2.3456"),
                charge("2026-11-22T12:00:00Z", "3"),
                charge("2026-11-27T12:00:00Z", "1"));
        CreditLedger ledger = new CreditAllocator(customer, Map.of("payg", PAYG)).allocate(charges, grants);

        // when
        List<CreditGrantPlanner.Wanted> wanted = WantedGrants.of(
                customer,
                Map.of("payg", PAYG),
                grants,
                List.of(november),
                () -> ledger,
                Instant.parse("2026-11-28T00:00:00Z"),
                Duration.ofHours(1),
                Map.of(),
                ONE_STRIPE_CUSTOMER);

        // then: besides the purchases' own grants, what the promotion and the pack paid of November's usage, as
        // grants expiring at its end that later runs raise; Stripe applies none of the purchases' own grants to
        // November's invoice, finalized after they ended
        assertThat(wanted)
                .filteredOn(CreditGrantPlanner.Wanted::grows)
                .extracting(w -> w.key() + " " + w.category() + " " + w.amountMicros() + " " + w.priority() + " "
                        + w.expiresAt())
                .containsExactly(
                        "purchase:promo:used-before-its-end:2026-11-01T00:00:00Z promotional 2350000 18"
                                + " 2026-12-01T00:00:00Z",
                        "purchase:pack:used-before-its-end:2026-11-01T00:00:00Z paid 3000000 28"
                                + " 2026-12-01T00:00:00Z");
        assertThat(wanted)
                .filteredOn(w -> !w.grows())
                .extracting(CreditGrantPlanner.Wanted::key)
                .containsExactly("purchase:promo", "purchase:pack", "purchase:last");
    }

    /** A $10 pack bought on 10 November, inside the period, by a customer paying per token. */
    static final CreditGrant MID_NOVEMBER_PACK = midNovemberPack(null);

    /** The mid-November pack, refunded at {@code refunded} unless null. */
    static CreditGrant midNovemberPack(String refunded) {
        return new CreditGrant(
                "purchase:mid",
                "acme",
                CreditGrant.Category.PAID,
                new BigDecimal("10"),
                Instant.parse("2026-11-10T00:00:00Z"),
                null,
                refunded == null ? null : Instant.parse(refunded),
                refunded == null ? CreditGrant.End.NONE : CreditGrant.End.VOIDED);
    }

    static final String PAID_OF_NOVEMBER = "purchase:mid:used-after-its-start:2026-11-01T00:00:00Z";

    /** The outbox's rows of a $4 grant of what the mid-November pack paid of November. */
    static final Map<String, CreditGrantPlanner.Held> PAID_OF_NOVEMBER_MADE_AT_FOUR = Map.of(
            GrantColumns.meterOf("acme", PAID_OF_NOVEMBER),
            new CreditGrantPlanner.Held(
                    1,
                    1,
                    4_000_000,
                    false,
                    false,
                    Instant.parse("2026-11-10T00:00:00Z"),
                    new OutboxRow.GrantTerms(
                            "paid", 29, null, Instant.parse("2026-12-01T01:00:00Z"), "Credit pack mid", null),
                    null));

    @Test
    void aPurchaseMadeInsideAnOpenPeriodIsGrantedOnlyWhatItPaidOfItToItsClose() {
        // when the mid-November pack, which paid the 14th's $4 but not the 5th's $3, is planned on the 20th
        List<String> open = midNovemberPackPlannedAt("2026-11-20T00:00:00Z", Map.of());

        // then only what it paid of November, from the purchase to November's close, before the packs that live on:
        // the whole pack would pay the 5th too when Stripe finalizes November's invoice
        assertThat(open)
                .containsExactly(PAID_OF_NOVEMBER + " 4000000 2026-11-10T00:00:00Z 2026-12-01T01:00:00Z 28 grows");
    }

    @Test
    void aPurchaseMadeInsideAPeriodIsGrantedOnlyWhatItPaidOfItInTheCloseGraceToo() {
        // when planned at 00:30 on 1 December, before November's invoice is final, with the $4 grant made
        List<String> inTheGrace = midNovemberPackPlannedAt("2026-12-01T00:30:00Z", PAID_OF_NOVEMBER_MADE_AT_FOUR);

        // then still only that grant, which a later run in the grace can raise
        assertThat(inTheGrace)
                .containsExactly(PAID_OF_NOVEMBER + " 4000000 2026-11-10T00:00:00Z 2026-12-01T01:00:00Z 28 grows");
    }

    @Test
    void aPurchaseMadeInsideAPeriodIsGrantedTheRestFromItsEndOnceItHasClosed() {
        // when planned at 02:00 on 1 December, after November's close, with the $4 grant made
        List<String> closed = midNovemberPackPlannedAt("2026-12-01T02:00:00Z", PAID_OF_NOVEMBER_MADE_AT_FOUR);

        // then the $6 that grant left, from November's end, at the packs' priority
        assertThat(closed)
                .containsExactly(
                        "purchase:mid 6000000 2026-12-01T00:00:00Z null 30 fixed",
                        PAID_OF_NOVEMBER + " 4000000 2026-11-10T00:00:00Z 2026-12-01T01:00:00Z 28 grows");
    }

    @Test
    void aPurchaseMadeAndRefundedInsideAPeriodKeepsTheGrantOfItAnEarlierVersionMade() {
        // given the mid-November pack refunded on the 20th, which paid the 14th's $4, and the $4 grant of what it paid
        // before its end that an earlier version made, expiring at November's end
        Customer customer = acme("payg", List.of(new PlanAssignment(Instant.parse("2026-10-01T00:00:00Z"), "payg")));
        BillingPeriod november = customer.cycle().periodContaining(Instant.parse("2026-11-20T00:00:00Z"));
        CreditGrant refunded = midNovemberPack("2026-11-20T00:00:00Z");
        CreditLedger ledger = new CreditAllocator(customer, Map.of("payg", PAYG))
                .allocate(
                        List.of(charge("2026-11-05T12:00:00Z", "3"), charge("2026-11-14T12:00:00Z", "4")),
                        List.of(refunded));
        String beforeItsEnd = "purchase:mid:used-before-its-end:2026-11-01T00:00:00Z";
        Map<String, CreditGrantPlanner.Held> madeByAnEarlierVersion =
                Map.of(GrantColumns.meterOf("acme", beforeItsEnd), earlierGrant(1, 4_000_000, false));

        // when planned by the upgraded version in the close grace, when that grant has expired for the planner
        List<String> keys = WantedGrants.of(
                        customer,
                        Map.of("payg", PAYG),
                        List.of(refunded),
                        List.of(november),
                        () -> ledger,
                        Instant.parse("2026-12-01T00:30:00Z"),
                        Duration.ofHours(1),
                        madeByAnEarlierVersion,
                        ONE_STRIPE_CUSTOMER)
                .stream()
                .map(CreditGrantPlanner.Wanted::key)
                .toList();

        // then that grant stays the pack's grant of November, and no grant of what it paid after its start is made
        // beside it: Stripe would apply both at November's invoice (hunt AK: $3 under)
        assertThat(keys).containsExactly(beforeItsEnd);
    }

    @Test
    void aPurchaseMadeAndRefundedInsideAPeriodWhoseEarlierGrantStripeRefusedGetsTheGrantOfWhatItPaidAfterItsStart() {
        // given the mid-November pack refunded on the 20th, and an earlier version's grant of what it paid before its
        // end whose only create Stripe refused
        Customer customer = acme("payg", List.of(new PlanAssignment(Instant.parse("2026-10-01T00:00:00Z"), "payg")));
        CreditGrant refunded = midNovemberPack("2026-11-20T00:00:00Z");
        CreditLedger ledger = new CreditAllocator(customer, Map.of("payg", PAYG))
                .allocate(List.of(charge("2026-11-14T12:00:00Z", "4")), List.of(refunded));
        Map<String, CreditGrantPlanner.Held> refusedByStripe = Map.of(
                GrantColumns.meterOf("acme", "purchase:mid:used-before-its-end:2026-11-01T00:00:00Z"),
                earlierGrant(0, 0, true));

        // when planned in the close grace
        List<String> keys = WantedGrants.of(
                        customer,
                        Map.of("payg", PAYG),
                        List.of(refunded),
                        List.of(customer.cycle().periodContaining(Instant.parse("2026-11-20T00:00:00Z"))),
                        () -> ledger,
                        Instant.parse("2026-12-01T00:30:00Z"),
                        Duration.ofHours(1),
                        refusedByStripe,
                        ONE_STRIPE_CUSTOMER)
                .stream()
                .map(CreditGrantPlanner.Wanted::key)
                .toList();

        // then the grant of what it paid after its start, expiring at the close, pays November
        assertThat(keys).containsExactly(PAID_OF_NOVEMBER);
    }

    /**
     * The outbox's rows of an earlier version's first create of the grant of what the mid-November pack paid of
     * November before its end, expiring at November's end.
     */
    private static CreditGrantPlanner.Held earlierGrant(int live, long micros, boolean refused) {
        return new CreditGrantPlanner.Held(
                1,
                live,
                micros,
                false,
                refused,
                Instant.parse("2026-11-01T00:00:00Z"),
                new OutboxRow.GrantTerms(
                        "paid", 29, null, Instant.parse("2026-12-01T00:00:00Z"), "Credit pack mid", null),
                null);
    }

    /**
     * The grants wanted of the mid-November pack, with $3 of usage on the 5th and $4 on the 14th, planned at {@code
     * now} with a one-hour close grace.
     */
    private static List<String> midNovemberPackPlannedAt(String now, Map<String, CreditGrantPlanner.Held> held) {
        Customer customer = acme("payg", List.of(new PlanAssignment(Instant.parse("2026-10-01T00:00:00Z"), "payg")));
        BillingPeriod november = customer.cycle().periodContaining(Instant.parse("2026-11-20T00:00:00Z"));
        CreditLedger ledger = new CreditAllocator(customer, Map.of("payg", PAYG))
                .allocate(
                        List.of(charge("2026-11-05T12:00:00Z", "3"), charge("2026-11-14T12:00:00Z", "4")),
                        List.of(MID_NOVEMBER_PACK));
        return WantedGrants.of(
                        customer,
                        Map.of("payg", PAYG),
                        List.of(MID_NOVEMBER_PACK),
                        List.of(november),
                        () -> ledger,
                        Instant.parse(now),
                        Duration.ofHours(1),
                        held,
                        ONE_STRIPE_CUSTOMER)
                .stream()
                .map(w -> w.key() + " " + w.amountMicros() + " " + w.effectiveAt() + " " + w.expiresAt() + " "
                        + w.priority() + " " + (w.grows() ? "grows" : "fixed"))
                .toList();
    }

    @Test
    void aGrantOfWhatAPurchasePaidMadeOrChangedInTheCloseGraceExpiresAtTheClose() {
        // given a $4 pack of 1 November refunded on 20 November, which paid $3 of the 10th, planned at 00:30 on
        // 1 December, before November's invoice is final
        Customer customer = acme("payg", List.of(new PlanAssignment(Instant.parse("2026-10-01T00:00:00Z"), "payg")));
        BillingPeriod november = customer.cycle().periodContaining(Instant.parse("2026-11-20T00:00:00Z"));
        List<CreditGrant> grants =
                List.of(purchase("purchase:pack", CreditGrant.Category.PAID, "4", null, "2026-11-20T00:00:00Z"));
        CreditLedger ledger = new CreditAllocator(customer, Map.of("payg", PAYG))
                .allocate(List.of(charge("2026-11-10T12:00:00Z", "3")), grants);

        // when the refund is first loaded now; or the grant of $2 was made before November's end, or by a run in the
        // grace
        List<String> firstNow = usedBeforeItsEnd(customer, grants, november, ledger, Map.of());
        List<String> madeBefore = usedBeforeItsEnd(customer, grants, november, ledger, made("2026-12-01T00:00:00Z"));
        List<String> madeInTheGrace =
                usedBeforeItsEnd(customer, grants, november, ledger, made("2026-12-01T01:00:00Z"));

        // then made or changed in the grace, it expires at November's close, so Stripe can still apply it (hunt AF),
        // and a later run in the grace raises it (hunt AI); one made before expiring at November's end, already past,
        // is made again; each comes before the packs that still live (priority 28, theirs 30)
        assertThat(firstNow).containsExactly("CREDIT_GRANT 3000000 2026-12-01T01:00:00Z 28");
        assertThat(madeBefore)
                .containsExactly(
                        "CREDIT_GRANT_VOID 0 2026-12-01T01:00:00Z 28", "CREDIT_GRANT 3000000 2026-12-01T01:00:00Z 28");
        assertThat(madeInTheGrace).containsExactly("CREDIT_GRANT 1000000 2026-12-01T01:00:00Z 28");
    }

    /** The outbox's rows of the pack's grant of what it paid of November, made expiring at {@code expiresAt}. */
    private static Map<String, CreditGrantPlanner.Held> made(String expiresAt) {
        return Map.of(
                GrantColumns.meterOf("acme", "purchase:pack:used-before-its-end:2026-11-01T00:00:00Z"),
                new CreditGrantPlanner.Held(
                        1,
                        1,
                        2_000_000,
                        false,
                        false,
                        Instant.parse("2026-11-01T00:00:00Z"),
                        new OutboxRow.GrantTerms("paid", 29, null, Instant.parse(expiresAt), "Credit pack pack", null),
                        null));
    }

    /**
     * The rows planned at 00:30 on 1 December, in November's close grace, for the "used before its end" grant: kind,
     * amount, expiry and priority.
     */
    private static List<String> usedBeforeItsEnd(
            Customer customer,
            List<CreditGrant> grants,
            BillingPeriod period,
            CreditLedger ledger,
            Map<String, CreditGrantPlanner.Held> made) {
        Instant now = Instant.parse("2026-12-01T00:30:00Z");
        List<CreditGrantPlanner.Wanted> wanted = WantedGrants.of(
                        customer,
                        Map.of("payg", PAYG),
                        grants,
                        List.of(period),
                        () -> ledger,
                        now,
                        Duration.ofHours(1),
                        made,
                        ONE_STRIPE_CUSTOMER)
                .stream()
                .filter(CreditGrantPlanner.Wanted::grows)
                .toList();
        return new CreditGrantPlanner(now, Duration.ofHours(1))
                .plan("acme", "cus_acme", wanted, made, List.of(period)).stream()
                        .map(row -> row.kind() + " " + row.valueMicros() + " "
                                + row.grant().expiresAt() + " " + row.grant().priority())
                        .toList();
    }

    @Test
    void aRefundIsSentOnceThePeriodBeforeTheOneOfItsTimeHasClosed() {
        // given packs of 1 November refunded at 00:10 on 1 December, on 20 November, at their purchase's instant and
        // (dated ahead) on 10 January, one not refunded, and one bought and refunded in the grace hour after November
        Customer customer = acme("payg", List.of(new PlanAssignment(Instant.parse("2026-10-01T00:00:00Z"), "payg")));
        BillingPeriod november = customer.cycle().periodContaining(Instant.parse("2026-11-20T00:00:00Z"));
        List<CreditGrant> grants = List.of(
                purchase("purchase:after", CreditGrant.Category.PAID, "4", null, "2026-12-01T00:10:00Z"),
                purchase("purchase:inside", CreditGrant.Category.PAID, "4", null, "2026-11-20T00:00:00Z"),
                purchase("purchase:never", CreditGrant.Category.PAID, "4", null, "2026-11-01T00:00:00Z"),
                purchase("purchase:ahead", CreditGrant.Category.PAID, "4", null, "2027-01-10T00:00:00Z"),
                purchase("purchase:live", CreditGrant.Category.PAID, "4", null, null),
                new CreditGrant(
                        "purchase:in-the-grace",
                        "acme",
                        CreditGrant.Category.PAID,
                        new BigDecimal("4"),
                        Instant.parse("2026-12-01T00:10:00Z"),
                        null,
                        Instant.parse("2026-12-01T00:20:00Z"),
                        CreditGrant.End.VOIDED));

        // when planned at 00:30 on 1 December, before November's invoice is final, and at 01:00, when it is
        List<String> inTheGrace = endings(customer, grants, november, "2026-12-01T00:30:00Z");
        List<String> atTheClose = endings(customer, grants, november, "2026-12-01T01:00:00Z");

        // then a pack that covered November whole waits for its close, so Stripe applies it there, and the one dated
        // ahead for December's (the grant of what it pays of January before its end pays January's); the others end
        // at once; one bought in the grace hour and refunded in December, the month it was bought in, is never
        // granted (live at November's invoice, it would pay November: hunt AH)
        assertThat(inTheGrace)
                .containsExactly(
                        "purchase:after VOID waits until 2026-12-01T01:00:00Z",
                        "purchase:inside VOID now",
                        "purchase:never VOID now",
                        "purchase:ahead VOID waits until 2027-01-01T01:00:00Z",
                        "purchase:live NONE now");
        assertThat(atTheClose)
                .containsExactly(
                        "purchase:after VOID now",
                        "purchase:inside VOID now",
                        "purchase:never VOID now",
                        "purchase:ahead VOID waits until 2027-01-01T01:00:00Z",
                        "purchase:live NONE now");
    }

    /** Each purchase's ending and whether it may be sent, planned at {@code now} with a one-hour close grace. */
    private static List<String> endings(Customer customer, List<CreditGrant> grants, BillingPeriod period, String now) {
        Instant at = Instant.parse(now);
        return WantedGrants.of(
                        customer,
                        Map.of("payg", PAYG),
                        grants,
                        List.of(period),
                        () -> new CreditLedger("acme", List.of(), List.of(), List.of(), Map.of()),
                        at,
                        Duration.ofHours(1),
                        Map.of(),
                        ONE_STRIPE_CUSTOMER)
                .stream()
                .filter(w -> !w.grows())
                .map(w -> w.key() + " " + w.ending() + " "
                        + (w.endingFrom() != null && w.endingFrom().isAfter(at)
                                ? "waits until " + w.endingFrom()
                                : "now"))
                .toList();
    }

    private static CreditGrant purchase(
            String key, CreditGrant.Category category, String usd, String expires, String refunded) {
        return new CreditGrant(
                key,
                "acme",
                category,
                new BigDecimal(usd),
                Instant.parse("2026-11-01T00:00:00Z"),
                expires == null ? null : Instant.parse(expires),
                refunded == null ? null : Instant.parse(refunded),
                refunded == null ? CreditGrant.End.NONE : CreditGrant.End.VOIDED);
    }

    private static Charge charge(String hour, String billedUsd) {
        return new Charge(
                Instant.parse(hour),
                "openai/gpt-4o",
                TokenType.INPUT,
                ServiceTier.STANDARD,
                ContextTier.STANDARD,
                1_000_000,
                new BigDecimal(billedUsd),
                new BigDecimal(billedUsd));
    }

    /** A fixed-fee plan with a monthly USD allowance. */
    static Plan fixed(String planId, String feeUsd, String allowanceUsd) {
        return new Plan(
                planId,
                PlanType.FIXED,
                "USD",
                BigDecimal.ZERO,
                List.of(),
                new BigDecimal(feeUsd),
                List.of(new Allowance("monthly", new BigDecimal(allowanceUsd), null, List.of())),
                CreditSource.DEFAULT_ORDER,
                true);
    }

    /** acme on calendar months, on {@code planId} now, with its plan changes. */
    private static Customer acme(String planId, List<PlanAssignment> plans) {
        return new Customer("acme", "cus_acme", planId, "Acme", BillingCycle.CALENDAR_MONTH_UTC, plans);
    }
}
