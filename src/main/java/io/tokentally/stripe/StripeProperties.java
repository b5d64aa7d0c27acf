package io.tokentally.stripe;

import io.tokentally.shared.HttpUrls;
import io.tokentally.shared.Repeats;
import io.tokentally.shared.SettingWords;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Stripe upload settings. Without an API key the engine runs dry: it fills the outbox and writes the
 * requests it would send into the run folder.
 *
 * @param apiKey the secret key ({@code STRIPE_API_KEY}); blank means dry run
 * @param apiBase the API base URL (a proxy or a test stand-in may replace it)
 * @param meterEventsBase the base URL of Stripe's v2 meter event streams, given to stripe-java; the engine's meter
 *     events (v1) go to {@code apiBase}
 * @param eventNamePrefix prefix of the meters' event names
 * @param ratePerSecond calls per second; the default suits a test-mode account (about 25/s)
 * @param concurrency calls in flight at once, each for a different customer and meter
 * @param maxNetworkRetries stripe-java's own retries of 409, 5xx and connection errors per call of the meter error
 *     events' read (an upload's call is one request, so the outbox knows every answer, and so is each of the
 *     upload's reads and each request of the set-up commands, retried by {@code maxAttempts})
 * @param maxAttempts the engine's attempts per row (429, 409, 5xx, timeouts), one request each, before it gives up
 *     for this run; and per read of Stripe by the build-outbox, upload and read-back steps (a list's page, a price, a
 *     meter event summary) and per request of {@code stripe setup} (a list's page, a create, a subscription item's
 *     move)
 * @param backoffMillis first backoff after a 429 or a transient error, doubled per attempt
 * @param lateAfterDays windows older than this go out as meter events stamped with the run's time, inside their
 *     period (Stripe accepts 35 days; keep a margin)
 * @param resendWithinHours an in-flight row is resent blindly only this long (Stripe dedups identifiers for 24 h)
 * @param readBack after the upload, compare Stripe's meter event summaries with what the outbox sent
 * @param readBackMaxWaitSeconds how long the read-back waits for Stripe's summaries to catch up before
 *     it reports a mismatch (they are eventually consistent)
 * @param readBackPollSeconds how often it asks again while it waits
 * @param webhookSecret the signing secret of the event destination that delivers Stripe's asynchronous
 *     meter errors to {@code POST /api/stripe/events} ({@code STRIPE_WEBHOOK_SECRET}); blank turns the
 *     endpoint off
 * @param periodCloseGrace how long after a billing period's end Stripe may still take meter events for its
 *     invoice (Stripe waits an hour by default before it finalizes a subscription invoice, and up to 72 hours as
 *     its invoice settings say); from then on the period is closed and its changes go out as invoice items (ADR
 *     0021)
 * @param layout the meter layout the upload sends: {@code amount} (the default: billed micro-USD on four
 *     meters) or {@code tokens} (token counts on one meter per listed model and token type, the rest on
 *     the amount meters; ADR 0020)
 * @param tokenModels the canonical models whose usage the {@code tokens} layout sends as token counts
 *     (provisioned with {@code stripe setup --layout tokens --models ...}); required with that layout
 * @param tokenTiers the tiers besides standard whose prices get meters of their own in the tokens layout
 *     ({@code batch}, {@code priority}, {@code flex}, {@code long}); the upload sends those tiers' usage
 *     as token counts, and {@code stripe setup --layout tokens} provisions them; default none
 */
