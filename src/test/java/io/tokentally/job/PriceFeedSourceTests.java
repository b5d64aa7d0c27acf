package io.tokentally.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIOException;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import com.sun.net.httpserver.HttpServer;
import io.tokentally.S3MockServer;
import io.tokentally.TempFolders;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;

class PriceFeedSourceTests {

    @Test
    void aFeedFileThatIsAFolderOrMissingIsRefusedSayingWhich() throws Exception {
        // given: a folder was said not to exist
        Path folder = TempFolders.create("price-feeds");
        PriceFeedSource source = new PriceFeedSource(null);

        // when, then
        assertThatIllegalArgumentException()
                .isThrownBy(() -> source.open(folder.toString(), () -> false))
                .withMessage("price feed: " + folder.toAbsolutePath() + " is a folder, not a file");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> source.open(folder.resolve("litellm.json").toString(), () -> false))
                .withMessage(
                        "price feed: the file " + folder.toAbsolutePath().resolve("litellm.json") + " does not exist");
    }

    @Test
    void aFeedThatStallsInItsBodyFailsAtTheLimitInsteadOfBeingReadAsAShorterFeed() throws Exception {
        // given: a feed that sends its headers and a first part of its body, then nothing more
        CountDownLatch released = new CountDownLatch(1);
        HttpServer feed = stalling(200, "provider,model,token_type\n", released);
        String location = feedUrl(feed);
        try {
            PriceFeedSource source = new PriceFeedSource(null, Duration.ofSeconds(1), PriceFeedSource.MAX_ANSWER_BYTES);

            // when, then
            long started = System.nanoTime();
            assertThatIOException()
                    .isThrownBy(() -> source.open(location, () -> false).close())
                    .withMessage("price feed " + location + " did not send its whole answer within 1 s");
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
        } finally {
            released.countDown();
            feed.stop(0);
        }
    }

    @Test
    void aFeedLongerThanTheLimitFailsSayingSoAndOneOfTheLimitIsReadWhole() throws Exception {
        // given: a feed of 4,000 bytes sent in chunks without a length, and a limit of 4,000 bytes or one less
        byte[] prices =
                "openai,gpt-4o\n".repeat(4_000 / 14 + 1).substring(0, 4_000).getBytes(StandardCharsets.UTF_8);
        HttpServer feed = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        feed.createContext("/feed.csv", exchange -> {
            exchange.sendResponseHeaders(200, 0);
            try (OutputStream body = exchange.getResponseBody()) {
                for (int at = 0; at < prices.length; at += 500) {
                    body.write(prices, at, 500);
                    body.flush();
                }
            }
        });
        feed.start();
        String location = feedUrl(feed);
        try {
            // when
            byte[] read;
            try (InputStream in =
                    new PriceFeedSource(null, Duration.ofSeconds(30), 4_000).open(location, () -> false)) {
                read = in.readAllBytes();
            }

            // then
            assertThat(read).isEqualTo(prices);
            assertThatIOException()
                    .isThrownBy(
                            () -> new PriceFeedSource(null, Duration.ofSeconds(30), 3_999).open(location, () -> false))
                    .withMessage("price feed " + location + " sent more than 3999 bytes, the most a feed may send");
        } finally {
            feed.stop(0);
        }
    }

    @Test
    void anErrorAnswerFailsWithItsStatusWithoutWaitingForItsBody() throws Exception {
        // given: a feed that answers 503 and sends the start of its body, never ending it
        CountDownLatch released = new CountDownLatch(1);
        HttpServer feed = stalling(503, "busy", released);
        String location = feedUrl(feed);
        try {
            PriceFeedSource source =
                    new PriceFeedSource(null, Duration.ofSeconds(20), PriceFeedSource.MAX_ANSWER_BYTES);

            // when, then: it fails on the status, well before the 20 s the whole answer may take
            long started = System.nanoTime();
            assertThatIOException()
                    .isThrownBy(() -> source.open(location, () -> false))
                    .withMessage("price feed " + location + " answered HTTP 503");
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
        } finally {
            released.countDown();
            feed.stop(0);
        }
    }

    @Test
    void aFeedThatAnswersIsReadWholeAndOneThatCannotBeReachedSaysWhere() throws Exception {
        // given: a feed that answers, and a port nothing listens on
        HttpServer feed = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        byte[] prices = "provider,model\nopenai,gpt-4o\n".getBytes(StandardCharsets.UTF_8);
        feed.createContext("/feed.csv", exchange -> {
            exchange.sendResponseHeaders(200, prices.length);
            exchange.getResponseBody().write(prices);
            exchange.close();
        });
        feed.start();
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        String unreachable = "http://127.0.0.1:" + closedPort + "/feed.csv";
        try {
            PriceFeedSource source = new PriceFeedSource(null);

            // when
            byte[] read;
            try (InputStream in = source.open(feedUrl(feed), () -> false)) {
                read = in.readAllBytes();
            }

            // then
            assertThat(read).isEqualTo(prices);
            assertThatIOException()
                    .isThrownBy(() -> source.open(unreachable, () -> false))
                    .withMessageStartingWith("price feed " + unreachable + " could not be fetched: ConnectException");
        } finally {
            feed.stop(0);
        }
    }

    @Test
    void anS3FeedThatStallsIsDroppedWhenItsSyncIsAskedToStopOrAtTheTimeLimit() throws Exception {
        // given: an S3 stand-in whose object sends its headers, then a byte every 100 ms until its connection drops
        CountDownLatch dropped = new CountDownLatch(2);
        HttpServer endpoint = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        endpoint.setExecutor(Executors.newCachedThreadPool());
        endpoint.createContext("/feeds/litellm.json", exchange -> {
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, 1_000_000);
            OutputStream body = exchange.getResponseBody();
            try {
                for (int sent = 0; sent < 300; sent++) {
                    body.write('{');
                    body.flush();
                    Thread.sleep(100);
                }
            } catch (IOException e) {
                dropped.countDown();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.close();
        });
        endpoint.start();
        String location = "s3://feeds/litellm.json";
        try (S3Client stalling = S3MockServer.client(
                URI.create("http://127.0.0.1:" + endpoint.getAddress().getPort()))) {
            AtomicInteger checks = new AtomicInteger();
            PriceFeedSource source = new PriceFeedSource(
                    PriceFeedSourceS3IntegrationTests.s3Objects(stalling),
                    Duration.ofSeconds(20),
                    PriceFeedSource.MAX_ANSWER_BYTES);

            // when, then: asked to stop at its second check, it stops well before the 20 s limit
            long started = System.nanoTime();
            assertThatExceptionOfType(PriceFeedSource.Stopped.class)
                    .isThrownBy(() -> source.open(location, () -> checks.incrementAndGet() >= 2))
                    .withMessage("the price sync was asked to stop while it read its feed " + location);
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));

            // and given a limit of 1 s, it fails at the limit
            assertThatIOException()
                    .isThrownBy(() -> new PriceFeedSource(
                                    PriceFeedSourceS3IntegrationTests.s3Objects(stalling),
                                    Duration.ofSeconds(1),
                                    PriceFeedSource.MAX_ANSWER_BYTES)
                            .open(location, () -> false))
                    .withMessage("price feed " + location + " did not send its whole answer within 1 s");

            // and both downloads were dropped, not left reading
            assertThat(dropped.await(10, TimeUnit.SECONDS)).isTrue();
        } finally {
            endpoint.stop(0);
        }
    }

    /** The URL of a test feed's {@code /feed.csv}. */
    private static String feedUrl(HttpServer feed) {
        return "http://127.0.0.1:" + feed.getAddress().getPort() + "/feed.csv";
    }

    /**
     * A feed at {@code /feed.csv} that answers {@code status}, sends {@code firstBytes} of its body and then nothing
     * until {@code released} (or 30 s), started.
     */
    private static HttpServer stalling(int status, String firstBytes, CountDownLatch released) throws IOException {
        HttpServer feed = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        feed.createContext("/feed.csv", exchange -> {
            exchange.sendResponseHeaders(status, 0);
            OutputStream body = exchange.getResponseBody();
            body.write(firstBytes.getBytes(StandardCharsets.UTF_8));
            body.flush();
            try {
                released.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.close();
        });
        feed.start();
        return feed;
    }
}
