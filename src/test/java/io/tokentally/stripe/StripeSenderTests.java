package io.tokentally.stripe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchException;
import static org.assertj.core.api.Assertions.tuple;

import com.stripe.exception.ApiConnectionException;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/**
 * What a row given up on tells of Stripe: whether a call may have reached it. Every attempt is one request, so a row
 * whose requests were all answered 429 is known to have reached nothing, and the outbox may send it after Stripe's
 * 24 hours of identifier dedup.
 */
class StripeSenderTests {

    static final Instant HOUR = Instant.parse("2026-11-27T10:00:00Z");

    FakeStripe stripe;

    @BeforeEach
    void startStripe() throws IOException {
        stripe = new FakeStripe(Clock.fixed(HOUR.plusSeconds(7200), ZoneOffset.UTC));
        stripe.customers("cus_acme");
    }

    @AfterEach
    void stopStripe() {
        stripe.close();
    }

    @Test
    void aRowWhoseEveryRequestWasAnswered429HasReachedNothing() throws InterruptedException {
        // given: Stripe answers every call 429
        stripe.ratePerSecond(0);

        // when
        StripeSender.Result result = sender(stripe.baseUrl()).send(meterEvent());

        // then: three attempts, one request each (stripe-java's own retries would add to them)
        assertThat(result.outcome()).isEqualTo(StripeSender.Outcome.GAVE_UP);
        assertThat(result.mayHaveArrived()).isFalse();
        assertThat(stripe.calls()).isEqualTo(3);
        assertThat(stripe.events()).isEmpty();
    }

    @Test
    void aRowWithAServerErrorAmongItsAnswersMayHaveArrived() throws InterruptedException {
        // given: three 500s, which may hide an accepted call
        stripe.inject(FakeStripe.Fault.SERVER_ERROR, FakeStripe.Fault.SERVER_ERROR, FakeStripe.Fault.SERVER_ERROR);

        // when
        StripeSender.Result result = sender(stripe.baseUrl()).send(meterEvent());

        // then: one request per attempt, not stripe-java's two retries of each 500 as well
        assertThat(result.outcome()).isEqualTo(StripeSender.Outcome.GAVE_UP);
        assertThat(result.mayHaveArrived()).isTrue();
        assertThat(stripe.calls()).isEqualTo(3);
    }

    @Test
    void aMeterEventAnswered500UnderItsKeyIsSentAgainUnderANewKeyAndCountedOnce() throws InterruptedException {
        // given: the endpoint answers the first call 500, which Stripe keeps under its idempotency key and replays
        stripe.meters(List.of("tokentally_usd")).inject(FakeStripe.Fault.SERVER_ERROR_KEPT);

        // when: the row is sent, and sent again as a later run does, with its own key first
        StripeSender sender = sender(stripe.baseUrl());
        StripeSender.Result result = sender.send(meterEvent());
        StripeSender.Result again = sender.send(meterEvent());

        // then: the second attempt, under a new key, delivered it; sent again, its identifier counts it once
        assertThat(result.outcome()).isEqualTo(StripeSender.Outcome.DELIVERED);
        assertThat(result.retries()).isOne();
        assertThat(again.outcome()).isEqualTo(StripeSender.Outcome.ALREADY_DELIVERED);
        assertThat(stripe.events()).hasSize(1);
    }

