package io.tokentally.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokentally.TempFolders;
import io.tokentally.TestPostgres;
import io.tokentally.UsageFixtures;
import io.tokentally.plans.Plan;
import io.tokentally.plans.PlanRepository;
import io.tokentally.plans.PlansFile;
import io.tokentally.pricing.PriceCatalogs;
import io.tokentally.shared.ContextTier;
import io.tokentally.shared.NovemberClock;
import io.tokentally.shared.ServiceTier;
import io.tokentally.shared.SqlTime;
import io.tokentally.shared.TokenType;
import io.tokentally.stripe.AmountMeterLayout;
import io.tokentally.stripe.FakeStripe;
import io.tokentally.stripe.TokenLayoutSetup;
import io.tokentally.stripe.TokenMeterLayout;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.launch.JobOperator;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Issue 5's check, end to end on PostgreSQL with the tokens layout (long-context prices on meters of
 * their own) uploading to the fake Stripe: three LiteLLM feeds' worth of changes (a price cut, a new model, a removed model, a long-context tier
 * change) synced between four usage days, then reruns. The expected amounts are computed here from
 * the feeds' per-token numbers and the plans' markups, not by the engine's code; they are compared
 * with the engine's rated totals and with what Stripe would invoice for the events it received (token
 * counts times the Stripe price on the subscription item, plus the amount meters' micro-USD).
 */
@SpringBootTest
@Import(NovemberClock.Beans.class)
class PriceFeedSequencePostgresIntegrationTests {

    static final AmountMeterLayout AMOUNT = new AmountMeterLayout("tokentally");
    static final Path WORK = TempFolders.create("tokentally-feed-sequence-");
    static final FakeStripe STRIPE = start();
    static final String SCHEMA = "feedseq_it_" + Long.toString(System.nanoTime(), 36);
    static final List<String> TOKEN_MODELS = List.of("openai/gpt-4o", "openai/gpt-4.1", "anthropic/claude-sonnet-4-5");
    static final TokenMeterLayout TOKENS = new TokenMeterLayout("tokentally");
    static final DateTimeFormatter VERSION =
            DateTimeFormatter.ofPattern("yyyyMMddHHmmss").withZone(ZoneOffset.UTC);

    /** The days, consecutive and inside one calendar month (the customers' billing period). */
    static final LocalDate D1 = firstDay();

    static final String EFFECTIVE_CUSTOMER = "seq-eff";
    /** A customer of the effective-instant plan with one gpt-4o request, on day 1 only. */
    static final String EARLY_CUSTOMER = "seq-early";

