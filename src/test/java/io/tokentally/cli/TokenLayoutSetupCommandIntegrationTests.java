package io.tokentally.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokentally.stripe.FakeStripe;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code tokentally stripe setup --layout tokens} against the fake Stripe. */
class TokenLayoutSetupCommandIntegrationTests {

    private static final String HEADER =
            "model,token_type,service_tier,context_tier,usd_per_million,effective_from,long_context_threshold\n";
    private static final String MODELS = "openai/gpt-4o,anthropic/claude-sonnet-4-5,custom/tiny-embed";

    @TempDir
    Path work;

    FakeStripe stripe;
    Path prices;
    Path plans;

    @BeforeEach
    void start() throws Exception {
        stripe = new FakeStripe(Clock.systemUTC());
        System.setProperty("tokentally.data-dir", work.resolve("data").toString());
        System.setProperty("tokentally.stripe.api-key", "sk_test_setup");
        System.setProperty("tokentally.stripe.api-base", stripe.baseUrl());
        prices = write(
                "prices.csv",
                HEADER
                        + "openai/gpt-4o,input,standard,standard,2.5,2025-01-01,\n"
                        + "openai/gpt-4o,cache_read,standard,standard,1.25,2025-01-01,\n"
                        + "openai/gpt-4o,output,standard,standard,10,2025-01-01,\n"
                        + "openai/gpt-4o,input,batch,standard,1.25,2025-01-01,\n"
                        + "anthropic/claude-sonnet-4-5,input,standard,standard,3,2025-01-01,200000\n"
                        + "anthropic/claude-sonnet-4-5,cache_read,standard,standard,0.3,2025-01-01,200000\n"
                        + "anthropic/claude-sonnet-4-5,cache_write_5m,standard,standard,3.75,2025-01-01,200000\n"
                        + "anthropic/claude-sonnet-4-5,output,standard,standard,15,2025-01-01,200000\n"
                        + "anthropic/claude-sonnet-4-5,input,standard,long,6,2025-01-01,200000\n"
                        + "custom/tiny-embed,input,standard,standard,0.004,2025-01-01,\n");
        plans = write(
                "plans.yaml",
                "plans:\n  - id: growth\n    type: usage\n    markup_percent: 20\n    overrides:\n"
                        + "      - provider: anthropic\n        markup_percent: 25\n");
    }

    @AfterEach
    void stop() {
        stripe.close();
        System.clearProperty("tokentally.data-dir");
        System.clearProperty("tokentally.stripe.api-key");
        System.clearProperty("tokentally.stripe.api-base");
        System.clearProperty("tokentally.stripe.backoff-millis");
        System.clearProperty("tokentally.stripe.rate-per-second");
    }

    @Test
    void createsOneMeterAndOneMarkedUpPricePerModelAndTokenTypeOnce() {
        // when
        String first = setup("--prices", prices.toString(), "--plans", plans.toString());
        int createsAfterFirst = stripe.createCalls();
        String second = setup();

        // then
        assertThat(unitAmounts())
                .containsExactlyInAnyOrderEntriesOf(Map.of(
                        // 2.5 USD/1M x (100 + 20) / 10^6
                        "tokentally_openai_gpt-4o_input", List.of("0.0003"),
                        // 1.25 x 120 / 10^6
                        "tokentally_openai_gpt-4o_cache_read", List.of("0.00015"),
                        // 10 x 120 / 10^6
                        "tokentally_openai_gpt-4o_output", List.of("0.0012"),
                        // anthropic override 25%: 3 x 125 / 10^6
                        "tokentally_anthropic_claude-sonnet-4-5_input", List.of("0.000375"),
                        // 0.3 x 125 / 10^6
                        "tokentally_anthropic_claude-sonnet-4-5_cache_read", List.of("0.0000375"),
                        // 3.75 x 125 / 10^6 = 468.75 / 10^6
                        "tokentally_anthropic_claude-sonnet-4-5_cache_write_5m", List.of("0.00046875"),
                        // 15 x 125 / 10^6
                        "tokentally_anthropic_claude-sonnet-4-5_output", List.of("0.001875"),
                        // 0.004 x 120 / 10^6, sent as plain text, not 4.8E-7
                        "tokentally_custom_tiny-embed_input", List.of("0.00000048")));
        assertThat(stripe.createdPrices().keySet())
                .allMatch(key -> key.matches("tokentally_[a-z0-9_-]+_20250101000000_growth_[0-9a-f]{8}"));
        assertThat(stripe.createdPrices().values()).allMatch(json -> json.contains("\"usage_type\":\"metered\""));
        assertThat(createsAfterFirst).as("8 meters and 8 prices").isEqualTo(16);
        assertThat(stripe.createdMeters()).hasSize(8);
        assertThat(stripe.createCalls()).as("the rerun creates nothing").isEqualTo(16);
        assertThat(first).contains("created").doesNotContain(" exists");
        assertThat(second).contains("exists").doesNotContain("created");
        assertThat(first)
                .contains("warning: anthropic/claude-sonnet-4-5 has long-context prices")
                .doesNotContain("items per subscription,");
    }

