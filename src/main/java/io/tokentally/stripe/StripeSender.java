package io.tokentally.stripe;

import com.stripe.StripeClient;
import com.stripe.exception.ApiConnectionException;
import com.stripe.exception.AuthenticationException;
import com.stripe.exception.RateLimitException;
import com.stripe.exception.StripeException;
import com.stripe.model.HasId;
import com.stripe.model.StripeCollection;
import com.stripe.net.RequestOptions;
import com.stripe.param.InvoiceItemCreateParams;
import com.stripe.param.billing.MeterEventCreateParams;
import java.net.ConnectException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine's calls to Stripe with stripe-java. It sends one outbox row at a time: spaced by the rate limiter,
 * backing off on 429, retrying 409, 5xx and connection errors with the same identifier and idempotency key, but
 * after a 5xx, which Stripe answers again to that key, under a new one ({@link #afterServerError}). Each
 * attempt is one request (stripe-java's own network retries are off for it), so the row's result knows every answer
 * Stripe gave. Its reads, and the set-up commands' every request, are spaced and retried the same way ({@link
 * #retried}).
 */
class StripeSender {

    private static final Logger log = LoggerFactory.getLogger(StripeSender.class);

    /** What became of a row. */
    enum Outcome {
        DELIVERED,
        ALREADY_DELIVERED,
        /** Answered 5xx, then found made when Stripe was asked: marked sent with what it made. */
        FOUND_IN_STRIPE,
        REJECTED,
        GAVE_UP
    }

    /**
     * @param retries calls repeated after a 429, 409, 5xx or connection error
     * @param mayHaveArrived whether a call may have reached Stripe; false only when every call of a row that was
     *     given up on was answered 429 or refused its connection, so Stripe processed none of them
     */
    record Result(Outcome outcome, String message, int retries, String objectId, boolean mayHaveArrived) {

        Result(Outcome outcome, String message, int retries) {
            this(outcome, message, retries, null, true);
        }
    }

    private final StripeClient client;
    private final String apiBase;
    private final RateLimiter limiter;
    private final int maxAttempts;
    private final long backoffMillis;

    StripeSender(StripeProperties properties) {
        // one request a call: sends and reads retry by maxAttempts themselves, spaced by the limiter (stripe-java's
        // own retries made a hanging list cost max-network-retries + 1 read timeouts an attempt)
        this.client = StripeClients.of(properties, 0);
        this.apiBase = properties.apiBase();
        this.limiter = new RateLimiter(properties.ratePerSecond());
        this.maxAttempts = properties.maxAttempts();
        this.backoffMillis = properties.backoffMillis();
    }

    Result send(OutboxRow row) throws InterruptedException {
        String lastError = null;
        boolean mayHaveArrived = false;
        AttemptKeys keys = new AttemptKeys(row.idempotencyKey());
        for (int attempt = 1; attempt <= maxAttempts; attempt++) {
            limiter.acquire();
            try {
                String objectId = call(row, keys.current);
                return new Result(Outcome.DELIVERED, null, attempt - 1, objectId, true);
            } catch (AuthenticationException e) {
                throw new IllegalStateException(
                        "Stripe refused the API key (" + e.getStatusCode() + "): " + e.getMessage(), e);
            } catch (RateLimitException e) {
                lastError = "429 rate limited";
            } catch (ApiConnectionException e) {
                lastError = "connection error: " + connectionFault(e);
                // a refused connection sent nothing; a timeout or a dropped one may have
                mayHaveArrived |= !(e.getCause() instanceof ConnectException);
            } catch (StripeException e) {
                Integer status = e.getStatusCode();
                if (isDuplicateIdentifier(e)) {
                    return new Result(Outcome.ALREADY_DELIVERED, e.getMessage(), attempt - 1);
                }
                if (status == null || (status != 409 && status < 500)) {
                    return new Result(Outcome.REJECTED, status + " " + e.getCode() + ": " + messageOf(e), attempt - 1);
                }
                lastError = status + " " + messageOf(e);
                mayHaveArrived = true;
                if (status >= 500) {
                    Optional<String> made = afterServerError(row, keys, status);
                    if (made.isPresent()) {
                        return new Result(Outcome.FOUND_IN_STRIPE, null, attempt - 1, made.get(), true);
                    }
                }
            }
            if (attempt == maxAttempts) {
                break;
            }
            backOff(row, lastError, attempt);
        }
        return new Result(Outcome.GAVE_UP, lastError, maxAttempts - 1, null, mayHaveArrived);
    }

    /**
     * After a 5xx: Stripe keeps an endpoint's 500 under the call's idempotency key and answers every later call with
     * that key so, so the row goes on under a new key. A meter event does at once: its identifier, which Stripe
     * deduplicates for a day, keeps it from counting twice. An invoice item, a grant create or a void, which only the
     * key deduplicates, tries the key once more first (a 5xx of Stripe's edge may leave the call running, which the key
     * then answers 409 or settles), and after a second 5xx under it is looked up ({@link StripeLookups#arrived}):
     * made, its id is returned; not made, it goes under a new key. An expire keeps its key: whether it arrived is
     * judged by the run's clock, which a run asks about past the resend window. While Stripe cannot be asked, the key
     * stays.
     *
     * @return the id of what the call made, when the lookup found it
     */
    private Optional<String> afterServerError(OutboxRow row, AttemptKeys keys, int status) throws InterruptedException {
        if (row.kind() == OutboxRow.Kind.METER_EVENT) {
            keys.renew(status);
            return Optional.empty();
        }
        if (row.kind() == OutboxRow.Kind.CREDIT_GRANT_EXPIRE || ++keys.serverErrors < 2) {
            return Optional.empty();
        }
        try {
            // the instant is an expire's only
            Optional<String> made = StripeLookups.arrived(this, row, Instant.EPOCH);
            if (made.isEmpty()) {
                keys.renew(status);
            }
            return made;
        } catch (StripeException lookup) {
            log.warn(
                    "Stripe answered {} for {} twice and could not be asked whether it arrived ({}); its idempotency"
                            + " key stays, and a later attempt or run asks again",
                    status,
                    row.identifier(),
                    lookup.getMessage());
            return Optional.empty();
        }
    }

    /** The idempotency key of a row's next attempt, and how many 5xx answers it has had. */
    private static final class AttemptKeys {

        private final String rowKey;
        private String current;
        private int serverErrors;

        AttemptKeys(String rowKey) {
            this.rowKey = rowKey;
            this.current = rowKey;
        }

        /** A key of its own for the next attempt: the row's, with the status that ended the last one and a uuid. */
        void renew(int status) {
            current = rowKey + "-after-" + status + "-" + UUID.randomUUID();
            serverErrors = 0;
        }
    }

    /**
     * The network's own words for a failed connection: stripe-java's message names the library's global API base
     * (https://api.stripe.com), not the client's {@code tokentally.stripe.api-base}.
     */
    private static String connectionFault(ApiConnectionException e) {
        Throwable cause = e.getCause();
        return cause == null ? e.getMessage() : cause.getClass().getSimpleName() + ": " + cause.getMessage();
    }

    /** Waits before the next attempt at a row, longer after each failed one. */
    private void backOff(OutboxRow row, String lastError, int attempt) throws InterruptedException {
        long backoff = Math.min(30_000, backoffMillis << Math.min(attempt - 1, 10));
        log.warn(
                "Stripe call for {} failed ({}); attempt {} of {}, next in {} ms",
                row.identifier(),
                lastError,
                attempt,
                maxAttempts,
                backoff);
        Thread.sleep(backoff);
    }

    /** @return the id of the grant a credit grant row created, voided or expired; null for other rows */
    private String call(OutboxRow row, String idempotencyKey) throws StripeException {
        RequestOptions options = RequestOptions.builder()
                .setIdempotencyKey(idempotencyKey)
                .setMaxNetworkRetries(0)
                .build();
        if (row.isCreditGrant()) {
            return StripeCreditGrants.send(client, row, options);
        }
        if (row.kind() == OutboxRow.Kind.METER_EVENT) {
            createMeterEvent(row, options);
        } else {
            createInvoiceItem(row, options);
        }
        return null;
    }

    private void createMeterEvent(OutboxRow row, RequestOptions options) throws StripeException {
        client.v1()
                .billing()
                .meterEvents()
                .create(
                        MeterEventCreateParams.builder()
                                .setEventName(row.meter())
                                .putPayload("stripe_customer_id", row.stripeCustomerId())
                                .putPayload("value", Long.toString(row.valueMicros()))
                                .setIdentifier(row.identifier())
                                .setTimestamp(row.eventTimestamp().getEpochSecond())
                                .build(),
                        options);
    }

    private void createInvoiceItem(OutboxRow row, RequestOptions options) throws StripeException {
        StripeRequest request = StripeRequest.of(row);
        client.v1()
                .invoiceItems()
                .create(
                        InvoiceItemCreateParams.builder()
                                .setCustomer(row.stripeCustomerId())
                                .setCurrency("usd")
                                .setQuantity(1L)
                                .setUnitAmountDecimal(StripeRequest.centsOf(row.valueMicros()))
                                .setDescription(request.form().get("description"))
                                .putMetadata(StripeRequest.IDENTIFIER, row.identifier())
                                .build(),
                        options);
    }

    /** A call that Stripe may be asked again: a read, or a set-up's create under its idempotency key. */
    interface Call<T> {
        T call() throws StripeException;
    }

    /**
     * The call's answer, spaced by the limiter and retried like an upload on 429, 409, 5xx and connection errors:
     * what the build-outbox, upload and read-back steps read, and every request of the set-up commands.
     *
     * @param what what the call asks for, named in the error when it fails for good
     */
    <T> T retried(String what, Call<T> call) throws StripeException, InterruptedException {
        for (int attempt = 1; ; attempt++) {
            limiter.acquire();
            try {
                return call.call();
            } catch (RateLimitException e) {
                if (attempt >= maxAttempts) {
                    throw e;
                }
            } catch (ApiConnectionException e) {
                if (attempt >= maxAttempts) {
                    throw new ApiConnectionException(
                            "Stripe call for " + what + " at " + apiBase + " failed: " + connectionFault(e),
                            e.getCause());
                }
            } catch (StripeException e) {
                Integer status = e.getStatusCode();
                if (status == null || (status != 409 && status < 500) || attempt >= maxAttempts) {
                    throw e;
                }
            }
            long backoff = Math.min(30_000, backoffMillis << Math.min(attempt - 1, 10));
            log.debug(
                    "Stripe call for {} failed; attempt {} of {}, next in {} ms", what, attempt, maxAttempts, backoff);
            Thread.sleep(backoff);
        }
    }

    /** One page of a list Stripe pages: the page after the object {@code startingAfter} names, or the first. */
    interface Page<T extends HasId> {
        StripeCollection<T> after(String startingAfter) throws StripeException;
    }

    /**
     * The first object of a paged list that {@code stop} accepts, reading no page after it; empty when none does.
     * Each page is a read of its own, spaced and retried: stripe-java's auto-paging reads the pages after the first
     * outside {@link #retried}, where a 429 or 5xx ends the list with no {@link StripeException}.
     */
    <T extends HasId> Optional<T> scan(String what, Page<T> page, Predicate<T> stop)
            throws StripeException, InterruptedException {
        String after = null;
        while (true) {
            String startingAfter = after;
            StripeCollection<T> listed = retried(what, () -> page.after(startingAfter));
            for (T object : listed.getData()) {
                if (stop.test(object)) {
                    return Optional.of(object);
                }
            }
            if (!Boolean.TRUE.equals(listed.getHasMore()) || listed.getData().isEmpty()) {
                return Optional.empty();
            }
            after = listed.getData().get(listed.getData().size() - 1).getId();
        }
    }

    /** Whether Stripe holds a price of this lookup key, archived or not (an item may still bill an archived one). */
    boolean hasPrice(String lookupKey) throws StripeException, InterruptedException {
        return MeteredPrices.findPrice(this, lookupKey) != null;
    }

    /** Every object of a paged list, in Stripe's order, each page read on its own ({@link #scan}). */
    <T extends HasId> List<T> listed(String what, Page<T> page) throws StripeException, InterruptedException {
        List<T> all = new ArrayList<>();
        // a scan that stops at no object reads every page
        scan(what, page, object -> {
            all.add(object);
            return false;
        });
        return all;
    }

    /** The client the calls of {@link #retried} are made with: one request a call, the run's timeouts. */
    StripeClient client() {
        return client;
    }

    /** Stripe answers a repeated identifier with a 400 whose code or message says so: already delivered. */
    static boolean isDuplicateIdentifier(StripeException e) {
        String message = messageOf(e).toLowerCase(Locale.ROOT);
        return "duplicate_meter_event".equals(e.getCode()) || message.contains("already exists with identifier");
    }

    private static String messageOf(StripeException e) {
        return e.getStripeError() != null && e.getStripeError().getMessage() != null
                ? e.getStripeError().getMessage()
                : String.valueOf(e.getMessage());
    }
}
