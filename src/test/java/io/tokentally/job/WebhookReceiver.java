package io.tokentally.job;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A webhook endpoint for the tests on the JDK's HTTP server: keeps every POST it took (body and
 * idempotency key) and answers 503 to bodies that mention a customer it was told to refuse.
 */
final class WebhookReceiver implements AutoCloseable {

    /** One call: what was posted and whether it was taken. */
    record Call(String body, String idempotencyKey, boolean taken) {}

    private final HttpServer server;
    private final List<Call> calls = new CopyOnWriteArrayList<>();
    private final Set<String> refused = ConcurrentHashMap.newKeySet();

    WebhookReceiver() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/hooks/thresholds", this::handle);
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/hooks/thresholds";
    }

    void refuse(String customerId) {
        refused.add(customerId);
    }

    void accept(String customerId) {
        refused.remove(customerId);
    }

    /** The calls whose body names the customer, in arrival order. */
    List<Call> callsFor(String customerId) {
        return calls.stream()
                .filter(call -> call.body().contains("\"customer_id\":\"" + customerId + "\""))
                .toList();
    }

    private void handle(HttpExchange exchange) throws IOException {
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        boolean take = exchange.getRequestMethod().equals("POST")
                && refused.stream().noneMatch(customer -> body.contains("\"customer_id\":\"" + customer + "\""));
        calls.add(new Call(body, exchange.getRequestHeaders().getFirst("Idempotency-Key"), take));
        exchange.sendResponseHeaders(take ? 204 : 503, -1);
        exchange.close();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