    @Test
    void warnsOfTheAmountLayoutsPricesStripeLacksUntilTheAmountSetUpRan() {
        // when: the tokens layout set up first, then the amount layout's, then the tokens layout's again
        String before = setup("--prices", prices.toString(), "--plans", plans.toString());
        StringWriter amount = new StringWriter();
        CommandLine command = new CommandLine(new TokentallyCommand());
        command.setOut(new PrintWriter(amount, true));
        assertThat(command.execute("stripe", "setup")).as(amount.toString()).isZero();
        String after = setup();

        // then: the four prices the usage Stripe cannot bill in tokens goes to are named, then no longer
        assertThat(before)
                .contains("warning: the amount layout's prices tokentally_input_usd_micros_metered,"
                        + " tokentally_cache_usd_micros_metered, tokentally_output_usd_micros_metered,"
                        + " tokentally_units_usd_micros_metered are not in Stripe")
                .contains("'stripe setup' (the amount layout) creates them");
        assertThat(after).doesNotContain("amount layout's prices").contains("and the amount layout's four");
    }

    @Test
    void anArchivedPriceIsStillFoundByItsLookupKeyAndNotCreatedAgain() {
        // given: the operator archived a price to stop new subscriptions on it
        setup("--prices", prices.toString(), "--plans", plans.toString());
        String inputKey = keyOf("tokentally_openai_gpt-4o_input");
        stripe.archivePrice(inputKey);

        // when
        String again = setup();

        // then: the items already on it still bill it, and its lookup key is still taken
        assertThat(stripe.createCalls())
                .as("8 meters and 8 prices, nothing more")
                .isEqualTo(16);
        assertThat(again).contains("(lookup key " + inputKey + ") exists").doesNotContain("created");
    }

    @Test
    void dryRunListsWhatItWouldCreateAndCreatesNothing() {
        // when
        String out = setup("--prices", prices.toString(), "--plans", plans.toString(), "--dry-run");

        // then
        assertThat(stripe.createCalls()).isZero();
        assertThat(stripe.createdMeters()).isEmpty();
        assertThat(out)
                .contains("Dry run")
                .contains("tokentally_openai_gpt-4o_input - would create")
                .contains("0.0003 cents per unit = 2.5 USD/1M x (1 + 20%)");
        assertThat(out.lines().filter(line -> line.startsWith("meter ")).count())
                .isEqualTo(8);
    }

    @Test
    void aNewPriceVersionGetsANewPriceAndTheOldOneStays() throws IOException {
        setup("--prices", prices.toString(), "--plans", plans.toString());
        String oldInputKey = keyOf("tokentally_openai_gpt-4o_input");
        Path change = write(
                "change.csv",
                HEADER + "openai/gpt-4o,input,standard,standard,2,2026-01-01,\n"
                        + "openai/gpt-4o,output,standard,standard,8,2099-01-01,\n");

        // when
        String out = setup("--prices", change.toString());

        // then
        assertThat(stripe.createCalls())
                .as("16 before, then two prices, no meter")
                .isEqualTo(18);
        assertThat(unitAmounts().get("tokentally_openai_gpt-4o_input"))
                // the old 0.0003 stays; 2 x 120 / 10^6 is added
                .containsExactlyInAnyOrder("0.0003", "0.00024");
        assertThat(unitAmounts().get("tokentally_openai_gpt-4o_output"))
                // 10 x 120 / 10^6 stays; 8 x 120 / 10^6 is scheduled for 2099
                .containsExactlyInAnyOrder("0.0012", "0.00096");
        assertThat(out)
                .contains("move: subscription items on price " + stripe.priceId(oldInputKey) + " (" + oldInputKey
                        + ") move to ")
                .contains("at the change's effective instant, 2026-01-01T00:00:00Z")
                .contains("at the change's effective instant, 2099-01-01T00:00:00Z")
                .contains("(scheduled)");
    }

