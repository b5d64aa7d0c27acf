package io.tokentally.stripe;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokentally.plans.Customer;
import io.tokentally.plans.Plan;
import io.tokentally.plans.PlanAssignment;
import io.tokentally.plans.PlanType;
import io.tokentally.plans.PriceChangePolicy;
import io.tokentally.plans.StripePriceMoves;
import io.tokentally.pricing.Price;
import io.tokentally.shared.Amounts;
import io.tokentally.shared.BillingCycle;
import io.tokentally.shared.BillingPeriod;
import io.tokentally.shared.ContextTier;
import io.tokentally.shared.ServiceTier;
import io.tokentally.shared.TokenType;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

class TokenRoutingTests {

    static final TokenMeterLayout LAYOUT = new TokenMeterLayout("tt");
    static final String GPT = "openai/gpt-4o";
    static final Instant NOVEMBER = Instant.parse("2026-11-01T00:00:00Z");
    static final Instant CUT = Instant.parse("2026-11-15T00:00:00Z");
    static final BillingPeriod PERIOD = new BillingPeriod(NOVEMBER, Instant.parse("2026-12-01T00:00:00Z"));
    /** A period no price change splits: the new input price is in force through it. */
    static final BillingPeriod DECEMBER = new BillingPeriod(PERIOD.end(), Instant.parse("2027-01-01T00:00:00Z"));

    static final Price OLD_INPUT =
            price(1, TokenType.INPUT, ServiceTier.STANDARD, ContextTier.STANDARD, NOVEMBER, "2.5");
    static final Price NEW_INPUT = price(2, TokenType.INPUT, ServiceTier.STANDARD, ContextTier.STANDARD, CUT, "2");
    static final Price LONG_INPUT = price(3, TokenType.INPUT, ServiceTier.STANDARD, ContextTier.LONG, NOVEMBER, "5");
    static final Price BATCH_INPUT =
            price(4, TokenType.INPUT, ServiceTier.BATCH, ContextTier.STANDARD, NOVEMBER, "1.25");
    static final List<Price> VERSIONS = List.of(OLD_INPUT, NEW_INPUT, LONG_INPUT, BATCH_INPUT);
    static final Plan AT_INSTANT = new Plan("instant", PlanType.USAGE, "USD", new BigDecimal("20"), List.of());
    static final Plan NEXT_PERIOD = new Plan("next", PlanType.USAGE, "USD", new BigDecimal("20"), List.of())
            .withStripePriceMoves(StripePriceMoves.NEXT_PERIOD);

    final TokenRouting routing = routing(null);

    @Test
    void sendsAListedModelsOwnStandardPriceAsTokens() {
        assertThat(meterFor(routing, usage(AT_INSTANT, NEW_INPUT, "2026-12-10T10:00:00Z", "0.0024"), DECEMBER))
                .contains("tt_openai_gpt-4o_input");
    }

    @Test
    void keepsOnTheAmountMetersWhatAStripePriceWouldNotBillExactly() {
        // a cache read billed at the input price (a fallback): no Stripe price of its own
        TokenRouting.Usage fallback = new TokenRouting.Usage(
                "c",
                "instant",
                TokenType.CACHE_READ,
                ServiceTier.STANDARD,
                ContextTier.STANDARD,
                Instant.parse("2026-12-10T10:00:00Z"),
                CUT,
                NEW_INPUT.priceId(),
                new BigDecimal("20"),
                1_000,
                new BigDecimal("0.0024"));
        // long-context and batch prices are not provisioned
        TokenRouting.Usage longContext = new TokenRouting.Usage(
                "c",
                "instant",
                TokenType.INPUT,
                ServiceTier.STANDARD,
                ContextTier.LONG,
                Instant.parse("2026-12-10T10:00:00Z"),
                NOVEMBER,
                LONG_INPUT.priceId(),
                new BigDecimal("20"),
                1_000,
                new BigDecimal("0.006"));
        TokenRouting.Usage batch = new TokenRouting.Usage(
                "c",
                "instant",
                TokenType.INPUT,
                ServiceTier.BATCH,
                ContextTier.STANDARD,
                Instant.parse("2026-12-10T10:00:00Z"),
                NOVEMBER,
                BATCH_INPUT.priceId(),
                new BigDecimal("20"),
                1_000,
                new BigDecimal("0.0015"));
        // a billed amount that is not tokens x the plan's Stripe price (a custom rate, another markup)
        TokenRouting.Usage otherAmount = usage(AT_INSTANT, NEW_INPUT, "2026-12-10T10:00:00Z", "0.0025");
        // a custom rate (no markup recorded), even one that bills what the markup would ($2.40 = $2 x 1.2)
        TokenRouting.Usage customRate = new TokenRouting.Usage(
                "c",
                "instant",
                TokenType.INPUT,
                ServiceTier.STANDARD,
                ContextTier.STANDARD,
                Instant.parse("2026-12-10T10:00:00Z"),
                CUT,
                NEW_INPUT.priceId(),
                null,
                1_000,
                new BigDecimal("0.0024"));

        assertThat(meterFor(routing, fallback, DECEMBER)).isEmpty();
        assertThat(meterFor(routing, longContext, DECEMBER)).isEmpty();
        assertThat(meterFor(routing, batch, DECEMBER)).isEmpty();
        assertThat(meterFor(routing, otherAmount, DECEMBER)).isEmpty();
        assertThat(meterFor(routing, customRate, DECEMBER)).isEmpty();
    }

