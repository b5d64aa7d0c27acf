package io.tokentally.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokentally.stripe.FakeStripe;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code tokentally stripe setup} against the fake Stripe: creates what is missing, once. */
class StripeSetupCommandIntegrationTests {

    @TempDir
    Path work;

    FakeStripe stripe;

    @BeforeEach
    void start() throws Exception {
        stripe = new FakeStripe(Clock.systemUTC());
        System.setProperty("tokentally.data-dir", work.resolve("data").toString());
        System.setProperty("tokentally.stripe.api-key", "sk_test_setup");
        System.setProperty("tokentally.stripe.api-base", stripe.baseUrl());
    }

    @AfterEach
    void stop() {
        stripe.close();
        System.clearProperty("tokentally.data-dir");
        System.clearProperty("tokentally.stripe.api-key");
        System.clearProperty("tokentally.stripe.api-base");
        System.clearProperty("tokentally.stripe.backoff-millis");
    }

    @Test
    void triesEachRequestAgainAfterA429AndCreatesEverythingOnce() {
        // given: Stripe refuses the first call of every request with a 429 (stripe-java itself does not retry one)
        System.setProperty("tokentally.stripe.backoff-millis", "1");
        stripe.inject(FakeStripe.everyOtherCallRateLimited(20));

        // when
        String out = setup();

        // then: the meter list, then per meter its create, its price's look-up and its price's create
        assertThat(stripe.rateLimited())
                .as("each of the 13 requests refused once")
                .isEqualTo(13);
        assertThat(stripe.createdMeters()).hasSize(4);
        assertThat(stripe.createdPrices()).hasSize(4);
        assertThat(stripe.createCalls()).as("4 meters and 4 prices").isEqualTo(8);
        assertThat(out).contains("created").doesNotContain("exists");
    }

    @Test
    void createsTheMetersAndPricesOnceAndFindsThemAfterwards() {
        // when
        String first = setup();
        String second = setup();

        // then
        assertThat(stripe.createdMeters())
                .containsOnlyKeys(
                        "tokentally_input_usd_micros",
                        "tokentally_cache_usd_micros",
                        "tokentally_output_usd_micros",
                        "tokentally_units_usd_micros");
        assertThat(stripe.createdPrices()).hasSize(4);
        Map.Entry<String, String> price =
                stripe.createdPrices().entrySet().iterator().next();
        assertThat(price.getValue())
                .contains("\"unit_amount_decimal\":\"0.0001\"")
                .contains("\"usage_type\":\"metered\"");
        assertThat(first).contains("created").doesNotContain("exists");
        assertThat(second).contains("exists").doesNotContain("created");
        assertThat(second).contains("subscription");
    }

    @Test
    void anArchivedPriceIsNotReportedReadyAndStripesRefusalOfItsLookupKeyIsShown() {
        // given: the operator archived the input meter's price after the first set-up
        String first = setup();
        stripe.archivePrice("tokentally_input_usd_micros_metered");
        int createsBefore = stripe.createCalls();

        // when
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine command = new CommandLine(new TokentallyCommand());
        command.setOut(new PrintWriter(out, true));
        command.setErr(new PrintWriter(err, true));
        int exitCode = command.execute("stripe", "setup");

        // then: subscriptions cannot use an archived price, so it is not listed as found; creating it again is refused
        assertThat(first).contains("(lookup key tokentally_input_usd_micros_metered) created");
        assertThat(exitCode).isNotZero();
        assertThat(stripe.createCalls())
                .as("one create of the archived price's lookup key")
                .isEqualTo(createsBefore + 1);
        assertThat(out.toString() + err)
                .contains("already uses that lookup key")
                .doesNotContain("(lookup key tokentally_input_usd_micros_metered) exists");
    }

    private String setup() {
        StringWriter out = new StringWriter();
        CommandLine command = new CommandLine(new TokentallyCommand());
        command.setOut(new PrintWriter(out, true));
        assertThat(command.execute("stripe", "setup")).isZero();
        return out.toString();
    }
}