    @Test
    void movesTheSubscriptionItemsOnASupersededPriceOnlyWhenAskedAndOnlyOnceTheNewPriceIsInForce() throws IOException {
        setup("--prices", prices.toString(), "--plans", plans.toString());
        String oldInput = stripe.priceId(keyOf("tokentally_openai_gpt-4o_input"));
        String oldOutput = stripe.priceId(keyOf("tokentally_openai_gpt-4o_output"));
        String subscription = stripe.subscription("cus_1", oldInput, oldOutput);
        Path change = write(
                "change.csv",
                HEADER + "openai/gpt-4o,input,standard,standard,2,2026-01-01,\n"
                        + "openai/gpt-4o,output,standard,standard,8,2099-01-01,\n");

        // when
        String listed = setup("--prices", change.toString());
        Map<String, String> afterListing = stripe.subscriptionItemPrices();
        String moved = setup("--move-subscriptions");
        String again = setup("--move-subscriptions");

        // then
        assertThat(afterListing).containsEntry("si_1", oldInput).containsEntry("si_2", oldOutput);
        assertThat(listed)
                .contains("subscription item si_1 (subscription " + subscription + ", customer cus_1) would move now")
                .contains("subscription item si_2 (subscription " + subscription
                        + ", customer cus_1) moves at 2099-01-01T00:00:00Z");
        String newInput = stripe.priceId(stripe.createdPrices().keySet().stream()
                .filter(key -> key.startsWith("tokentally_openai_gpt-4o_input_20260101000000_growth_"))
                .findFirst()
                .orElseThrow());
        assertThat(stripe.subscriptionItemPrices())
                .as("the input item moved to the price in force; the output item waits for 2099")
                .containsEntry("si_1", newInput)
                .containsEntry("si_2", oldOutput);
        assertThat(moved).contains("si_1 (subscription " + subscription + ", customer cus_1) moved");
        assertThat(again).doesNotContain("si_1");
    }

    @Test
    void readsEveryPageOfSubscriptionsAndMovesEachItemThoughStripeRateLimitsEveryRequestOnce() throws IOException {
        // given: 101 subscriptions on the old input price, two pages of Stripe's list
        setup("--prices", prices.toString(), "--plans", plans.toString());
        String oldInput = stripe.priceId(keyOf("tokentally_openai_gpt-4o_input"));
        for (int i = 1; i <= 101; i++) {
            stripe.subscription("cus_" + i, oldInput);
        }
        Path change = write("change.csv", HEADER + "openai/gpt-4o,input,standard,standard,2,2026-01-01,\n");
        System.setProperty("tokentally.stripe.backoff-millis", "1");
        System.setProperty("tokentally.stripe.rate-per-second", "1000");
        int callsBefore = stripe.calls();
        // the first call of each request a 429 (stripe-java itself does not retry one)
        stripe.inject(FakeStripe.everyOtherCallRateLimited(400));

        // when
        String moved = setup("--prices", change.toString(), "--move-subscriptions");

        // then
        String newInput = stripe.priceId(stripe.createdPrices().keySet().stream()
                .filter(key -> key.startsWith("tokentally_openai_gpt-4o_input_20260101000000_growth_"))
                .findFirst()
                .orElseThrow());
        assertThat(stripe.subscriptionItemPrices())
                .hasSize(101)
                .allSatisfy((item, price) -> assertThat(price).isEqualTo(newInput));
        assertThat(moved).contains("si_1 (subscription sub_1, customer cus_1) moved");
        assertThat(moved).contains("si_101 (subscription sub_101, customer cus_101) moved");
        int calls = stripe.calls() - callsBefore;
        assertThat(stripe.rateLimited())
                .as("each request refused once, then answered: the 101 moves, the two pages and the rest")
                .isGreaterThan(103)
                .isEqualTo(calls / 2);
        assertThat(calls % 2).isZero();
    }