    @Test
    void keepsOnTheAmountMetersAModelThatIsNotListedOrWhoseMeterStripeLacks() {
        TokenRouting unlisted = new TokenRouting(
                LAYOUT, Set.of("openai/gpt-4.1"), null, null, VERSIONS, VERSIONS, plans(), customers());
        TokenRouting noMeter = routing(Set.of("tt_openai_gpt-4o_output"));
        TokenRouting.Usage usage = usage(AT_INSTANT, NEW_INPUT, "2026-12-10T10:00:00Z", "0.0024");

        assertThat(meterFor(routing, usage, DECEMBER)).isPresent();
        assertThat(meterFor(unlisted, usage, DECEMBER)).isEmpty();
        assertThat(meterFor(noMeter, usage, DECEMBER)).isEmpty();
    }

    @Test
    void aNextPeriodPlansUsageAtTheNewPriceStaysInUsdUntilItsItemMoves() {
        // after the cut, the usage is rated at the new price; the item bills the old one until December
        TokenRouting.Usage afterCut = usage(NEXT_PERIOD, NEW_INPUT, "2026-11-20T10:00:00Z", "0.0024");
        TokenRouting.Usage beforeCut = usage(NEXT_PERIOD, OLD_INPUT, "2026-11-10T10:00:00Z", "0.003");
        TokenRouting.Usage nextMonth = usage(NEXT_PERIOD, NEW_INPUT, "2026-12-02T10:00:00Z", "0.0024");

        assertThat(meterFor(routing, afterCut, PERIOD)).isEmpty();
        assertThat(meterFor(routing, beforeCut, PERIOD)).isPresent();
        assertThat(meterFor(routing, nextMonth, DECEMBER)).isPresent();
    }

    @Test
    void anEffectiveInstantPlansPeriodThatAPriceChangeSplitsGoesInUsdBothSidesOfTheChange() {
        // given the at-instant plan, whose item moves to the new price on 15 November: Stripe bills a metered item
        // moved mid-period without proration only for the usage after the move
        TokenRouting.Usage beforeCut = usage(AT_INSTANT, OLD_INPUT, "2026-11-10T10:00:00Z", "0.003");
        TokenRouting.Usage afterCut = usage(AT_INSTANT, NEW_INPUT, "2026-11-20T10:00:00Z", "0.0024");
        TokenRouting.Usage nextMonth = usage(AT_INSTANT, NEW_INPUT, "2026-12-02T10:00:00Z", "0.0024");
        // a model first priced on 15 November: its item is added with that price, no move inside the period
        Price firstPriced = new Price(
                9,
                "openai/gpt-new",
                TokenType.INPUT,
                ServiceTier.STANDARD,
                ContextTier.STANDARD,
                CUT,
                new BigDecimal("2"),
                null,
                "test");
        TokenRouting withNewModel = new TokenRouting(
                LAYOUT,
                Set.of(GPT, "openai/gpt-new"),
                null,
                null,
                List.of(OLD_INPUT, NEW_INPUT, firstPriced),
                List.of(OLD_INPUT, NEW_INPUT, firstPriced),
                plans(),
                customers());
        TokenRouting.Usage newModel = usage(AT_INSTANT, firstPriced, "2026-11-20T10:00:00Z", "0.0024");

        // when, then: November goes in USD, both sides of the change; December, one price through it, in tokens
        assertThat(meterFor(routing, beforeCut, PERIOD)).isEmpty();
        assertThat(meterFor(routing, afterCut, PERIOD)).isEmpty();
        assertThat(meterFor(routing, nextMonth, DECEMBER)).contains("tt_openai_gpt-4o_input");
        assertThat(meterFor(withNewModel, newModel, PERIOD)).contains("tt_openai_gpt-new_input");
    }

