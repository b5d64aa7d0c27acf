package io.tokentally.ingest.provider;

import io.tokentally.shared.FileNamePart;
import io.tokentally.shared.StorableText;
import io.tokentally.shared.UsageWindow;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.stereotype.Component;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Pulls a window of hourly usage buckets from a provider's Admin API, page by page ({@code page} set to
 * the previous page's {@code next_page} while {@code has_more}), and saves the raw pages, one after the
 * other, into one file that the usage readers read like an export. 429, 5xx and connection failures are
 * retried with backoff (a Retry-After is honoured), up to {@code max-attempts} per page; any other answer
 * fails the pull. The file appears only when every page has arrived. The admin key is sent in a header
 * only: it is never logged, written or put in a message.
 */
@Component
@EnableConfigurationProperties(ProviderApiProperties.class)
public class ProviderApiPuller {

    private static final Logger log = LoggerFactory.getLogger(ProviderApiPuller.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();
    static final String OPENAI_PATH = "/v1/organization/usage/completions";
    static final String OPENAI_EMBEDDINGS_PATH = "/v1/organization/usage/embeddings";
    static final String ANTHROPIC_PATH = "/v1/organizations/usage_report/messages";
    static final String OPENAI_COSTS_PATH = "/v1/organization/costs";
    static final String ANTHROPIC_COSTS_PATH = "/v1/organizations/cost_report";
    private static final List<String> OPENAI_GROUPS =
            List.of("project_id", "api_key_id", "user_id", "model", "batch", "service_tier");
    /** The embeddings report groups by neither batch nor service tier. */
    private static final List<String> OPENAI_EMBEDDINGS_GROUPS =
            List.of("project_id", "api_key_id", "user_id", "model");

    private static final List<String> ANTHROPIC_GROUPS =
            List.of("api_key_id", "workspace_id", "model", "service_tier", "context_window");
    private static final DateTimeFormatter DAY =
            DateTimeFormatter.ofPattern("uuuuMMdd'T'HHmm'Z'").withZone(ZoneOffset.UTC);

    private final ProviderApiProperties properties;
    private final HttpClient http;

    public ProviderApiPuller(ProviderApiProperties properties) {
        this.properties = properties;
        this.http = HttpClient.newBuilder().connectTimeout(properties.timeout()).build();
    }

    /** Fails, naming the property to set, when a source's admin key is missing. */
    public void check(ProviderApiSource source) {
        properties.keyOf(source.provider());
    }

    /**
     * Pulls the window's buckets into {@code folder} and returns the file of pages, named after the
     * source and the window ({@code <source>-<from>.json}), written only once every page has arrived: a pull that
     * fails leaves no file, not even its partial one.
     */
    public Path pull(ProviderApiSource source, UsageWindow window, Path folder) throws IOException {
        String key = properties.keyOf(source.provider());
        Files.createDirectories(folder);
        Path file = folder.resolve(FileNamePart.of(source.name()) + "-" + DAY.format(window.from()) + ".json");
        Path partial = file.resolveSibling(file.getFileName() + ".part");
        try {
            pages(source, window, key, partial);
        } catch (IOException | RuntimeException e) {
            try {
                Files.deleteIfExists(partial);
            } catch (IOException notDeleted) {
                e.addSuppressed(notDeleted);
            }
            throw e;
        }
        Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return file;
    }

    /** Writes the window's pages to {@code partial}, one per line. */
    private void pages(ProviderApiSource source, UsageWindow window, String key, Path partial) throws IOException {
        String page = null;
        int pages = 0;
        try (OutputStream out = Files.newOutputStream(partial)) {
            do {
                URI uri = uri(source, window, page);
                String request =
                        "input " + source.name() + ": " + source.provider().code() + " Admin API GET " + uri.getPath();
                if (pages == properties.maxPages()) {
                    throw new ProviderApiException(request + " still had more pages after page " + pages
                            + " (tokentally.provider-api.max-pages)");
                }
                pages++;
                String what = request + " (page " + pages + ")";
                byte[] body = get(source.provider(), uri, key, what);
                out.write(body);
                out.write('\n');
                page = nextPage(what, body);
                log.info("Pulled page {} of {} for {} to {}", pages, source.name(), window.from(), window.to());
            } while (page != null);
        }
    }

    URI uri(ProviderApiSource source, UsageWindow window, String page) {
        boolean openai = source.provider() == ProviderApiSource.Provider.OPENAI;
        boolean costs = source.report() == ProviderApiSource.Report.COSTS;
        List<String> query = new ArrayList<>();
        if (openai) {
            query.add("start_time=" + window.from().getEpochSecond());
            query.add("end_time=" + window.to().getEpochSecond());
        } else {
            query.add("starting_at=" + encode(window.from().toString()));
            query.add("ending_at=" + encode(window.to().toString()));
        }
        // the cost reports have daily buckets only; a day's window is one bucket
        query.add(costs ? "bucket_width=1d" : "bucket_width=1h");
        query.add(costs ? "limit=7" : "limit=24");
        boolean embeddings = source.report() == ProviderApiSource.Report.EMBEDDINGS;
        List<String> groups = costs
                ? (openai ? List.of("project_id", "line_item") : List.of("workspace_id", "description"))
                : embeddings ? OPENAI_EMBEDDINGS_GROUPS : (openai ? OPENAI_GROUPS : ANTHROPIC_GROUPS);
        String groupBy = openai ? "group_by" : encode("group_by[]");
        groups.forEach(group -> query.add(groupBy + "=" + group));
        if (page != null) {
            query.add("page=" + encode(page));
        }
        String base = properties.baseOf(source.provider()).toString().replaceAll("/+$", "");
        String path = embeddings
                ? OPENAI_EMBEDDINGS_PATH
                : openai ? (costs ? OPENAI_COSTS_PATH : OPENAI_PATH) : (costs ? ANTHROPIC_COSTS_PATH : ANTHROPIC_PATH);
        return URI.create(base + path + "?" + String.join("&", query));
    }

    /** The page at {@code uri}; {@code what} names the source, the request and the page in every message. */
    private byte[] get(ProviderApiSource.Provider provider, URI uri, String key, String what) throws IOException {
        HttpRequest.Builder request = request(provider, uri, key);
        for (int attempt = 1; ; attempt++) {
            String failure;
            Duration wait;
            try {
                HttpResponse<byte[]> response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
                if (response.statusCode() / 100 == 2) {
                    return response.body();
                }
                failure = retryableFailure(what, response, key);
                wait = retryAfter(response).orElse(backoff(attempt));
            } catch (IOException e) {
                failure = e.getClass().getSimpleName();
                wait = backoff(attempt);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(what + " was interrupted", e);
            }
            awaitRetry(what, attempt, failure, wait);
        }
    }

    /** A GET of the uri with the provider's authentication headers. */
    private HttpRequest.Builder request(ProviderApiSource.Provider provider, URI uri, String key) {
        HttpRequest.Builder request =
                HttpRequest.newBuilder(uri).timeout(properties.timeout()).header("Accept", "application/json");
        if (provider == ProviderApiSource.Provider.OPENAI) {
            request.header("Authorization", "Bearer " + key);
        } else {
            request.header("x-api-key", key).header("anthropic-version", "2023-06-01");
        }
        return request;
    }

    /** Names a 429 or 5xx answer; fails the pull, with the answer's scrubbed excerpt, on any other status. */
    private static String retryableFailure(String what, HttpResponse<byte[]> response, String key) {
        int status = response.statusCode();
        String excerpt = scrub(new String(response.body(), StandardCharsets.UTF_8), key);
        if (status != 429 && status / 100 != 5) {
            throw new ProviderApiException(what + " answered HTTP " + status + ": " + excerpt);
        }
        return "HTTP " + status;
    }

    /** Gives up once {@code max-attempts} are used; otherwise logs the failure and waits before the next try. */
    private void awaitRetry(String what, int attempt, String failure, Duration wait) throws IOException {
        if (attempt >= properties.maxAttempts()) {
            throw new ProviderApiException(what + " failed " + attempt + " times (last: " + failure
                    + "); giving up (tokentally.provider-api.max-attempts)");
        }
        log.warn(
                "{} answered {}; trying again in {} ms (attempt {} of {})",
                what,
                failure,
                wait.toMillis(),
                attempt + 1,
                properties.maxAttempts());
        sleep(wait);
    }

    private Duration backoff(int attempt) {
        Duration wait = properties.backoff().multipliedBy(1L << Math.min(attempt - 1, 20));
        return wait.compareTo(properties.maxBackoff()) > 0 ? properties.maxBackoff() : wait;
    }

    private java.util.Optional<Duration> retryAfter(HttpResponse<?> response) {
        OptionalLong seconds = response.headers()
                .firstValue("Retry-After")
                .filter(value -> value.strip().matches("\\d{1,6}"))
                .map(value -> OptionalLong.of(Long.parseLong(value.strip())))
                .orElse(OptionalLong.empty());
        if (seconds.isEmpty()) {
            return java.util.Optional.empty();
        }
        Duration wait = Duration.ofSeconds(seconds.getAsLong());
        return java.util.Optional.of(wait.compareTo(properties.maxBackoff()) > 0 ? properties.maxBackoff() : wait);
    }

    private static String nextPage(String what, byte[] body) {
        JsonNode page;
        try {
            page = JSON.readTree(body);
        } catch (JacksonException e) {
            throw new ProviderApiException(what + " is not valid JSON: " + e.getOriginalMessage());
        }
        if (page == null
                || !page.isObject()
                || page.get("data") == null
                || !page.get("data").isArray()) {
            throw new ProviderApiException(what + " has no 'data' array");
        }
        JsonNode hasMore = page.get("has_more");
        JsonNode next = page.get("next_page");
        if (hasMore == null || !hasMore.asBoolean(false)) {
            return null;
        }
        if (next == null || next.isNull() || next.asString().isBlank()) {
            throw new ProviderApiException(what + " says has_more but gives no next_page");
        }
        return next.asString();
    }

    private static void sleep(Duration wait) throws IOException {
        try {
            Thread.sleep(wait.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting to retry", e);
        }
    }

    private static String scrub(String text, String key) {
        // the key out first: a cut could leave part of it
        String scrubbed = text.replace(key, "(admin key)").replaceAll("\\s+", " ");
        return scrubbed.length() <= 300 ? scrubbed : StorableText.cut(scrubbed, 300) + "...";
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    /** A pull that cannot go on: a refused request, retries used up, or a page that is not a usage page. */
    public static final class ProviderApiException extends RuntimeException {
        ProviderApiException(String message) {
            super(message);
        }
    }
}