    @Test
    void aNextPeriodPlanMovesOnlyTheItemsWhoseBillingPeriodStartedAfterTheChange() throws IOException {
        // given: growth moves items at the next period; a cut took effect 10 days ago
        Path nextPeriod = write(
                "next-period-plans.yaml",
                "plans:\n  - id: growth\n    markup_percent: 20\n    stripe_price_moves: next_period\n");
        setup("--prices", prices.toString(), "--plans", nextPeriod.toString());
        String oldInput = stripe.priceId(keyOf("tokentally_openai_gpt-4o_input"));
        java.time.LocalDate today = java.time.LocalDate.now(java.time.ZoneOffset.UTC);
        String cut = today.minusDays(10).toString();
        String midPeriod = stripe.subscription("cus_1", oldInput);
        String renewed = stripe.subscription("cus_2", oldInput);
        stripe.subscriptionPeriod(midPeriod, dayStart(today.minusDays(20)), dayStart(today.plusDays(10)));
        stripe.subscriptionPeriod(renewed, dayStart(today.minusDays(5)), dayStart(today.plusDays(25)));
        Path change = write("change.csv", HEADER + "openai/gpt-4o,input,standard,standard,2," + cut + ",\n");

        // when
        String first = setup("--prices", change.toString(), "--move-subscriptions");
        Map<String, String> afterFirst = stripe.subscriptionItemPrices();
        stripe.subscriptionPeriod(midPeriod, dayStart(today), dayStart(today.plusDays(30)));
        String second = setup("--move-subscriptions");

        // then: the renewed subscription moved at once; the other only once its next period started
        String newInput = stripe.priceId(stripe.createdPrices().keySet().stream()
                .filter(key -> key.startsWith("tokentally_openai_gpt-4o_input_" + cut.replace("-", "") + "000000_"))
                .findFirst()
                .orElseThrow());
        assertThat(afterFirst).containsEntry("si_1", oldInput).containsEntry("si_2", newInput);
        assertThat(first)
                .contains(
                        "at the start of each subscription's first billing period after the change's effective instant"
                                + " (plan growth: stripe_price_moves next_period), ")
                .contains("subscription item si_1 (subscription " + midPeriod
                        + ", customer cus_1) waits for its next billing period")
                .contains("subscription item si_2 (subscription " + renewed + ", customer cus_2) moved");
        assertThat(stripe.subscriptionItemPrices())
                .containsEntry("si_1", newInput)
                .containsEntry("si_2", newInput);
        assertThat(second).contains("subscription item si_1 (subscription " + midPeriod + ", customer cus_1) moved");
    }

    private static java.time.Instant dayStart(java.time.LocalDate day) {
        return day.atStartOfDay(java.time.ZoneOffset.UTC).toInstant();
    }

    @Test
    void takesTheLayoutAndTiersInAnyLetterCase() {
        // given
        StringWriter out = new StringWriter();
        CommandLine command = new CommandLine(new TokentallyCommand());
        command.setOut(new PrintWriter(out, true));
        command.setErr(new PrintWriter(out, true));

        // when
        int exit = command.execute(
                "stripe",
                "setup",
                "--layout",
                "Tokens",
                "--models",
                MODELS,
                "--tiers",
                "BATCH",
                "--prices",
                prices.toString(),
                "--plans",
                plans.toString(),
                "--plan",
                "growth",
                "--dry-run");

        // then
        assertThat(exit).as(out.toString()).isZero();
        assertThat(out.toString()).contains("tokentally_openai_gpt-4o_batch_input - would create");
    }

    @Test
    void aTierOrModelListedTwiceIsAUsageErrorAsInTheSettings() {
        // given tiers given twice in two letter cases (hunt DB: accepted, where tokentally.stripe.token-tiers is
        // refused), and a model given twice
        StringWriter out = new StringWriter();
        CommandLine command = new CommandLine(new TokentallyCommand());
        command.setErr(new PrintWriter(out, true));

        // when
        int tiers = command.execute(
                "stripe", "setup", "--layout", "tokens", "--models", MODELS, "--tiers", "Batch,batch", "--dry-run");
        int models = command.execute(
                "stripe", "setup", "--layout", "tokens", "--models", MODELS + ",openai/gpt-4o", "--dry-run");

        // then
        assertThat(tiers).isEqualTo(2);
        assertThat(models).isEqualTo(2);
        assertThat(out.toString())
                .contains("--tiers lists batch twice; list each once")
                .contains("--models lists openai/gpt-4o twice; list each once");
        assertThat(stripe.calls()).isZero();
    }

    @Test
    void theAmountLayoutRefusesTheTokensLayoutsOptions() {
        StringWriter out = new StringWriter();
        CommandLine command = new CommandLine(new TokentallyCommand());
        command.setErr(new PrintWriter(out, true));

        assertThat(command.execute("stripe", "setup", "--dry-run")).isNotZero();
        assertThat(out.toString()).contains("belong to --layout tokens");
        assertThat(stripe.calls()).isZero();
    }