    @Test
    void anInvoiceItemAndAGrantAnswered500UnderTheirKeysAreMadeOnceUnderNewKeysOnceStripeShowsThemNotMade()
            throws InterruptedException {
        // given: the endpoint answers each row's first call 500, kept under its key and answered to the key again
        StripeSender sender = sender(stripe.baseUrl());
        stripe.inject(FakeStripe.Fault.SERVER_ERROR_KEPT);
        StripeSender.Result item = sender.send(invoiceItem(250_000));
        stripe.inject(FakeStripe.Fault.SERVER_ERROR_KEPT);
        StripeSender.Result grant = sender.send(grantCreate("cus_acme", 1));

        // when: each is sent again, as a later run does, under its own key first
        StripeSender.Result itemAgain = sender.send(invoiceItem(250_000));
        StripeSender.Result grantAgain = sender.send(grantCreate("cus_acme", 1));

        // then: after the key's second 500 Stripe was asked, showed neither made, and each went under a new key; sent
        // again, each is found made
        assertThat(List.of(item, grant))
                .extracting(StripeSender.Result::outcome, StripeSender.Result::retries)
                .containsOnly(tuple(StripeSender.Outcome.DELIVERED, 2));
        assertThat(List.of(itemAgain, grantAgain))
                .extracting(StripeSender.Result::outcome)
                .containsOnly(StripeSender.Outcome.FOUND_IN_STRIPE);
        assertThat(stripe.invoiceItems()).hasSize(1);
        assertThat(stripe.creditGrants()).hasSize(1);
        assertThat(itemAgain.objectId()).startsWith("ii_");
        assertThat(grantAgain.objectId())
                .isEqualTo(grant.objectId())
                .isEqualTo(stripe.creditGrants().get(0).id());
    }

    @Test
    void anInvoiceItemAnswered500OnceIsTriedAgainUnderItsOwnKeyWithoutAskingStripe() throws InterruptedException {
        // given: a 500 that Stripe did not keep (its edge's), which may leave the call running
        stripe.inject(FakeStripe.Fault.SERVER_ERROR);

        // when
        StripeSender.Result item = sender(stripe.baseUrl()).send(invoiceItem(250_000));

        // then: the key's second call made it; no list was read
        assertThat(item.outcome()).isEqualTo(StripeSender.Outcome.DELIVERED);
        assertThat(item.retries()).isOne();
        assertThat(stripe.calls()).isEqualTo(2);
        assertThat(stripe.invoiceItems()).hasSize(1);
    }

    @Test
    void aVoidAnswered500UnderItsKeyVoidsItsGrantUnderANewKeyOnceStripeShowsItLive() throws InterruptedException {
        // given: a grant, and its void's first call answered 500, kept under the void's key
        StripeSender sender = sender(stripe.baseUrl());
        String grantId = sender.send(grantCreate("cus_acme", 1)).objectId();
        stripe.inject(FakeStripe.Fault.SERVER_ERROR_KEPT);

        // when: the void is sent, then sent again under its own key, as a later run does
        StripeSender.Result voided = sender.send(grantVoid(grantId));
        StripeSender.Result again = sender.send(grantVoid(grantId));

        // then
        assertThat(voided.outcome()).isEqualTo(StripeSender.Outcome.DELIVERED);
        assertThat(voided.retries()).isEqualTo(2);
        assertThat(again.outcome()).isEqualTo(StripeSender.Outcome.FOUND_IN_STRIPE);
        assertThat(again.objectId()).isEqualTo(grantId);
        assertThat(stripe.creditGrants().get(0).voidedAt()).isNotNull();
    }

    @Test
    void aRowWhoseCallWasAppliedButItsAnswerLostMayHaveArrivedThoughLaterCallsWereAnswered429() throws Exception {
        // given: the first call is applied, then its connection closes before the answer; every later call is 429
        stripe.meters(List.of("tokentally_usd"))
                .inject(
                        FakeStripe.Fault.LOSE_RESPONSE,
                        FakeStripe.Fault.RATE_LIMITED,
                        FakeStripe.Fault.RATE_LIMITED,
                        FakeStripe.Fault.RATE_LIMITED);

        // when
        StripeSender.Result result = sender(stripe.baseUrl()).send(meterEvent());

        // then: the lost answer is seen, not hidden by the JDK's own resend of the POST (which took the first 429, so
        // the row seemed to have reached nothing, and a run more than a day later sent it again: billed twice)
        assertThat(result.outcome()).isEqualTo(StripeSender.Outcome.GAVE_UP);
        assertThat(result.mayHaveArrived()).isTrue();
        assertThat(stripe.events()).hasSize(1);
        assertThat(stripe.calls()).isEqualTo(3);
    }