    @Test
    void keepsOnTheAmountMetersThePeriodOfACustomerWhosePlanChangesInsideIt() {
        // given a customer moved to another plan (other Stripe prices) on 15 November
        TokenRouting.Usage before = usage(AT_INSTANT, OLD_INPUT, "2026-11-10T10:00:00Z", "0.003", "moved");
        TokenRouting.Usage after = usage(NEXT_PERIOD, OLD_INPUT, "2026-11-20T10:00:00Z", "0.003", "moved");
        TokenRouting.Usage nextMonth = usage(NEXT_PERIOD, NEW_INPUT, "2026-12-02T10:00:00Z", "0.0024", "moved");

        // when, then: Stripe would bill the period's whole count at one item's price, so November goes in USD, both
        // sides of the change; December, on one plan, in tokens
        assertThat(meterFor(routing, before, PERIOD)).isEmpty();
        assertThat(meterFor(routing, after, PERIOD)).isEmpty();
        assertThat(meterFor(routing, nextMonth, DECEMBER)).isPresent();
    }

    @Test
    void keepsOnTheAmountMetersUsageAtAMarkupOrPriceStripeHasNoPriceFor() {
        // given Stripe's prices as the set-up made them while the plan's markup was 50%, and usage rated at the 20%
        // the plan has now
        String meter = "tt_openai_gpt-4o_input";
        String atFifty = TokenMeterLayout.lookupKey(
                meter, CUT, "instant", Amounts.centsPerUnit(new BigDecimal("2"), new BigDecimal("50")));
        String atTwenty = TokenMeterLayout.lookupKey(
                meter, CUT, "instant", Amounts.centsPerUnit(new BigDecimal("2"), new BigDecimal("20")));
        TokenRouting.Usage usage = usage(AT_INSTANT, NEW_INPUT, "2026-12-10T10:00:00Z", "0.0024");

        // when, then: Stripe's item would bill the 50% price, so the usage goes in USD until the set-up runs again
        assertThat(meterFor(routing(null, Set.of(atFifty)::contains), usage, DECEMBER))
                .isEmpty();
        assertThat(meterFor(routing(null, Set.of(atFifty, atTwenty)::contains), usage, DECEMBER))
                .contains(meter);
    }

    @Test
    void keepsOnTheAmountMetersAMetersPeriodRatedAtTwoMarkupsThatStripeEachHasAPriceFor() {
        // given the plan's markup edited from 20% to 25% on 15 December, the set-up run at each (hunt DB: a meter's
        // December held counts of both markups, which Stripe bills at one item's price)
        TokenRouting.Usage atTwenty = usage(AT_INSTANT, NEW_INPUT, "2026-12-10T10:00:00Z", "0.0024");
        TokenRouting.Usage atTwentyFive = new TokenRouting.Usage(
                "c",
                AT_INSTANT.planId(),
                TokenType.INPUT,
                ServiceTier.STANDARD,
                ContextTier.STANDARD,
                Instant.parse("2026-12-20T10:00:00Z"),
                CUT,
                NEW_INPUT.priceId(),
                new BigDecimal("25"),
                1_000,
                new BigDecimal("0.0025"));
        TokenRouting.Usage laterAtTwenty = usage(AT_INSTANT, NEW_INPUT, "2026-12-12T10:00:00Z", "0.0024");

        // when, then: each alone bills exactly, but together the meter's December goes in USD; at one markup, tokens
        assertThat(meterFor(routing, atTwentyFive, DECEMBER)).contains("tt_openai_gpt-4o_input");
        assertThat(routing.metersFor(List.of(atTwenty, atTwentyFive), DECEMBER))
                .containsExactly(Optional.empty(), Optional.empty());
        assertThat(routing.metersFor(List.of(atTwenty, laterAtTwenty), DECEMBER))
                .containsExactly(Optional.of("tt_openai_gpt-4o_input"), Optional.of("tt_openai_gpt-4o_input"));
    }

    @Test
    void aHoldingPlansPeriodIsSplitOnlyByAChangeApprovedInsideIt() {
        // given a plan that holds price changes, its customer, and the cut of 15 November approved then, or not yet
        Plan holding = new Plan("holding", PlanType.USAGE, "USD", new BigDecimal("20"), List.of())
                .withPriceChanges(PriceChangePolicy.HOLD);
        Map<String, Plan> plans = Map.of(holding.planId(), holding);
        Map<String, Customer> customers = Map.of("h", new Customer("h", "cus_h", holding.planId(), "H"));
        TokenRouting approved = new TokenRouting(LAYOUT, Set.of(GPT), null, null, VERSIONS, VERSIONS, plans, customers);
        TokenRouting notApproved = new TokenRouting(
                LAYOUT,
                Set.of(GPT),
                null,
                null,
                VERSIONS,
                List.of(OLD_INPUT, LONG_INPUT, BATCH_INPUT),
                plans,
                customers);
        TokenRouting.Usage beforeCut = usage(holding, OLD_INPUT, "2026-11-10T10:00:00Z", "0.003", "h");

        // when, then: approved inside November, its item moves then, so November goes in USD; not approved, the item
        // stays on the old price through it
        assertThat(meterFor(approved, beforeCut, PERIOD)).isEmpty();
        assertThat(meterFor(notApproved, beforeCut, PERIOD)).contains("tt_openai_gpt-4o_input");
    }