    @Test
    void warnsWhenAPlansModelsNeedMoreThanTwentySubscriptionItems() throws IOException {
        System.clearProperty("tokentally.stripe.api-key");
        StringBuilder csv = new StringBuilder(HEADER);
        List<String> models = new ArrayList<>();
        for (int i = 1; i <= 6; i++) {
            for (String type : List.of("input", "cache_read", "cache_write_5m", "output")) {
                csv.append("custom/m").append(i).append(',').append(type).append(",standard,standard,1,2025-01-01,\n");
            }
            models.add("custom/m" + i);
        }

        // when
        String out = setup(
                "--prices",
                write("many.csv", csv.toString()).toString(),
                "--models",
                String.join(",", models),
                "--dry-run");

        // then: 6 models x 4 token types = 24 meters
        assertThat(out)
                .contains(
                        "warning: 24 metered prices for plan list: Stripe allows 20 items per subscription and the upload"
                                + " also needs the 4 amount meters' prices for the usage it cannot send as tokens, so one"
                                + " subscription can carry 16 token prices");
        assertThat(stripe.calls()).as("no key: Stripe is not asked").isZero();
    }

    private Map<String, List<String>> unitAmounts() {
        Map<String, String> eventNames = new TreeMap<>();
        stripe.createdMeters().forEach((name, id) -> eventNames.put(id, name));
        Map<String, List<String>> amounts = new TreeMap<>();
        Pattern meter = Pattern.compile("\"unit_amount_decimal\":\"([^\"]*)\".*\"meter\":\"([^\"]*)\"");
        for (String json : stripe.createdPrices().values()) {
            Matcher matcher = meter.matcher(json);
            assertThat(matcher.find()).isTrue();
            amounts.computeIfAbsent(eventNames.get(matcher.group(2)), name -> new ArrayList<>())
                    .add(matcher.group(1));
        }
        return amounts;
    }

    private String keyOf(String eventName) {
        return stripe.createdPrices().keySet().stream()
                .filter(key -> key.startsWith(eventName + "_2"))
                .findFirst()
                .orElseThrow();
    }

    private Path write(String name, String text) throws IOException {
        return Files.writeString(work.resolve(name), text);
    }

    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // a pipe read with no writer waits for ever
    void aReferenceFileThatIsMissingOrAPipeIsAUsageErrorNamingItsOption(@TempDir Path dir) throws Exception {
        // given: a plans file that is not there, and a prices "file" that is a pipe (--prices <(...)): "Illegal seek"
        Path pipe = dir.resolve("prices.csv");
        assertThat(new ProcessBuilder("mkfifo", pipe.toString()).start().waitFor())
                .isZero();
        StringWriter err = new StringWriter();
        CommandLine command = new CommandLine(new TokentallyCommand());
        command.setErr(new PrintWriter(err, true));

        // when
        int missing = command.execute(
                "stripe", "setup", "--layout", "tokens", "--models", MODELS, "--plans", dir + "/nope.yaml");
        int piped = command.execute(
                "stripe", "setup", "--layout", "tokens", "--models", MODELS, "--prices", pipe.toString());

        // then
        assertThat(missing).isEqualTo(CommandLine.ExitCode.USAGE);
        assertThat(piped).isEqualTo(CommandLine.ExitCode.USAGE);
        assertThat(err.toString())
                .contains("--plans: the file " + dir + "/nope.yaml does not exist")
                .contains("--prices: " + pipe + " is not a regular file (a pipe or a device); give a file");
    }

    private String setup(String... more) {
        List<String> arguments = new ArrayList<>(List.of("stripe", "setup", "--layout", "tokens", "--plan", "growth"));
        if (!List.of(more).contains("--models")) {
            arguments.addAll(List.of("--models", MODELS));
        } else {
            arguments.removeAll(List.of("--plan", "growth"));
        }
        arguments.addAll(List.of(more));
        StringWriter out = new StringWriter();
        CommandLine command = new CommandLine(new TokentallyCommand());
        command.setOut(new PrintWriter(out, true));
        command.setErr(new PrintWriter(out, true));
        assertThat(command.execute(arguments.toArray(String[]::new)))
                .as(out.toString())
                .isZero();
        return out.toString();
    }
}