    @Test
    void aRowWhoseConnectionsWereRefusedHasReachedNothing() throws IOException, InterruptedException {
        // given
        int port = closedPort();

        // when
        StripeSender.Result result = sender("http://127.0.0.1:" + port).send(meterEvent());

        // then
        assertThat(result.outcome()).isEqualTo(StripeSender.Outcome.GAVE_UP);
        assertThat(result.message())
                .isEqualTo("connection error: ConnectException: Connection refused")
                .doesNotContain("api.stripe.com");
        assertThat(result.mayHaveArrived()).isFalse();
    }

    @Test
    void aReadWhoseConnectionsWereRefusedNamesTheApiBaseItTried() throws IOException {
        // given
        int port = closedPort();

        // when: stripe-java's own message names its global base, https://api.stripe.com
        Exception failure = catchException(() -> StripeLookups.meterIds(sender("http://127.0.0.1:" + port)));

        // then
        assertThat(failure)
                .isInstanceOf(ApiConnectionException.class)
                .hasMessage("Stripe call for meters at http://127.0.0.1:" + port
                        + " failed: ConnectException: Connection refused");
    }

    @Test
    void aReadIsOneRequestAnAttemptUpToMaxAttempts() {
        // given: Stripe answers every call 500
        stripe.inject(Collections.nCopies(20, FakeStripe.Fault.SERVER_ERROR).toArray(FakeStripe.Fault[]::new));

        // when
        Exception failure = catchException(() -> StripeLookups.meterIds(sender(stripe.baseUrl())));

        // then: max-attempts (3) requests, not max-network-retries + 1 (3) for each (9): a list that hangs waits a read
        // timeout an attempt
        assertThat(failure).isInstanceOf(com.stripe.exception.StripeException.class);
        assertThat(stripe.calls()).isEqualTo(3);
    }

    @Test
    void anInvoiceItemsAmountGoesAsAPlainDecimalStringOfCents() throws InterruptedException {
        // given items of $5.00, -$0.20 and $0.012345: as cents stripped of trailing zeros, the first two are 5E+2
        // and -2E+1, which stripe-java would write as such (hunt AJ)
        StripeSender sender = sender(stripe.baseUrl());

        // when
        for (long micros : new long[] {5_000_000, -200_000, 12_345}) {
            assertThat(sender.send(invoiceItem(micros)).outcome()).isEqualTo(StripeSender.Outcome.DELIVERED);
        }

        // then
        assertThat(stripe.invoiceItems())
                .extracting(FakeStripe.InvoiceItem::unitAmountDecimal)
                .containsExactly("500", "-20", "1.2345");
    }

    private static OutboxRow invoiceItem(long micros) {
        return new OutboxRow(
                1,
                OutboxRow.Kind.INVOICE_ITEM,
                "acme",
                "cus_acme",
                ClosedPeriodRepository.METER,
                HOUR,
                1,
                "tt-acme-item-" + micros,
                "tokentally-tt-acme-item-" + micros,
                micros,
                HOUR,
                OutboxRow.State.PENDING,
                0,
                null);
    }

    /** A port that was bound and closed, so nothing listens there. */
    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    static StripeSender sender(String apiBase) {
        return new StripeSender(new Binder(new MapConfigurationPropertySource(Map.of(
                        "tokentally.stripe.api-key", "sk_test_sender",
                        "tokentally.stripe.api-base", apiBase,
                        "tokentally.stripe.meter-events-base", apiBase,
                        "tokentally.stripe.max-network-retries", "2",
                        "tokentally.stripe.max-attempts", "3",
                        "tokentally.stripe.backoff-millis", "1",
                        "tokentally.stripe.rate-per-second", "1000")))
                .bind("tokentally.stripe", StripeProperties.class)
                .get());
    }

    @Test
    void aGrantCreateIsFoundInStripeByItsIdentifierOnAnyPageOfTheCustomersGrants() throws Exception {
        // given 105 grants of the customer, listed newest first by pages of 100, and one of another customer
        StripeSender sender = sender(stripe.baseUrl());
        stripe.customers("cus_other");
        for (int i = 1; i <= 105; i++) {
            assertThat(sender.send(grantCreate("cus_acme", i)).outcome()).isEqualTo(StripeSender.Outcome.DELIVERED);
        }
        sender.send(grantCreate("cus_other", 106));

        // when / then: the oldest is on the second page; a create Stripe never received, or another customer's, is
        // not found
        String oldest = stripe.creditGrants().get(0).id();
        assertThat(StripeLookups.arrived(sender, grantCreate("cus_acme", 1), HOUR))
                .contains(oldest);
        assertThat(StripeLookups.arrived(sender, grantCreate("cus_acme", 107), HOUR))
                .isEmpty();
        assertThat(StripeLookups.arrived(sender, grantCreate("cus_acme", 106), HOUR))
                .isEmpty();
    }

