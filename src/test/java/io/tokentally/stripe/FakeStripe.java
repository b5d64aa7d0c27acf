package io.tokentally.stripe;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A stateful stand-in for Stripe's meter event and invoice item endpoints, for the real stripe-java
 * client. It keeps what it accepted and behaves as Stripe does where it matters for exactly-once
 * billing: it replays a repeated idempotency key (the endpoint's 500s too), rejects a repeated identifier within its clock's 24
 * hours, enforces the timestamp window (35 days back, 5 minutes ahead), whole-number values, known
 * customers and meters, answers 409 to a second concurrent call for the same customer and meter and
 * 429 above its rate, lists an archived price by its lookup key unless asked for active prices only
 * ({@link #archivePrice}), and injects faults on demand.
 */
public final class FakeStripe implements AutoCloseable {

    /** What an archived price says of itself. */
    private static final String ARCHIVED = "\"active\":false";

    /** Faults the next calls suffer, in order. */
    public enum Fault {
        /** No fault: lets a call through, to place later faults at a given call. */
        NONE,
        /** A 500 before the endpoint runs (a proxy's, say): nothing is kept under the call's idempotency key. */
        SERVER_ERROR,
        SLOW,
        DROP_CONNECTION,
        /** The event is accepted and stored, then the connection drops before the answer. */
        LOSE_RESPONSE,
        /** The event is accepted and stored, then the answer is held back for seconds (a client killed meanwhile never gets it). */
        ACCEPT_THEN_HANG,
        /** A 429 for this call, whatever the rate. */
        RATE_LIMITED,
        /**
         * A 500 from the endpoint itself (a meter event's, an invoice item's, a credit grant's): kept under the call's
         * idempotency key and replayed to every call with that key, as Stripe keeps a request's first result, 500s
         * included; nothing is stored.
         */
        SERVER_ERROR_KEPT
    }

    public record Event(String eventName, String customer, long value, String identifier, long timestamp) {}

    public record InvoiceItem(String customer, String unitAmountDecimal, String identifier) {}

    /** An invoice item with the id the fake gave it. */
    private record StoredItem(String id, InvoiceItem item) {}

    /** A credit grant as the fake keeps it; {@code voidedAt} and an early {@code expiresAt} come from void and expire. */
    public record Grant(
            String id,
            String customer,
            String category,
            long valueCents,
            Long effectiveAt,
            Long expiresAt,
            long priority,
            String name,
            String identifier,
            Long voidedAt) {}

    private record Stored(int status, String body) {}

    private final HttpServer server;
    private final Clock clock;
    private final Set<String> customers = new HashSet<>();
    private final Set<String> meters = new HashSet<>();
    private final Map<String, String> meterIds = new LinkedHashMap<>();
    private final Map<String, String> pricesByLookupKey = new LinkedHashMap<>();
    private final List<Event> events = new ArrayList<>();
    /** subscription item id → {subscription id, customer, price id}. */
    private final Map<String, String[]> subscriptionItems = new LinkedHashMap<>();

    /** subscription id → {current period start, end} in epoch seconds. */
    private final Map<String, long[]> subscriptionPeriods = new HashMap<>();

    private final AtomicInteger subscriptionCount = new AtomicInteger();
    private final List<StoredItem> invoiceItems = new ArrayList<>();
    private final List<Grant> grants = new ArrayList<>();
    /**
     * Numbers grants across {@link #reset}s, as Stripe never gives an id twice: a test's void of a grant an earlier
     * test's fake made must not end this test's grant of the same number.
     */
    private final AtomicInteger grantCount = new AtomicInteger();

    private final AtomicInteger itemCount = new AtomicInteger();

    private final Map<String, Instant> identifiers = new HashMap<>();
    private final Map<String, String> v2Events = new HashMap<>();
    private final Map<String, Stored> idempotency = new HashMap<>();
    private final Map<String, String> idempotencyBodies = new HashMap<>();
    private final Set<String> inFlight = new HashSet<>();
    private final Set<String> lostFromSummaries = new HashSet<>();
    private Duration summaryLag = Duration.ZERO;
    private final Deque<Fault> faults = new ArrayDeque<>();
    private final Deque<Long> recentCalls = new ArrayDeque<>();
    private final AtomicInteger calls = new AtomicInteger();
    private final AtomicInteger creates = new AtomicInteger();
    private final AtomicInteger v2EventFetches = new AtomicInteger();
    private final AtomicInteger rateLimited = new AtomicInteger();
    private final AtomicInteger conflicts = new AtomicInteger();
    private volatile int ratePerSecond = Integer.MAX_VALUE;
    private String customerPrefix;
    private volatile Duration slowness = Duration.ofMillis(300);

    public FakeStripe(Clock clock) throws IOException {
        this.clock = clock;
        this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newFixedThreadPool(8));
        server.createContext("/v1/billing/meter_events", this::meterEvent);
        server.createContext("/v1/invoiceitems", this::invoiceItem);
        server.createContext("/v1/billing/meters", this::meters);
        server.createContext("/v1/prices", this::prices);
        server.createContext("/v1/billing/credit_grants", this::creditGrants);
        server.createContext("/v1/subscriptions", this::subscriptions);
        server.createContext("/v1/subscription_items", this::subscriptionItems);
        server.createContext("/v2/core/events", this::v2Event);
        server.start();
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public synchronized FakeStripe customers(String... ids) {
        customers.addAll(List.of(ids));
        return this;
    }

    /** Accepts every customer id with this prefix (for benchmarks with many customers). */
    public synchronized FakeStripe acceptCustomersStartingWith(String prefix) {
        customerPrefix = prefix;
        return this;
    }

    public synchronized void forgetCustomer(String id) {
        customers.remove(id);
    }

    public synchronized FakeStripe meters(List<String> eventNames) {
        meters.addAll(eventNames);
        eventNames.forEach(name -> meterIds.putIfAbsent(name, "mtr_" + (meterIds.size() + 1)));
        return this;
    }

    /** Meter event summaries leave out events accepted less than {@code lag} ago (Stripe is eventually consistent). */
    public synchronized FakeStripe summaryLag(Duration lag) {
        this.summaryLag = lag;
        return this;
    }

    /** Meter event summaries never count this customer's events (a Stripe-side loss to detect). */
    public synchronized FakeStripe loseFromSummaries(String customer) {
        lostFromSummaries.add(customer);
        return this;
    }

    /** Shows the customer's events in the summaries again, as {@link #loseFromSummaries} hid them. */
    public synchronized FakeStripe findInSummaries(String customer) {
        lostFromSummaries.remove(customer);
        return this;
    }

    public FakeStripe ratePerSecond(int rate) {
        this.ratePerSecond = rate;
        return this;
    }

    public synchronized FakeStripe inject(Fault... next) {
        faults.addAll(List.of(next));
        return this;
    }

    /**
     * Faults for {@link #inject}: the first call of each of the next {@code requests} requests answered 429, its
     * second let through (as long as each request is tried again after a 429 and nothing else fails).
     */
    public static Fault[] everyOtherCallRateLimited(int requests) {
        Fault[] faults = new Fault[2 * requests];
        for (int i = 0; i < faults.length; i++) {
            faults[i] = i % 2 == 0 ? Fault.RATE_LIMITED : Fault.NONE;
        }
        return faults;
    }

    public synchronized void reset() {
        events.clear();
        invoiceItems.clear();
        grants.clear();
        identifiers.clear();
        idempotency.clear();
        idempotencyBodies.clear();
        faults.clear();
        recentCalls.clear();
        calls.set(0);
        rateLimited.set(0);
        conflicts.set(0);
        ratePerSecond = Integer.MAX_VALUE;
        summaryLag = Duration.ZERO;
        lostFromSummaries.clear();
    }

    /**
     * Stripe refuses accepted meter events after the fact: drops them and stores a {@code v1.billing.meter.error_report_triggered}
     * event naming these identifiers as sample errors and returns the thin event an event destination
     * delivers (unsigned; the receiver fetches the full event from {@code /v2/core/events/{id}}).
     */
    public synchronized String meterErrorReport(String eventName, String code, List<String> sampleIdentifiers) {
        events.removeIf(event -> sampleIdentifiers.contains(event.identifier()));
        String id = "evt_test_" + (v2Events.size() + 1);
        String meterId = meterIds.getOrDefault(eventName, "mtr_unknown");
        StringBuilder samples = new StringBuilder();
        for (String identifier : sampleIdentifiers) {
            samples.append(samples.isEmpty() ? "" : ",")
                    .append("{\"error_message\":\"No customer found\",\"request\":{\"identifier\":\"")
                    .append(identifier)
                    .append("\"}}");
        }
        Instant now = clock.instant();
        String head = "\"id\":\"" + id
                + "\",\"object\":\"v2.core.event\",\"type\":\"v1.billing.meter.error_report_triggered\","
                + "\"livemode\":false,\"created\":\"" + now + "\",\"related_object\":{\"id\":\"" + meterId
                + "\",\"type\":\"billing.meter\",\"url\":\"/v1/billing/meters/" + meterId + "\"}";
        v2Events.put(
                id,
                "{" + head + ",\"data\":{\"developer_message_summary\":\"" + sampleIdentifiers.size()
                        + " events failed\",\"validation_start\":\"" + now.minus(Duration.ofHours(1))
                        + "\",\"validation_end\":\"" + now + "\",\"reason\":{\"error_count\":"
                        + sampleIdentifiers.size() + ",\"error_types\":[{\"code\":\"" + code
                        + "\",\"error_count\":" + sampleIdentifiers.size() + ",\"sample_errors\":[" + samples
                        + "]}]}}}");
        return "{" + head + "}";
    }

    /** How often the full event was fetched. */
    public int v2EventFetches() {
        return v2EventFetches.get();
    }

    public synchronized List<Event> events() {
        return List.copyOf(events);
    }

    public synchronized List<InvoiceItem> invoiceItems() {
        return invoiceItems.stream().map(StoredItem::item).toList();
    }

    /** customer|event name → the sum of the accepted values. */
    public synchronized Map<String, Long> totals() {
        Map<String, Long> totals = new TreeMap<>();
        for (Event event : events) {
            totals.merge(event.customer() + "|" + event.eventName(), event.value(), Long::sum);
        }
        return totals;
    }

    /** How many meters and prices were created (POSTs to create them, refused ones included). */
    public int createCalls() {
        return creates.get();
    }

    public int calls() {
        return calls.get();
    }

    public int rateLimited() {
        return rateLimited.get();
    }

    public int conflicts() {
        return conflicts.get();
    }

    private void meterEvent(HttpExchange exchange) throws IOException {
        Map<String, String> form = form(exchange);
        String key = form.get("payload[stripe_customer_id]") + "|" + form.get("event_name");
        Fault fault = admit(exchange);
        if (fault == Fault.DROP_CONNECTION) {
            exchange.close();
            return;
        }
        if (exchange.getResponseCode() > 0) {
            return;
        }
        synchronized (this) {
            if (!inFlight.add(key)) {
                conflicts.incrementAndGet();
                respond(
                        exchange,
                        409,
                        error(
                                "invalid_request_error",
                                "lock_timeout",
                                "Another request for this customer and meter is in progress"),
                        null);
                return;
            }
        }
        try {
            if (fault == Fault.SLOW) {
                sleep(slowness);
            }
            Stored answer = idempotent(
                    exchange,
                    form,
                    () -> fault == Fault.SERVER_ERROR_KEPT ? keptServerError() : acceptMeterEvent(form));
            if (fault == Fault.LOSE_RESPONSE) {
                exchange.close();
                return;
            }
            if (fault == Fault.ACCEPT_THEN_HANG) {
                sleep(Duration.ofSeconds(5));
            }
            respond(exchange, answer.status(), answer.body(), answer.status() == 400 ? "false" : null);
        } finally {
            synchronized (this) {
                inFlight.remove(key);
            }
        }
    }

    private synchronized Stored acceptMeterEvent(Map<String, String> form) {
        Instant now = clock.instant();
        String identifier = form.get("identifier");
        String customer = form.get("payload[stripe_customer_id]");
        String value = form.get("payload[value]");
        String eventName = form.get("event_name");
        long timestamp = Long.parseLong(form.getOrDefault("timestamp", Long.toString(now.getEpochSecond())));
        Instant seen = identifiers.get(identifier);
        if (seen != null && seen.isAfter(now.minus(Duration.ofHours(24)))) {
            return new Stored(
                    400,
                    error(
                            "invalid_request_error",
                            null,
                            "An event already exists with identifier " + identifier + "."));
        }
        if (!meters.contains(eventName)) {
            return new Stored(
                    400,
                    error(
                            "invalid_request_error",
                            "resource_missing",
                            "No active meter was found for event name " + eventName));
        }
        if (value == null || !value.matches("-?\\d{1,15}")) {
            return new Stored(
                    400,
                    error(
                            "invalid_request_error",
                            "parameter_invalid_integer",
                            "payload[value] must be a whole number: " + value));
        }
        if (!knows(customer)) {
            return new Stored(
                    400, error("invalid_request_error", "resource_missing", "No such customer: '" + customer + "'"));
        }
        Instant at = Instant.ofEpochSecond(timestamp);
        if (at.isBefore(now.minus(Duration.ofDays(35))) || at.isAfter(now.plus(Duration.ofMinutes(5)))) {
            return new Stored(
                    400,
                    error(
                            "invalid_request_error",
                            "timestamp_outside_window",
                            "Timestamp " + timestamp
                                    + " must be within the past 35 days and at most 5 minutes in the future"));
        }
        identifiers.put(identifier, now);
        events.add(new Event(eventName, customer, Long.parseLong(value), identifier, timestamp));
        return new Stored(
                200,
                "{\"object\":\"billing.meter_event\",\"created\":" + now.getEpochSecond()
                        + ",\"event_name\":\"" + eventName + "\",\"identifier\":\"" + identifier
                        + "\",\"livemode\":false,"
                        + "\"payload\":{\"stripe_customer_id\":\"" + customer + "\",\"value\":\"" + value + "\"},"
                        + "\"timestamp\":" + timestamp + "}");
    }

    /** Drops a customer's invoice items, as if their calls had never arrived. */
    public synchronized void forgetInvoiceItemsOf(String customer) {
        invoiceItems.removeIf(stored -> stored.item().customer().equals(customer));
    }

    private static String itemJson(StoredItem stored) {
        InvoiceItem item = stored.item();
        return "{\"id\":\"" + stored.id() + "\",\"object\":\"invoiceitem\",\"customer\":\"" + item.customer()
                + "\",\"currency\":\"usd\",\"livemode\":false,\"metadata\":{"
                + (item.identifier() == null ? "" : "\"tokentally_identifier\":\"" + item.identifier() + "\"")
                + "},\"unit_amount_decimal\":\"" + item.unitAmountDecimal() + "\"}";
    }

    /** Creates an invoice item (POST /v1/invoiceitems) or lists a customer's (GET, as {@link #listed}). */
    private void invoiceItem(HttpExchange exchange) throws IOException {
        Map<String, String> form = form(exchange);
        Fault fault = admit(exchange);
        if (fault == Fault.DROP_CONNECTION) {
            exchange.close();
            return;
        }
        if (exchange.getResponseCode() > 0) {
            return;
        }
        if (exchange.getRequestMethod().equals("GET")) {
            Stored answer;
            synchronized (this) {
                answer = listed(
                        "/v1/invoiceitems",
                        invoiceItems,
                        stored -> stored.item().customer(),
                        StoredItem::id,
                        FakeStripe::itemJson,
                        query(exchange));
            }
            respond(exchange, answer.status(), answer.body(), null);
            return;
        }
        Stored answer = idempotent(exchange, form, () -> {
            if (fault == Fault.SERVER_ERROR_KEPT) {
                return keptServerError();
            }
            synchronized (this) {
                String customer = form.get("customer");
                if (!knows(customer)) {
                    return new Stored(
                            400,
                            error("invalid_request_error", "resource_missing", "No such customer: '" + customer + "'"));
                }
                String amount = form.getOrDefault("unit_amount_decimal", "");
                if (!amount.matches("-?[0-9]+(\\.[0-9]{1,12})?")) {
                    // a decimal string of cents with at most 12 decimals (stripe.md), not an exponent form
                    return new Stored(
                            400,
                            error("invalid_request_error", "parameter_invalid", "Invalid decimal: '" + amount + "'"));
                }
                StoredItem stored = new StoredItem(
                        "ii_" + itemCount.incrementAndGet(),
                        new InvoiceItem(customer, amount, form.get("metadata[tokentally_identifier]")));
                invoiceItems.add(stored);
                return new Stored(200, itemJson(stored));
            }
        });
        if (fault == Fault.LOSE_RESPONSE) {
            exchange.close();
            return;
        }
        respond(exchange, answer.status(), answer.body(), null);
    }

    public synchronized List<Grant> creditGrants() {
        return List.copyOf(grants);
    }

    /** Drops a customer's grants, as if their creates had never arrived. */
    public synchronized void forgetGrantsOf(String customer) {
        grants.removeIf(grant -> grant.customer().equals(customer));
    }

    /** Forgets every idempotency key, as Stripe does 24 hours after a key's first use. */
    public synchronized void forgetIdempotencyKeys() {
        idempotency.clear();
        idempotencyBodies.clear();
    }

    /**
     * Creates a credit grant (POST /v1/billing/credit_grants), or voids or expires one (POST .../{id}/void|expire);
     * lists a customer's grants (GET, newest first, by pages of {@code limit} after {@code starting_after}) or
     * retrieves one (GET .../{id}).
     */
    private void creditGrants(HttpExchange exchange) throws IOException {
        Map<String, String> form = form(exchange);
        Fault fault = admit(exchange);
        if (fault == Fault.DROP_CONNECTION) {
            exchange.close();
            return;
        }
        if (exchange.getResponseCode() > 0) {
            return;
        }
        String[] path = exchange.getRequestURI().getPath().split("/");
        if (exchange.getRequestMethod().equals("GET")) {
            Stored answer = path.length == 5 ? retrievedGrant(path[4]) : listedGrants(query(exchange));
            respond(exchange, answer.status(), answer.body(), null);
            return;
        }
        Stored answer = idempotent(
                exchange,
                form,
                () -> fault == Fault.SERVER_ERROR_KEPT
                        ? keptServerError()
                        : path.length == 6 ? endGrant(path[4], path[5]) : createGrant(form));
        if (fault == Fault.LOSE_RESPONSE) {
            exchange.close();
            return;
        }
        respond(exchange, answer.status(), answer.body(), null);
    }

    private synchronized Stored createGrant(Map<String, String> form) {
        String customer = form.get("customer");
        if (!knows(customer)) {
            return new Stored(
                    400, error("invalid_request_error", "resource_missing", "No such customer: '" + customer + "'"));
        }
        long value = Long.parseLong(form.getOrDefault("amount[monetary][value]", "0"));
        long now = clock.instant().getEpochSecond();
        Long expiresAt = form.containsKey("expires_at") ? Long.valueOf(form.get("expires_at")) : null;
        long priority = Long.parseLong(form.getOrDefault("priority", "50"));
        if (!"monetary".equals(form.get("amount[type]"))
                || value <= 0
                || !"metered".equals(form.get("applicability_config[scope][price_type]"))
                || !Set.of("paid", "promotional").contains(form.get("category"))
                || priority < 0
                || priority > 100
                || (expiresAt != null && expiresAt <= now)) {
            return new Stored(
                    400, error("invalid_request_error", "parameter_invalid", "Invalid credit grant: " + form));
        }
        Grant grant = new Grant(
                "credgr_" + grantCount.incrementAndGet(),
                customer,
                form.get("category"),
                value,
                form.containsKey("effective_at") ? Long.valueOf(form.get("effective_at")) : null,
                expiresAt,
                priority,
                form.get("name"),
                form.get("metadata[tokentally_identifier]"),
                null);
        grants.add(grant);
        return new Stored(200, grantJson(grant));
    }

    private synchronized Stored retrievedGrant(String id) {
        return grants.stream()
                .filter(grant -> grant.id().equals(id))
                .findFirst()
                .map(grant -> new Stored(200, grantJson(grant)))
                .orElseGet(() -> new Stored(
                        404, error("invalid_request_error", "resource_missing", "No such credit grant: '" + id + "'")));
    }

    private synchronized Stored listedGrants(Map<String, String> query) {
        return listed("/v1/billing/credit_grants", grants, Grant::customer, Grant::id, FakeStripe::grantJson, query);
    }

    /**
     * A page of objects as Stripe lists them (a customer's, when the query names one): newest first, {@code limit} (1
     * to 100, default 10) after {@code starting_after}, {@code has_more}; a customer or a {@code starting_after} it
     * does not know is a 400.
     *
     * @param oldestFirst the objects in the order they were made
     */
    private <T> Stored listed(
            String url,
            List<T> oldestFirst,
            Function<T, String> customerOf,
            Function<T, String> idOf,
            Function<T, String> json,
            Map<String, String> query) {
        String customer = query.get("customer");
        if (customer != null && !knows(customer)) {
            return new Stored(
                    400, error("invalid_request_error", "resource_missing", "No such customer: '" + customer + "'"));
        }
        List<T> newestFirst = new ArrayList<>(oldestFirst);
        Collections.reverse(newestFirst);
        newestFirst.removeIf(
                object -> customer != null && !customerOf.apply(object).equals(customer));
        int from = 0;
        String after = query.get("starting_after");
        if (after != null) {
            while (from < newestFirst.size()
                    && !idOf.apply(newestFirst.get(from)).equals(after)) {
                from++;
            }
            if (from == newestFirst.size()) {
                return new Stored(
                        400, error("invalid_request_error", "resource_missing", "No such object: '" + after + "'"));
            }
            from++;
        }
        int limit = Math.max(1, Math.min(100, Integer.parseInt(query.getOrDefault("limit", "10"))));
        StringBuilder data = new StringBuilder();
        newestFirst
                .subList(Math.min(from, newestFirst.size()), Math.min(from + limit, newestFirst.size()))
                .forEach(object -> data.append(data.isEmpty() ? "" : ",").append(json.apply(object)));
        return new Stored(
                200,
                "{\"object\":\"list\",\"url\":\"" + url + "\",\"has_more\":" + (from + limit < newestFirst.size())
                        + ",\"data\":[" + data + "]}");
    }

    private synchronized Stored endGrant(String id, String action) {
        for (int i = 0; i < grants.size(); i++) {
            Grant grant = grants.get(i);
            if (!grant.id().equals(id)) {
                continue;
            }
            if (grant.voidedAt() != null) {
                return new Stored(400, error("invalid_request_error", null, "Credit grant " + id + " is voided"));
            }
            long now = clock.instant().getEpochSecond();
            Grant ended = new Grant(
                    grant.id(),
                    grant.customer(),
                    grant.category(),
                    grant.valueCents(),
                    grant.effectiveAt(),
                    "expire".equals(action) ? Long.valueOf(now) : grant.expiresAt(),
                    grant.priority(),
                    grant.name(),
                    grant.identifier(),
                    "void".equals(action) ? Long.valueOf(now) : null);
            grants.set(i, ended);
            return new Stored(200, grantJson(ended));
        }
        return new Stored(
                404, error("invalid_request_error", "resource_missing", "No such credit grant: '" + id + "'"));
    }

    private static String grantJson(Grant grant) {
        return "{\"id\":\"" + grant.id() + "\",\"object\":\"billing.credit_grant\",\"amount\":{\"type\":\"monetary\","
                + "\"monetary\":{\"currency\":\"usd\",\"value\":" + grant.valueCents() + "}},"
                + "\"applicability_config\":{\"scope\":{\"price_type\":\"metered\"}},\"category\":\""
                + grant.category() + "\",\"customer\":\"" + grant.customer() + "\",\"expires_at\":"
                + grant.expiresAt() + ",\"livemode\":false,\"metadata\":{"
                + (grant.identifier() == null ? "" : "\"tokentally_identifier\":\"" + grant.identifier() + "\"")
                + "},\"priority\":" + grant.priority() + ",\"voided_at\":" + grant.voidedAt()
                + "}";
    }

    /** Lists (GET) and creates (POST) meters; created meters accept events. */
    private void meters(HttpExchange exchange) throws IOException {
        Map<String, String> form = form(exchange);
        if (admit(exchange) == null && exchange.getResponseCode() > 0) {
            return;
        }
        synchronized (this) {
            if (exchange.getRequestURI().getPath().endsWith("/event_summaries")) {
                respond(exchange, 200, eventSummaries(exchange), null);
                return;
            }
            if (exchange.getRequestMethod().equals("GET")) {
                Stored page = listed(
                        "/v1/billing/meters",
                        new ArrayList<>(meterIds.entrySet()),
                        meter -> null,
                        Map.Entry::getValue,
                        meter -> meterJson(meter.getValue(), meter.getKey()),
                        query(exchange));
                respond(exchange, page.status(), page.body(), null);
                return;
            }
            String eventName = form.get("event_name");
            if (meterIds.containsKey(eventName)) {
                respond(
                        exchange,
                        400,
                        error(
                                "invalid_request_error",
                                null,
                                "A meter with event_name " + eventName + " already exists"),
                        null);
                return;
            }
            creates.incrementAndGet();
            String id = "mtr_" + (meterIds.size() + 1);
            meterIds.put(eventName, id);
            meters.add(eventName);
            respond(exchange, 200, meterJson(id, eventName), null);
        }
    }

    /** One summary for the customer over [start_time, end_time) of the meter in the path, as Stripe groups a day. */
    private String eventSummaries(HttpExchange exchange) {
        String path = exchange.getRequestURI().getPath();
        String meterId = path.substring("/v1/billing/meters/".length(), path.indexOf("/event_summaries"));
        Map<String, String> query = query(exchange);
        String eventName = meterIds.entrySet().stream()
                .filter(entry -> entry.getValue().equals(meterId))
                .map(Map.Entry::getKey)
                .findFirst()
                .orElse("");
        long start = Long.parseLong(query.get("start_time"));
        long end = Long.parseLong(query.get("end_time"));
        Instant visible = clock.instant().minus(summaryLag);
        long total = events.stream()
                .filter(event -> event.eventName().equals(eventName)
                        && event.customer().equals(query.get("customer"))
                        && !lostFromSummaries.contains(event.customer())
                        && event.timestamp() >= start
                        && event.timestamp() < end
                        && !identifiers.get(event.identifier()).isAfter(visible))
                .mapToLong(Event::value)
                .sum();
        return "{\"object\":\"list\",\"url\":\"" + path + "\",\"has_more\":false,\"data\":[{\"id\":\"mtrusg_"
                + start + "\",\"object\":\"billing.meter_event_summary\",\"aggregated_value\":" + total
                + ",\"start_time\":" + start + ",\"end_time\":" + end + ",\"livemode\":false,\"meter\":\""
                + meterId + "\"}]}";
    }

    /** The request's query parameters, decoded. */
    private static Map<String, String> query(HttpExchange exchange) {
        Map<String, String> query = new HashMap<>();
        String raw = exchange.getRequestURI().getRawQuery();
        for (String pair : raw == null ? new String[0] : raw.split("&")) {
            int equals = pair.indexOf('=');
            query.put(
                    URLDecoder.decode(pair.substring(0, equals), StandardCharsets.UTF_8),
                    URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8));
        }
        return query;
    }

    /** Lists prices by lookup key (GET) and creates prices (POST). */
    private void prices(HttpExchange exchange) throws IOException {
        Map<String, String> form = form(exchange);
        String query = exchange.getRequestURI().getRawQuery();
        if (admit(exchange) == null && exchange.getResponseCode() > 0) {
            return;
        }
        synchronized (this) {
            if (exchange.getRequestMethod().equals("GET")) {
                String decoded = query == null ? "" : URLDecoder.decode(query, StandardCharsets.UTF_8);
                String lookupKey = decoded.replaceAll(".*lookup_keys\\[0\\]=([^&]*).*", "$1");
                String price = pricesByLookupKey.get(lookupKey);
                if (price != null && price.contains(ARCHIVED) && decoded.matches("(.*&)?active=true(&.*)?")) {
                    price = null;
                }
                respond(
                        exchange,
                        200,
                        "{\"object\":\"list\",\"url\":\"/v1/prices\",\"has_more\":false,\"data\":["
                                + (price == null ? "" : price) + "]}",
                        null);
                return;
            }
            creates.incrementAndGet();
            String lookupKey = form.get("lookup_key");
            if (pricesByLookupKey.containsKey(lookupKey)) {
                respond(
                        exchange,
                        400,
                        error(
                                "invalid_request_error",
                                null,
                                "A price (" + lookupKey + ") already uses that lookup key."),
                        null);
                return;
            }
            String price = "{\"id\":\"price_" + (pricesByLookupKey.size() + 1)
                    + "\",\"object\":\"price\",\"active\":true,\"lookup_key\":\"" + lookupKey
                    + "\",\"currency\":\"usd\",\"unit_amount_decimal\":\"" + form.get("unit_amount_decimal")
                    + "\",\"recurring\":{\"meter\":\""
                    + form.get("recurring[meter]") + "\",\"usage_type\":\"" + form.get("recurring[usage_type]")
                    + "\",\"interval\":\"month\"}}";
            pricesByLookupKey.put(lookupKey, price);
            respond(exchange, 200, price, null);
        }
    }

    public synchronized Map<String, String> createdMeters() {
        return Map.copyOf(meterIds);
    }

    /** A subscription of {@code customer} with one item per price; returns the subscription id. */
    public synchronized String subscription(String customer, String... priceIds) {
        String id = "sub_" + subscriptionCount.incrementAndGet();
        java.time.ZonedDateTime month = clock.instant()
                .atZone(java.time.ZoneOffset.UTC)
                .withDayOfMonth(1)
                .truncatedTo(java.time.temporal.ChronoUnit.DAYS);
        subscriptionPeriods.put(
                id, new long[] {month.toEpochSecond(), month.plusMonths(1).toEpochSecond()});
        for (String priceId : priceIds) {
            subscriptionItems.put("si_" + (subscriptionItems.size() + 1), new String[] {id, customer, priceId});
        }
        return id;
    }

    /** Sets a subscription's current billing period (a new subscription's is the current UTC month). */
    public synchronized void subscriptionPeriod(String subscriptionId, Instant start, Instant end) {
        subscriptionPeriods.put(subscriptionId, new long[] {start.getEpochSecond(), end.getEpochSecond()});
    }

    /** subscription item id → the price it bills now. */
    public synchronized Map<String, String> subscriptionItemPrices() {
        Map<String, String> prices = new TreeMap<>();
        subscriptionItems.forEach((item, row) -> prices.put(item, row[2]));
        return prices;
    }

    /**
     * Lists subscriptions (GET, optionally those with an item on {@code price}), with their items, by pages as
     * Stripe lists them ({@link #listed}).
     */
    private void subscriptions(HttpExchange exchange) throws IOException {
        String query = exchange.getRequestURI().getRawQuery();
        if (admit(exchange) == null && exchange.getResponseCode() > 0) {
            return;
        }
        String price = null;
        for (String pair : query == null ? new String[0] : query.split("&")) {
            if (pair.startsWith("price=")) {
                price = URLDecoder.decode(pair.substring("price=".length()), StandardCharsets.UTF_8);
            }
        }
        synchronized (this) {
            Map<String, List<String>> items = new LinkedHashMap<>();
            Set<String> matching = new HashSet<>();
            subscriptionItems.forEach((item, row) ->
                    items.computeIfAbsent(row[0], sub -> new ArrayList<>()).add(item));
            for (String[] row : subscriptionItems.values()) {
                if (price == null || price.equals(row[2])) {
                    matching.add(row[0]);
                }
            }
            // {id, customer, json} of each subscription listed, oldest first
            List<String[]> listed = new ArrayList<>();
            items.forEach((sub, list) -> {
                if (!matching.contains(sub)) {
                    return;
                }
                StringBuilder itemJson = new StringBuilder();
                for (String item : list) {
                    itemJson.append(itemJson.isEmpty() ? "" : ",").append(subscriptionItemJson(item));
                }
                String customer = subscriptionItems.get(list.get(0))[1];
                listed.add(new String[] {
                    sub,
                    customer,
                    "{\"id\":\"" + sub + "\",\"object\":\"subscription\",\"status\":\"active\",\"customer\":\""
                            + customer + "\",\"items\":{\"object\":\"list\",\"has_more\":false,\"data\":["
                            + itemJson + "]}}"
                });
            });
            Stored page =
                    listed("/v1/subscriptions", listed, row -> row[1], row -> row[0], row -> row[2], query(exchange));
            respond(exchange, page.status(), page.body(), null);
        }
    }

    /** Updates a subscription item's price (POST /v1/subscription_items/{id}). */
    private void subscriptionItems(HttpExchange exchange) throws IOException {
        Map<String, String> form = form(exchange);
        if (admit(exchange) == null && exchange.getResponseCode() > 0) {
            return;
        }
        String id = exchange.getRequestURI().getPath().substring("/v1/subscription_items/".length());
        Stored answer = idempotent(exchange, form, () -> {
            synchronized (this) {
                String[] row = subscriptionItems.get(id);
                if (row == null || !exchange.getRequestMethod().equals("POST")) {
                    return new Stored(
                            404,
                            error("invalid_request_error", "resource_missing", "No such subscription item: " + id));
                }
                String price = form.get("price");
                if (price == null
                        || !pricesByLookupKey.values().stream()
                                .anyMatch(json -> json.contains("\"id\":\"" + price + "\""))) {
                    return new Stored(
                            400, error("invalid_request_error", "resource_missing", "No such price: " + price));
                }
                row[2] = price;
                return new Stored(200, subscriptionItemJson(id));
            }
        });
        respond(exchange, answer.status(), answer.body(), null);
    }

    private String subscriptionItemJson(String item) {
        String[] row = subscriptionItems.get(item);
        long[] period = subscriptionPeriods.get(row[0]);
        return "{\"id\":\"" + item + "\",\"object\":\"subscription_item\",\"subscription\":\"" + row[0]
                + "\",\"current_period_start\":" + period[0] + ",\"current_period_end\":" + period[1]
                + ",\"price\":{\"id\":\"" + row[2] + "\",\"object\":\"price\"}}";
    }

    /** The id of the price with this lookup key, or null. */
    public synchronized String priceId(String lookupKey) {
        String price = pricesByLookupKey.get(lookupKey);
        return price == null ? null : price.replaceAll("^\\{\"id\":\"([^\"]*)\".*", "$1");
    }

    /**
     * Archives the price with this lookup key, as the Dashboard does: it keeps its lookup key, and a list by lookup
     * key returns it unless the list asks for active prices only.
     */
    public synchronized void archivePrice(String lookupKey) {
        pricesByLookupKey.computeIfPresent(lookupKey, (key, price) -> price.replace("\"active\":true", ARCHIVED));
    }

    public synchronized Map<String, String> createdPrices() {
        return Map.copyOf(pricesByLookupKey);
    }

    private void v2Event(HttpExchange exchange) throws IOException {
        if (admit(exchange) == null && exchange.getResponseCode() > 0) {
            return;
        }
        v2EventFetches.incrementAndGet();
        String id = exchange.getRequestURI().getPath().substring("/v2/core/events/".length());
        String event;
        synchronized (this) {
            event = v2Events.get(id);
        }
        if (event == null) {
            respond(exchange, 404, error("invalid_request_error", "resource_missing", "No such event: " + id), null);
        } else {
            respond(exchange, 200, event, null);
        }
    }

    private static String meterJson(String id, String eventName) {
        return "{\"id\":\"" + id + "\",\"object\":\"billing.meter\",\"event_name\":\"" + eventName
                + "\",\"status\":\"active\"}";
    }

    private boolean knows(String customer) {
        return customers.contains(customer) || (customerPrefix != null && customer.startsWith(customerPrefix));
    }

    /** Authentication, rate limit, and the next injected fault; answers the exchange itself when it must. */
    private Fault admit(HttpExchange exchange) throws IOException {
        calls.incrementAndGet();
        String authorization = exchange.getRequestHeaders().getFirst("Authorization");
        if (authorization == null || !authorization.startsWith("Bearer sk_test_")) {
            respond(exchange, 401, error("invalid_request_error", null, "Invalid API Key provided"), null);
            return null;
        }
        Fault fault;
        synchronized (this) {
            long now = System.nanoTime();
            while (!recentCalls.isEmpty() && now - recentCalls.peekFirst() > 1_000_000_000L) {
                recentCalls.pollFirst();
            }
            if (recentCalls.size() >= ratePerSecond) {
                rateLimited.incrementAndGet();
                respond(exchange, 429, error("rate_limit_error", "rate_limit", "Too many requests"), null);
                return null;
            }
            recentCalls.addLast(now);
            fault = faults.pollFirst();
        }
        if (fault == Fault.RATE_LIMITED) {
            rateLimited.incrementAndGet();
            respond(exchange, 429, error("rate_limit_error", "rate_limit", "Too many requests"), null);
            return null;
        }
        if (fault == Fault.SERVER_ERROR) {
            respond(exchange, 500, error("api_error", null, "Injected server error"), null);
        }
        return fault;
    }

    private static Stored keptServerError() {
        return new Stored(500, error("api_error", null, "Injected server error, kept under its key"));
    }

    private Stored idempotent(
            HttpExchange exchange, Map<String, String> form, java.util.function.Supplier<Stored> action) {
        String key = exchange.getRequestHeaders().getFirst("Idempotency-Key");
        String body = new TreeMap<>(form).toString();
        synchronized (this) {
            if (key != null && idempotency.containsKey(key)) {
                if (!idempotencyBodies.get(key).equals(body)) {
                    return new Stored(
                            400,
                            error(
                                    "idempotency_error",
                                    null,
                                    "Keys for idempotent requests can only be used with the same parameters they were first used with."));
                }
                return idempotency.get(key);
            }
        }
        Stored answer = action.get();
        synchronized (this) {
            // every answer of the endpoint is kept, a 500 too, as Stripe keeps a request's first result
            if (key != null) {
                idempotency.put(key, answer);
                idempotencyBodies.put(key, body);
            }
        }
        return answer;
    }

    private static Map<String, String> form(HttpExchange exchange) throws IOException {
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        Map<String, String> form = new LinkedHashMap<>();
        for (String pair : body.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int equals = pair.indexOf('=');
            form.put(
                    URLDecoder.decode(pair.substring(0, equals), StandardCharsets.UTF_8),
                    URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8));
        }
        return form;
    }

    private static String error(String type, String code, String message) {
        return "{\"error\":{\"type\":\"" + type + "\"" + (code == null ? "" : ",\"code\":\"" + code + "\"")
                + ",\"message\":\"" + message.replace("\"", "'") + "\"}}";
    }

    private static void respond(HttpExchange exchange, int status, String body, String shouldRetry) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.getResponseHeaders().add("Request-Id", "req_fake");
        if (shouldRetry != null) {
            exchange.getResponseHeaders().add("Stripe-Should-Retry", shouldRetry);
        }
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
