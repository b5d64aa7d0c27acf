package io.tokentally.job;

import io.tokentally.ingest.S3Objects;
import io.tokentally.shared.RequiredFile;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/** Opens a price feed where it lives: a file, an HTTP(S) URL or an S3 object ({@code s3://bucket/key}). */
@Component
class PriceFeedSource {

    /** How long a feed may take to answer (its status and headers). */
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

    /** How long a feed may take, from the request to the last byte of its body. */
    static final Duration WHOLE_ANSWER_TIMEOUT = Duration.ofSeconds(300);

    /** The most bytes a feed's answer may have: LiteLLM's whole catalog is a few megabytes. */
    static final long MAX_ANSWER_BYTES = 64L * 1024 * 1024;

    /** How often a feed still answering looks whether its sync was asked to stop. */
    private static final Duration STOP_CHECK_EVERY = Duration.ofMillis(500);

    /** The failure of a read given up because its sync was asked to stop. */
    static final class Stopped extends IOException {
        Stopped(String location) {
            super("the price sync was asked to stop while it read its feed " + location);
        }
    }

    private final S3Objects s3;
    private final Duration wholeAnswerTimeout;
    private final long maxAnswerBytes;
    private final HttpClient http = HttpClient.newBuilder()
            .connectTimeout(CONNECT_TIMEOUT)
            .followRedirects(HttpClient.Redirect.NORMAL)
            .build();

    @Autowired
    PriceFeedSource(S3Objects s3) {
        this(s3, WHOLE_ANSWER_TIMEOUT, MAX_ANSWER_BYTES);
    }

    PriceFeedSource(S3Objects s3, Duration wholeAnswerTimeout, long maxAnswerBytes) {
        this.s3 = s3;
        this.wholeAnswerTimeout = wholeAnswerTimeout;
        this.maxAnswerBytes = maxAnswerBytes;
    }

    /**
     * Opens the feed; an HTTP(S) feed is read whole first, giving up with {@link Stopped} once {@code stopping} says
     * so (a file is read at once; an S3 object streams as it is parsed).
     */
    InputStream open(String location, BooleanSupplier stopping) throws IOException {
        Optional<Path> file = PriceSyncParameters.localFile(location);
        if (file.isPresent()) {
            RequiredFile.require("price feed", file.get());
            return Files.newInputStream(file.get());
        }
        return location.startsWith("s3://") ? s3.open(location) : fromHttp(location, stopping);
    }

    /**
     * Reads the whole answer before it is parsed, so that a feed stalling in its body fails at the time limit, and one
     * that does not end fails at the size limit instead of filling the heap.
     */
    private InputStream fromHttp(String location, BooleanSupplier stopping) throws IOException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(location))
                .timeout(TIMEOUT)
                .GET()
                .build();
        CompletableFuture<HttpResponse<byte[]>> answer = http.sendAsync(
                request,
                responseInfo ->
                        responseInfo.statusCode() == 200 ? new BoundedBody(maxAnswerBytes) : BoundedBody.unread());
        try {
            HttpResponse<byte[]> response = whole(answer, location, stopping);
            if (response.statusCode() != 200) {
                throw new IOException("price feed " + location + " answered HTTP " + response.statusCode());
            }
            return new ByteArrayInputStream(response.body());
        } catch (TimeoutException e) {
            answer.cancel(true);
            throw new IOException(
                    "price feed " + location + " did not send its whole answer within " + wholeAnswerTimeout.toSeconds()
                            + " s",
                    e);
        } catch (ExecutionException e) {
            throw failure(location, e.getCause());
        } catch (RuntimeException e) {
            // the stop check failed (its database out of reach, say): the download is not left running
            answer.cancel(true);
            throw e;
        } catch (InterruptedException e) {
            answer.cancel(true);
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while fetching price feed " + location, e);
        }
    }

    /** The answer, once whole, looking every {@link #STOP_CHECK_EVERY} whether the sync was asked to stop. */
    private HttpResponse<byte[]> whole(
            CompletableFuture<HttpResponse<byte[]>> answer, String location, BooleanSupplier stopping)
            throws ExecutionException, InterruptedException, TimeoutException, Stopped {
        long left = wholeAnswerTimeout.toNanos();
        long deadline = System.nanoTime() + left;
        while (true) {
            try {
                return answer.get(Math.min(left, STOP_CHECK_EVERY.toNanos()), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw e;
                }
                if (stopping.getAsBoolean()) {
                    answer.cancel(true);
                    throw new Stopped(location);
                }
            }
        }
    }

    private static IOException failure(String location, Throwable cause) {
        if (cause instanceof BoundedBody.TooLarge) {
            return new IOException("price feed " + location + " sent " + cause.getMessage(), cause);
        }
        if (cause instanceof HttpConnectTimeoutException) {
            return new IOException(
                    "price feed " + location + " could not be connected to within " + CONNECT_TIMEOUT.toSeconds()
                            + " s",
                    cause);
        }
        if (cause instanceof HttpTimeoutException) {
            return new IOException(
                    "price feed " + location + " sent no answer within " + TIMEOUT.toSeconds() + " s", cause);
        }
        String why = cause.getMessage() == null
                ? cause.getClass().getSimpleName()
                : cause.getClass().getSimpleName() + ": " + cause.getMessage();
        return new IOException("price feed " + location + " could not be fetched: " + why, cause);
    }
}