    @Test
    void aLookupRetriesAPageAfterTheFirstThatStripeAnswered429Or500() throws Exception {
        // given 105 grants and 105 invoice items of the customer, two pages each
        StripeSender sender = sender(stripe.baseUrl());
        for (int i = 1; i <= 105; i++) {
            sender.send(grantCreate("cus_acme", i));
            sender.send(invoiceItem(i));
        }
        String oldestGrant = stripe.creditGrants().get(0).id();
        int listsBefore = stripe.calls();

        // when the second page of each list is answered 500, then 429, once
        stripe.inject(FakeStripe.Fault.NONE, FakeStripe.Fault.SERVER_ERROR);
        Optional<String> grant = StripeLookups.arrived(sender, grantCreate("cus_acme", 1), HOUR);
        stripe.inject(FakeStripe.Fault.NONE, FakeStripe.Fault.RATE_LIMITED);
        Optional<String> item = StripeLookups.arrived(sender, invoiceItem(1), HOUR);

        // then each is found on the page read again, one read a page and one more for each refusal
        assertThat(grant).contains(oldestGrant);
        assertThat(item).isPresent();
        assertThat(stripe.calls() - listsBefore).isEqualTo(6);
    }

    @Test
    void theMeterListRetriesAPageAfterTheFirstThatStripeAnswered429() throws Exception {
        // given 105 meters, two pages (a tokens layout of many models has that many)
        List<String> names = new ArrayList<>();
        for (int i = 1; i <= 105; i++) {
            names.add("tt_meter_" + i);
        }
        stripe.meters(names);
        StripeSender sender = sender(stripe.baseUrl());

        // when the second page is answered 429 once
        stripe.inject(FakeStripe.Fault.NONE, FakeStripe.Fault.RATE_LIMITED);
        Map<String, String> ids = StripeLookups.meterIds(sender);

        // then every meter is listed, the second page read again
        assertThat(ids).hasSize(105).containsEntry("tt_meter_1", "mtr_1").containsEntry("tt_meter_105", "mtr_105");
        assertThat(stripe.calls()).isEqualTo(3);
    }

    private static OutboxRow grantCreate(String stripeCustomer, int revision) {
        return new OutboxRow(
                revision,
                OutboxRow.Kind.CREDIT_GRANT,
                "acme",
                stripeCustomer,
                "grant:purchase:pack-" + revision,
                HOUR,
                revision,
                "tt-grant-" + revision,
                "tokentally-tt-grant-" + revision,
                1_000_000,
                HOUR,
                OutboxRow.State.PENDING,
                0,
                null,
                new OutboxRow.GrantTerms("paid", 30, null, null, "Pack", null));
    }

    private static OutboxRow grantVoid(String grantId) {
        return new OutboxRow(
                        2,
                        OutboxRow.Kind.CREDIT_GRANT_VOID,
                        "acme",
                        "cus_acme",
                        "grant:purchase:pack-1",
                        HOUR,
                        2,
                        "tt-grant-1-void",
                        "tokentally-tt-grant-1-void",
                        0,
                        HOUR,
                        OutboxRow.State.PENDING,
                        0,
                        null,
                        new OutboxRow.GrantTerms("paid", 30, null, null, "Pack", null))
                .endingGrant(grantId);
    }

    private static OutboxRow meterEvent() {
        return new OutboxRow(
                1,
                OutboxRow.Kind.METER_EVENT,
                "acme",
                "cus_acme",
                "tokentally_usd",
                HOUR,
                1,
                "tt-acme-usd-r1",
                "tokentally-tt-acme-usd-r1",
                1_500,
                HOUR,
                OutboxRow.State.PENDING,
                0,
                null);
    }
}
