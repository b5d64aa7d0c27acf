package io.tokentally.job;

import io.tokentally.ingest.S3Objects;
import io.tokentally.shared.RequiredFile;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
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
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Opens a price feed where it lives: a file, an HTTP(S) URL or an S3 object ({@code s3://bucket/key}). A feed from the
 * network is read whole before it is parsed, within a time and a size limit, looking meanwhile whether its sync was
 * asked to stop.
 */
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
     * Opens the feed; an HTTP(S) feed or an S3 object is read whole first, giving up with {@link Stopped} once
     * {@code stopping} says so (a file is read at once).
     */
    InputStream open(String location, BooleanSupplier stopping) throws IOException {
        Optional<Path> file = PriceSyncParameters.localFile(location);
        if (file.isPresent()) {
            RequiredFile.require("price feed", file.get());
            return Files.newInputStream(file.get());
        }
        return location.startsWith("s3://") ? fromS3(location, stopping) : fromHttp(location, stopping);
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
        HttpResponse<byte[]> response = whole(answer, () -> answer.cancel(true), location, stopping);
        if (response.statusCode() != 200) {
            throw new IOException("price feed " + location + " answered HTTP " + response.statusCode());
        }
        return new ByteArrayInputStream(response.body());
    }

    /**
     * Reads the object whole before it is parsed, within the limits of an HTTP(S) feed: one whose length is past the
     * size limit is not read at all, and one that stalls is given up by aborting its connection.
     */
    private InputStream fromS3(String location, BooleanSupplier stopping) throws IOException {
        S3Read read = new S3Read(location);
        CompletableFuture<byte[]> answer = CompletableFuture.supplyAsync(read, PriceFeedSource::onItsOwnThread);
        return new ByteArrayInputStream(whole(answer, read::abandon, location, stopping));
    }

    private static void onItsOwnThread(Runnable read) {
        Thread thread = new Thread(read, "price-feed-s3");
        thread.setDaemon(true);
        thread.start();
    }

    /** An S3 object's bytes, read on their own thread so that the sync can give them up. */
    private final class S3Read implements Supplier<byte[]> {

        private final String location;
        private volatile S3Objects.Download body;
        private volatile boolean abandoned;

        S3Read(String location) {
            this.location = location;
        }

        @Override
        public byte[] get() {
            try (S3Objects.Download in = s3.open(location)) {
                body = in;
                if (abandoned) {
                    in.abort();
                    throw new CancellationException("the read of " + location + " was given up");
                }
                if (in.length().orElse(0) > maxAnswerBytes) {
                    throw tooLarge(in);
                }
                byte[] bytes = in.readNBytes(Math.toIntExact(maxAnswerBytes + 1));
                if (bytes.length > maxAnswerBytes) {
                    throw tooLarge(in);
                }
                return bytes;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private UncheckedIOException tooLarge(S3Objects.Download in) {
            in.abort();
            return new UncheckedIOException(new BoundedBody.TooLarge(maxAnswerBytes));
        }

        /**
         * Aborts the object's connection, so that a read waiting for its next bytes fails at once; an object whose
         * answer (its headers) has not come yet is aborted as it comes, or left to the S3 client's own timeouts.
         */
        void abandon() {
            abandoned = true;
            S3Objects.Download in = body;
            if (in != null) {
                in.abort();
            }
        }
    }

    /**
     * The answer, once whole, looking every {@link #STOP_CHECK_EVERY} whether the sync was asked to stop; an answer
     * given up (stopped, too slow, or its stop check failing) is aborted, so that no download goes on reading.
     */
    private <T> T whole(CompletableFuture<T> answer, Runnable abort, String location, BooleanSupplier stopping)
            throws IOException {
        long left = wholeAnswerTimeout.toNanos();
        long deadline = System.nanoTime() + left;
        try {
            while (true) {
                try {
                    return answer.get(Math.min(left, STOP_CHECK_EVERY.toNanos()), TimeUnit.NANOSECONDS);
                } catch (TimeoutException e) {
                    left = deadline - System.nanoTime();
                    if (left <= 0) {
                        abort.run();
                        throw new IOException(
                                "price feed " + location + " did not send its whole answer within "
                                        + wholeAnswerTimeout.toSeconds() + " s",
                                e);
                    }
                    if (stopping.getAsBoolean()) {
                        abort.run();
                        throw new Stopped(location);
                    }
                }
            }
        } catch (ExecutionException e) {
            throw failure(location, e.getCause());
        } catch (RuntimeException e) {
            // the stop check failed (its database out of reach, say): the download is not left running
            abort.run();
            throw e;
        } catch (InterruptedException e) {
            abort.run();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while fetching price feed " + location, e);
        }
    }

    private static IOException failure(String location, Throwable failure) {
        Throwable cause = failure instanceof UncheckedIOException unchecked ? unchecked.getCause() : failure;
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