    static final String NEXT_PERIOD_CUSTOMER = "seq-nxt";

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        TestPostgres.register(registry, SCHEMA);
        registry.add("tokentally.runs-dir", () -> WORK.resolve("runs").toString());
        registry.add("tokentally.stripe.api-key", () -> "sk_test_feed_sequence");
        registry.add("tokentally.stripe.api-base", STRIPE::baseUrl);
        registry.add("tokentally.stripe.meter-events-base", STRIPE::baseUrl);
        registry.add("tokentally.stripe.rate-per-second", () -> "200");
        registry.add("tokentally.stripe.backoff-millis", () -> "25");
        registry.add("tokentally.stripe.read-back-max-wait-seconds", () -> "3");
        registry.add("tokentally.stripe.read-back-poll-seconds", () -> "1");
        registry.add("tokentally.stripe.layout", () -> "tokens");
        registry.add("tokentally.stripe.token-models", () -> String.join(",", TOKEN_MODELS));
        registry.add("tokentally.stripe.token-tiers", () -> "long");
    }

    @Autowired
    BillingRuns runs;

    @Autowired
    JobOperator jobOperator;

    @Autowired
    @Qualifier(PriceSyncJobConfiguration.PRICE_SYNC_JOB)
    Job priceSyncJob;

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    TokenLayoutSetup setup;

    @Autowired
    PriceCatalogs catalogs;

    @Autowired
    PlanRepository plans;

    @AfterAll
    static void stop() throws Exception {
        STRIPE.close();
        TestPostgres.dropSchema(SCHEMA);
    }

    // --- the feeds, per token, as LiteLLM writes them

    /** Day 1 on: gpt-4o, gpt-4o-mini, and claude-sonnet-4-5 with a long-context tier above 200k prompt tokens. */
    static final String FEED_1 = "{"
            + gpt4o("2.5e-06", "1.25e-06", "1e-05") + ","
            + "\"gpt-4o-mini\": {\"litellm_provider\": \"openai\", \"mode\": \"chat\","
            + " \"input_cost_per_token\": 1.5e-07, \"output_cost_per_token\": 6e-07},"
            + claude("6e-06", "2.25e-05") + "}";

    /** Day 2 on: gpt-4o cut, gpt-4.1 new, gpt-4o-mini gone. */
    static final String FEED_2 =
            "{" + gpt4o("2e-06", "1e-06", "8e-06") + "," + gpt41() + "," + claude("6e-06", "2.25e-05") + "}";

    /** Day 3 on: claude's long-context tier cut. */
    static final String FEED_3 =
            "{" + gpt4o("2e-06", "1e-06", "8e-06") + "," + gpt41() + "," + claude("4.5e-06", "1.8e-05") + "}";

    static String gpt4o(String input, String cacheRead, String output) {
        return "\"gpt-4o\": {\"litellm_provider\": \"openai\", \"mode\": \"chat\", \"input_cost_per_token\": " + input
                + ", \"cache_read_input_token_cost\": " + cacheRead + ", \"output_cost_per_token\": " + output + "}";
    }

    static String gpt41() {
        return "\"gpt-4.1\": {\"litellm_provider\": \"openai\", \"mode\": \"chat\", \"input_cost_per_token\": 2e-06,"
                + " \"output_cost_per_token\": 8e-06}";
    }

    static String claude(String longInput, String longOutput) {
        return "\"claude-sonnet-4-5\": {\"litellm_provider\": \"anthropic\", \"mode\": \"chat\","
                + " \"input_cost_per_token\": 3e-06, \"output_cost_per_token\": 1.5e-05,"
                + " \"input_cost_per_token_above_200k_tokens\": " + longInput + ","
                + " \"output_cost_per_token_above_200k_tokens\": " + longOutput + "}";
    }

    // --- the independent computation: per-token USD by day, from the feeds above

    /** USD per token of (model, kind) on day {@code day} (1..4), as the feeds say; kinds: in, cached, out, in-long, out-long. */
    static BigDecimal perToken(String model, String kind, int day) {
        String text = switch (model + " " + kind) {
            case "gpt-4o in" -> day == 1 ? "2.5e-06" : "2e-06";
            case "gpt-4o cached" -> day == 1 ? "1.25e-06" : "1e-06";
            case "gpt-4o out" -> day == 1 ? "1e-05" : "8e-06";
            // removed from the feed on day 2: its last price stays in force
            case "gpt-4o-mini in" -> "1.5e-07";
            case "gpt-4o-mini out" -> "6e-07";
            case "gpt-4.1 in" -> "2e-06";
            case "gpt-4.1 out" -> "8e-06";
            case "claude-sonnet-4-5 in" -> "3e-06";
            case "claude-sonnet-4-5 out" -> "1.5e-05";
            case "claude-sonnet-4-5 in-long" -> day <= 2 ? "6e-06" : "4.5e-06";
            case "claude-sonnet-4-5 out-long" -> day <= 2 ? "2.25e-05" : "1.8e-05";
            default -> throw new IllegalArgumentException(model + " " + kind);
        };
        return new BigDecimal(text);
    }

    /** One request of the days' usage: (model, prompt tokens, of which cached, output tokens). */
    record Request(String provider, String model, long input, long cached, long output) {

        boolean longContext() {
            return model.startsWith("claude") && input > 200_000;
        }

        /** Billed USD on day {@code day}: cost from the feed's per-token prices, times (1 + markup). */
        BigDecimal billed(int day) {
            String suffix = longContext() ? "-long" : "";
            BigDecimal cost = perToken(model, "in" + suffix, day)
                    .multiply(BigDecimal.valueOf(input - cached))
                    .add(perToken(model, "out" + suffix, day).multiply(BigDecimal.valueOf(output)));
            if (cached > 0) {
                cost = cost.add(perToken(model, "cached", day).multiply(BigDecimal.valueOf(cached)));
            }
            BigDecimal markup = provider.equals("anthropic") ? new BigDecimal("1.25") : new BigDecimal("1.20");
            return cost.multiply(markup);
        }
    }

    static final List<Request> REQUESTS = List.of(
            new Request("openai", "gpt-4o", 1_000_000, 200_000, 300_000),
            new Request("openai", "gpt-4o-mini", 2_000_000, 0, 500_000),
            new Request("anthropic", "claude-sonnet-4-5", 100_000, 0, 20_000),
            new Request("anthropic", "claude-sonnet-4-5", 250_000, 0, 10_000),
            new Request("openai", "gpt-4.1", 400_000, 0, 100_000));

    /** What a customer's day must bill: every request; gpt-4.1 only once priced (day 2 on). */
    static BigDecimal expectedDay(int day) {
        BigDecimal total = BigDecimal.ZERO;
        for (Request request : REQUESTS) {
            if (!(request.model().equals("gpt-4.1") && day == 1)) {
                total = total.add(request.billed(day));
            }
        }
        return total;
    }

    @Test
    void billedAmountsFollowEveryFeedAndStripeInvoicesExactlyThemInTheTokensLayout() throws Exception {
        // given: two customers, one moving subscription items at a change's instant, one at the next period
        Path plansFile = write(
                "plans.yaml",
                "plans:\n"
                        + "  - id: resell\n    markup_percent: 20\n    overrides:\n"
                        + "      - provider: anthropic\n        markup_percent: 25\n"
                        + "  - id: resell-np\n    markup_percent: 20\n    stripe_price_moves: next_period\n"
                        + "    overrides:\n      - provider: anthropic\n        markup_percent: 25\n");
        Path customers = write(
                "customers.csv",
                "customer_id,stripe_customer_id,plan_id\n" + EFFECTIVE_CUSTOMER + ",cus_seq_eff,resell\n"
                        + NEXT_PERIOD_CUSTOMER + ",cus_seq_nxt,resell-np\n" + EARLY_CUSTOMER
                        + ",cus_seq_early,resell\n");
        STRIPE.customers("cus_seq_eff", "cus_seq_nxt", "cus_seq_early");
        plans.saveAll(PlansFile.read(plansFile));
        List<JobExecution> billing = new ArrayList<>();

        // when: feed, set-up, day; three times over, then a fourth day and reruns of every day
        sync(FEED_1, 1);
        provision();
        billing.add(bill(1, 0, customers, plansFile));
        sync(FEED_2, 2);
        provision();
        billing.add(bill(2, 0, customers, plansFile));
        sync(FEED_3, 3);
        provision();
        billing.add(bill(3, 0, customers, plansFile));
        billing.add(bill(4, 0, customers, plansFile));
        int eventsBeforeReruns = STRIPE.events().size();
        for (int day = 1; day <= 4; day++) {
            billing.add(bill(day, 1, customers, plansFile));
        }

        // then: the engine billed each day exactly what the feeds say
        for (String customer : List.of(EFFECTIVE_CUSTOMER, NEXT_PERIOD_CUSTOMER)) {
            for (int day = 1; day <= 4; day++) {
                assertThat(billedOn(customer, day))
                        .as("%s day %d", customer, day)
                        .isEqualByComparingTo(expectedDay(day));
            }
        }
        assertThat(billing).allMatch(execution -> execution.getStatus() == BatchStatus.COMPLETED);
        assertThat(billing)
                .allMatch(execution -> execution.getExecutionContext().getInt("readBack.mismatched", 0) == 0);
        assertThat(STRIPE.events()).as("reruns change nothing").hasSize(eventsBeforeReruns);
        assertThat(jdbc.queryForObject(
                        "SELECT SUM(tokens) FROM held_usage WHERE customer_id = ? AND model = 'openai/gpt-4.1'",
                        Long.class,
                        EFFECTIVE_CUSTOMER))
                .as("day 1's gpt-4.1 had no price at its time: held, never billed at zero")
                .isEqualTo(500_000);

        // and Stripe invoices exactly that: 4 days x per-day amounts, to the micro-USD of the amount meters
        BigDecimal fourDays =
                expectedDay(1).add(expectedDay(2)).add(expectedDay(3)).add(expectedDay(4));
        for (String customer : List.of("cus_seq_eff", "cus_seq_nxt")) {
            BigDecimal invoiced = stripeInvoices(customer);
            assertThat(invoiced.subtract(fourDays).abs())
                    .as("%s: Stripe %s, expected %s", customer, invoiced, fourDays)
                    .isLessThanOrEqualTo(new BigDecimal("0.000002"));
        }

        // and the split: exact usage as tokens, the rest in micro-USD
        String gpt4oInput = TOKENS.eventName("openai/gpt-4o", TokenType.INPUT);
        assertThat(tokensSent("cus_seq_eff", gpt4oInput))
                .as("the effective-instant customer's gpt-4o input: the day-2 cut splits the period, which goes on the"
                        + " amount meters whole (Stripe bills an item moved mid-period only for the usage after the"
                        + " move); day 1's count, sent before the cut was known, taken back by day 2's run")
                .isZero();
        assertThat(valuesSent("cus_seq_eff", gpt4oInput))
                .as("day 1's count and its negative revision")
                .containsExactly(800_000L, -800_000L);
        assertThat(valuesSent("cus_seq_early", gpt4oInput))
                .as("a customer without usage after the day-2 cut: its day-1 count taken back by day 2's build too")
                .containsExactly(800_000L, -800_000L);
        assertThat(stripeInvoices("cus_seq_early")
                        .subtract(REQUESTS.get(0).billed(1))
                        .abs())
                .as("the early customer's one request, invoiced at day 1's price")
                .isLessThanOrEqualTo(new BigDecimal("0.000002"));
        assertThat(tokensSent("cus_seq_nxt", gpt4oInput))
                .as("the next-period customer's gpt-4o input: day 1 only; days 2-4 (new price, item still on the"
                        + " old one until the next period) on the amount meters")
                .isEqualTo(800_000L);
        assertThat(tokensSent("cus_seq_eff", TOKENS.eventName("openai/gpt-4o-mini", TokenType.INPUT)))
                .as("gpt-4o-mini is not listed")
                .isZero();
        assertThat(tokensSent("cus_seq_nxt", TOKENS.eventName("openai/gpt-4.1", TokenType.OUTPUT)))
                .as("a model first priced mid-period starts on its first price")
                .isEqualTo(3 * 100_000L);
        assertThat(tokensSent("cus_seq_eff", TOKENS.eventName("anthropic/claude-sonnet-4-5", TokenType.INPUT)))
                .as("standard-context claude input: its own meter")
                .isEqualTo(4 * 100_000L);
        String longInput = TOKENS.eventName(
                "anthropic/claude-sonnet-4-5", TokenType.INPUT, ServiceTier.STANDARD, ContextTier.LONG);
        assertThat(longInput).isEqualTo("tokentally_anthropic_claude-sonnet-4-5_long_input");
        assertThat(tokensSent("cus_seq_eff", longInput))
                .as("long-context input has a meter of its own (token-tiers=long); the day-3 cut splits the period:"
                        + " amount meters, days 1 and 2 taken back")
                .isZero();
        assertThat(tokensSent("cus_seq_nxt", longInput))
                .as("the next-period customer's long-context input after the day-3 change: amount meters")
                .isEqualTo(2 * 250_000L);
    }

    // --- helpers

    private void sync(String feed, int day) throws Exception {
        Path file = write("feed-" + day + ".json", feed);
        JobExecution execution = jobOperator.start(
                priceSyncJob,
                new PriceSyncParameters(file.toString(), "litellm", "litellm", dayStart(day), false).toJobParameters());
        assertThat(execution.getStatus()).isEqualTo(BatchStatus.COMPLETED);
    }

    /** {@code stripe setup --layout tokens} for both plans, moving subscription items as each plan says. */
    private void provision() throws Exception {
        Map<String, Plan> all = plans.findAll();
        List<String> priced = TOKEN_MODELS.stream()
                .filter(model -> catalogs.versions().stream()
                        .anyMatch(price -> price.model().equals(model)))
                .toList();
        for (String plan : List.of("resell", "resell-np")) {
            setup.ensure(priced, catalogs.versions(), all.get(plan), false, true);
        }
    }

    private JobExecution bill(int day, long rerun, Path customers, Path plansFile) throws Exception {
        LocalDate date = D1.plusDays(day - 1);
        Path input = Files.createDirectories(WORK.resolve("input-" + day));
        List<String> rows = new ArrayList<>();
        for (String customer : day == 1
                ? List.of(EFFECTIVE_CUSTOMER, NEXT_PERIOD_CUSTOMER, EARLY_CUSTOMER)
                : List.of(EFFECTIVE_CUSTOMER, NEXT_PERIOD_CUSTOMER)) {
            for (int i = 0; i < (customer.equals(EARLY_CUSTOMER) ? 1 : REQUESTS.size()); i++) {
                Request request = REQUESTS.get(i);
                rows.add(String.join(
                        ",",
                        customer + "-" + day + "-" + i,
                        date.atStartOfDay(ZoneOffset.UTC)
                                .plusHours(10 + i)
                                .toInstant()
                                .toString(),
                        customer,
                        request.provider(),
                        request.model(),
                        Long.toString(request.input()),
                        Long.toString(request.cached()),
                        "0",
                        "0",
                        Long.toString(request.output()),
                        "0",
                        "",
                        "ok"));
            }
        }
        UsageFixtures.write(input.resolve("gateway-" + date + ".csv"), rows.toArray(String[]::new));
        return runs.run(new BillingJobParameters(
                date,
                rerun,
                List.of("gateway=" + input.toAbsolutePath()),
                customers,
                plansFile,
                write("prices.csv", "model,token_type,service_tier,context_tier,usd_per_million,effective_from\n")));
    }

    private BigDecimal billedOn(String customer, int day) {
        Instant from = dayStart(day);
        BigDecimal billed = jdbc.queryForObject(
                "SELECT SUM(billed_usd) FROM rated_aggregate WHERE customer_id = ? AND hour_start >= ?"
                        + " AND hour_start < ?",
                BigDecimal.class,
                customer,
                SqlTime.utc(from),
                SqlTime.utc(from.plusSeconds(86_400)));
        return billed == null ? BigDecimal.ZERO : billed;
    }

    private long tokensSent(String stripeCustomer, String meter) {
        return valuesSent(stripeCustomer, meter).stream()
                .mapToLong(Long::longValue)
                .sum();
    }

    /** The values of the customer's events on the meter, in the order Stripe took them. */
    private static List<Long> valuesSent(String stripeCustomer, String meter) {
        return STRIPE.events().stream()
                .filter(event -> event.customer().equals(stripeCustomer)
                        && event.eventName().equals(meter))
                .map(FakeStripe.Event::value)
                .toList();
    }

    /**
     * What Stripe invoices the customer for the events it holds: amount meters at one micro-USD per unit;
     * token meters at the Stripe price on the subscription item at the event's hour. The item follows the
     * plan: at a new price's effective instant (resell), or from the first billing period (calendar month)
     * that starts after it, a model priced first during the period starting on its first price (resell-np).
     */
    private BigDecimal stripeInvoices(String stripeCustomer) {
        String plan = stripeCustomer.equals("cus_seq_nxt") ? "resell-np" : "resell";
        Map<String, TreeMap<Instant, BigDecimal>> prices = stripePrices(plan);
        BigDecimal total = BigDecimal.ZERO;
        for (FakeStripe.Event event : STRIPE.events()) {
            if (!event.customer().equals(stripeCustomer)) {
                continue;
            }
            if (AMOUNT.meters().contains(event.eventName())) {
                total = total.add(BigDecimal.valueOf(event.value()).movePointLeft(6));
                continue;
            }
            TreeMap<Instant, BigDecimal> versions = prices.get(event.eventName());
            Instant hour = Instant.ofEpochSecond(event.timestamp());
            Instant periodStart =
                    D1.withDayOfMonth(1).atStartOfDay(ZoneOffset.UTC).toInstant();
            Map.Entry<Instant, BigDecimal> onItem = plan.equals("resell")
                    ? versions.floorEntry(hour)
                    : versions.floorEntry(periodStart) != null
                            ? versions.floorEntry(periodStart)
                            : versions.ceilingEntry(periodStart);
            total = total.add(onItem.getValue()
                    .multiply(BigDecimal.valueOf(event.value()))
                    .movePointLeft(2));
        }
        return total;
    }

    /** The plan's Stripe prices: meter event name → effective instant → cents per unit. */
    private Map<String, TreeMap<Instant, BigDecimal>> stripePrices(String plan) {
        Map<String, String> eventNames = new TreeMap<>();
        STRIPE.createdMeters().forEach((name, id) -> eventNames.put(id, name));
        Pattern fields = Pattern.compile(
                "\"lookup_key\":\"([^\"]*)\".*\"unit_amount_decimal\":\"([^\"]*)\".*\"meter\":\"([^\"]*)\"");
        Map<String, TreeMap<Instant, BigDecimal>> prices = new TreeMap<>();
        for (String json : STRIPE.createdPrices().values()) {
            Matcher matcher = fields.matcher(json);
            assertThat(matcher.find()).isTrue();
            String eventName = eventNames.get(matcher.group(3));
            String key = matcher.group(1);
            String rest = key.substring(eventName.length() + 1);
            if (!rest.substring(15, rest.length() - 9).equals(plan)) {
                continue;
            }
            Instant effective = Instant.from(VERSION.parse(rest.substring(0, 14)));
            prices.computeIfAbsent(eventName, name -> new TreeMap<>()).put(effective, new BigDecimal(matcher.group(2)));
        }
        return prices;
    }

    private static Instant dayStart(int day) {
        return D1.plusDays(day - 1).atStartOfDay(ZoneOffset.UTC).toInstant();
    }

    /** Four consecutive days in one calendar month, within Stripe's 35 days and before today. */
    private static LocalDate firstDay() {
        LocalDate today = NovemberClock.today();
        return today.getDayOfMonth() >= 6
                ? today.minusDays(5)
                : today.minusMonths(1).withDayOfMonth(20);
    }

    private static Path write(String name, String text) throws IOException {
        Files.createDirectories(WORK);
        return Files.writeString(WORK.resolve(name), text);
    }

    private static FakeStripe start() {
        try {
            return new FakeStripe(NovemberClock.CLOCK).meters(AMOUNT.meters());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