    @Test
    void aVersionBeginningAtAPeriodsStartOrEndSplitsNoPeriod() {
        // given output prices of the at-instant plan changing exactly at November's start and at its end
        Price fromNovember = price(11, TokenType.OUTPUT, ServiceTier.STANDARD, ContextTier.STANDARD, NOVEMBER, "10");
        Price fromDecember = price(12, TokenType.OUTPUT, ServiceTier.STANDARD, ContextTier.STANDARD, PERIOD.end(), "8");
        Price fromOctober = price(
                10,
                TokenType.OUTPUT,
                ServiceTier.STANDARD,
                ContextTier.STANDARD,
                Instant.parse("2026-10-01T00:00:00Z"),
                "12");
        List<Price> versions = List.of(fromOctober, fromNovember, fromDecember);
        TokenRouting outputs =
                new TokenRouting(LAYOUT, Set.of(GPT), null, null, versions, versions, plans(), customers());

        // when, then: November bills one price through it, and so does December
        assertThat(meterFor(outputs, output(fromNovember, "2026-11-10T10:00:00Z", "0.012"), PERIOD))
                .contains("tt_openai_gpt-4o_output");
        assertThat(meterFor(outputs, output(fromDecember, "2026-12-10T10:00:00Z", "0.0096"), DECEMBER))
                .contains("tt_openai_gpt-4o_output");
    }

    /** The meter {@code routing} sends {@code usage} on, routed alone ({@link TokenRouting#metersFor}). */
    private static Optional<String> meterFor(TokenRouting routing, TokenRouting.Usage usage, BillingPeriod period) {
        return routing.metersFor(List.of(usage), period).get(0);
    }

    /** 1,000 output tokens of customer {@code c} on the at-instant plan at {@code price}, billed {@code billed} USD. */
    private static TokenRouting.Usage output(Price price, String hour, String billed) {
        return usage(AT_INSTANT, price, hour, billed, "c", TokenType.OUTPUT);
    }

    private static TokenRouting routing(Set<String> activeMeters) {
        return routing(activeMeters, null);
    }

    private static TokenRouting routing(Set<String> activeMeters, Predicate<String> pricedInStripe) {
        return new TokenRouting(
                LAYOUT, Set.of(GPT), activeMeters, pricedInStripe, VERSIONS, VERSIONS, plans(), customers());
    }

    /** Customer {@code c} on the at-instant plan since ever; {@code moved} on it, then on next-period plan from the cut. */
    private static Map<String, Customer> customers() {
        return Map.of(
                "c",
                new Customer("c", "cus_c", AT_INSTANT.planId(), "C"),
                "moved",
                new Customer(
                        "moved",
                        "cus_moved",
                        NEXT_PERIOD.planId(),
                        "Moved",
                        BillingCycle.CALENDAR_MONTH_UTC,
                        List.of(
                                new PlanAssignment(Instant.EPOCH, AT_INSTANT.planId()),
                                new PlanAssignment(CUT, NEXT_PERIOD.planId()))));
    }

    private static Map<String, Plan> plans() {
        return Map.of(AT_INSTANT.planId(), AT_INSTANT, NEXT_PERIOD.planId(), NEXT_PERIOD);
    }

    /** 1,000 input tokens at {@code price}, billed {@code billed} USD (exact at 20% markup: 1,000 x price x 1.2 / 10^6). */
    private static TokenRouting.Usage usage(Plan plan, Price price, String hour, String billed) {
        return usage(plan, price, hour, billed, "c");
    }

    private static TokenRouting.Usage usage(Plan plan, Price price, String hour, String billed, String customerId) {
        return usage(plan, price, hour, billed, customerId, TokenType.INPUT);
    }

    private static TokenRouting.Usage usage(
            Plan plan, Price price, String hour, String billed, String customerId, TokenType type) {
        return new TokenRouting.Usage(
                customerId,
                plan.planId(),
                type,
                ServiceTier.STANDARD,
                ContextTier.STANDARD,
                Instant.parse(hour),
                price.effectiveFrom(),
                price.priceId(),
                new BigDecimal("20"),
                1_000,
                new BigDecimal(billed));
    }

    private static Price price(
            long id, TokenType type, ServiceTier service, ContextTier context, Instant from, String usdPerMillion) {
        return new Price(id, GPT, type, service, context, from, new BigDecimal(usdPerMillion), null, "test");
    }
}