@Validated
@ConfigurationProperties("tokentally.stripe")
public record StripeProperties(
        @Pattern(
                regexp = "|[sr]k_\\S+",
                message = "is a secret key (sk_...) or a restricted key (rk_...); a publishable key (pk_...)"
                        + " cannot send meter events")
        String apiKey,

        @DefaultValue("https://api.stripe.com") @NotBlank String apiBase,

        @DefaultValue("https://meter-events.stripe.com") @NotBlank
        String meterEventsBase,

        @DefaultValue("tokentally") @NotBlank @Pattern(regexp = "[a-z0-9_]{1,40}")
        String eventNamePrefix,

        @DefaultValue("20") @Min(1) @Max(10_000) int ratePerSecond,
        @DefaultValue("4") @Min(1) @Max(64) int concurrency,
        @DefaultValue("2") @Min(0) @Max(10) int maxNetworkRetries,
        @DefaultValue("6") @Min(1) @Max(50) int maxAttempts,
        @DefaultValue("500") @Min(1) long backoffMillis,
        @DefaultValue("34") @Min(1) @Max(35) int lateAfterDays,
        @DefaultValue("23") @Min(1) @Max(24) int resendWithinHours,
        @DefaultValue("10000") @Min(100) int connectTimeoutMillis,
        @DefaultValue("30000") @Min(100) int readTimeoutMillis,
        @DefaultValue("true") boolean readBack,
        @DefaultValue("120") @Min(0) @Max(3600) int readBackMaxWaitSeconds,
        @DefaultValue("10") @Min(1) @Max(600) int readBackPollSeconds,

        @Pattern(regexp = "|whsec_.+", message = "is an event destination's signing secret, whsec_...")
        String webhookSecret,

        @DefaultValue("PT1H") Duration periodCloseGrace,

        @DefaultValue("amount") @NotNull @Pattern(regexp = "amount|tokens", message = "is amount or tokens")
        String layout,

        @DefaultValue
        List<
                        @Pattern(
                                regexp = "[a-z0-9][a-z0-9._-]*/[a-z0-9][a-z0-9._:-]*",
                                message = "is a canonical provider/model")
                        String>
                tokenModels,

        @DefaultValue
        List<@Pattern(regexp = "batch|priority|flex|long", message = "is batch, priority, flex or long") String>
                tokenTiers) {

    /**
     * Stripe's longest invoice finalization grace period: a longer close grace would send a period's late usage as
     * meter events after Stripe finalized its invoice, which bills them on no invoice.
     */
    private static final Duration MAX_GRACE = Duration.ofHours(72);

    public StripeProperties {
        // a key or secret read from a mounted secret file may end in a line break, which neither Stripe's
        // Authorization header nor a signature check takes
        apiKey = apiKey == null ? null : apiKey.strip();
        webhookSecret = webhookSecret == null ? null : webhookSecret.strip();
        HttpUrls.requireHttp("tokentally.stripe.api-base", apiBase);
        HttpUrls.requireHttp("tokentally.stripe.meter-events-base", meterEventsBase);
        if (periodCloseGrace == null || periodCloseGrace.isNegative() || periodCloseGrace.compareTo(MAX_GRACE) > 0) {
            throw new IllegalArgumentException("tokentally.stripe.period-close-grace must be an ISO-8601 duration"
                    + " from PT0S to PT72H (Stripe's wait before it finalizes an invoice, at most 72 hours), not "
                    + periodCloseGrace);
        }
        // a secret of another form is refused by its pattern, which is checked after this constructor
        if (webhookSecret != null && webhookSecret.startsWith("whsec_") && (apiKey == null || apiKey.isBlank())) {
            throw new IllegalArgumentException("tokentally.stripe.webhook-secret is set but tokentally.stripe.api-key"
                    + " is not: each event is fetched from Stripe with the API key");
        }
        layout = SettingWords.lower(layout);
        tokenModels = tokenModels == null ? List.of() : List.copyOf(tokenModels);
        tokenTiers = tokenTiers == null ? List.of() : SettingWords.lower(tokenTiers);
        refuseRepeats("tokentally.stripe.token-models", tokenModels);
        refuseRepeats("tokentally.stripe.token-tiers", tokenTiers);
        if ("tokens".equals(layout) && tokenModels.isEmpty()) {
            throw new IllegalArgumentException("tokentally.stripe.token-models must list the models (provider/model,"
                    + " comma separated) whose usage the tokens layout sends when tokentally.stripe.layout=tokens");
        }
        if ("amount".equals(layout) && !tokenModels.isEmpty()) {
            throw new IllegalArgumentException("tokentally.stripe.token-models is set but tokentally.stripe.layout"
                    + " is amount; set tokentally.stripe.layout=tokens to send token counts for them");
        }
    }

    private static void refuseRepeats(String property, List<String> list) {
        Repeats.refusal(property, list).ifPresent(refusal -> {
            throw new IllegalArgumentException(refusal);
        });
    }

    /** Whether the upload sends the tokens layout (with the amount meters for the rest). */
    public boolean tokensLayout() {
        return "tokens".equals(layout);
    }

    public boolean dryRun() {
        return apiKey == null || apiKey.isBlank();
    }

    @Override
    public String toString() {
        return "StripeProperties[apiKey=" + (dryRun() ? "<none>" : "<set>") + ", apiBase=" + apiBase
                + ", webhookSecret=" + (webhookSecret == null || webhookSecret.isBlank() ? "<none>" : "<set>")
                + ", layout="
                + layout + ", tokenModels=" + tokenModels + "]";
    }
}
