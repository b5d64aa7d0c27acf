package io.tokentally.api;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.function.Predicate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** A small HTTP client for the API tests: real requests to the server on its random port. */
final class ApiClient {

    static final JsonMapper JSON = JsonMapper.builder().build();

    private final HttpClient http = HttpClient.newHttpClient();
    private final String base;
    private final String token;

    ApiClient(int port, String token) {
        this.base = "http://127.0.0.1:" + port;
        this.token = token;
    }

    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return send(request(path).GET());
    }

    HttpResponse<String> get(String path, String header, String value) throws IOException, InterruptedException {
        return send(request(path).header(header, value).GET());
    }

    HttpResponse<String> post(String path, String json) throws IOException, InterruptedException {
        return post(path, json, "application/json");
    }

    HttpResponse<String> post(String path, String body, String contentType) throws IOException, InterruptedException {
        return send(request(path)
                .header("Content-Type", contentType)
                .POST(body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body)));
    }

    ApiClient withToken(String other) {
        return new ApiClient(Integer.parseInt(base.substring(base.lastIndexOf(':') + 1)), other);
    }

    /** Polls an execution until it satisfies the condition, for at most a minute. */
    JsonNode awaitExecution(long id, Predicate<JsonNode> condition) throws Exception {
        JsonNode execution = null;
        for (int attempt = 0; attempt < 600; attempt++) {
            execution = json(get("/api/executions/" + id));
            if (condition.test(execution)) {
                return execution;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("execution " + id + " never got there; last seen: " + execution);
    }

    static JsonNode json(HttpResponse<String> response) {
        return JSON.readTree(response.body());
    }

    /**
     * The execution has one of these statuses and has finished: its report is written (its listeners are
     * done) and every step's end time is set (a partition still reading its file has not stopped yet).
     */
    static Predicate<JsonNode> status(String... statuses) {
        return execution -> java.util.Arrays.asList(statuses)
                        .contains(execution.get("status").asString())
                && execution.hasNonNull("endTime")
                && execution.get("reportReady").asBoolean()
                && execution.get("steps").valueStream().allMatch(step -> step.hasNonNull("endTime"));
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder builder =
                HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30));
        return token == null ? builder : builder.header("Authorization", "Bearer " + token);
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
