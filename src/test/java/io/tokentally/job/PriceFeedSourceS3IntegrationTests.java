package io.tokentally.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIOException;

import com.sun.net.httpserver.HttpServer;
import io.tokentally.S3MockServer;
import io.tokentally.ingest.S3Objects;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/** A price feed in S3: a feed of 4,000 bytes in the S3 server, and an S3 stand-in whose object stalls. */
class PriceFeedSourceS3IntegrationTests {

    private static final byte[] PRICES =
            "openai,gpt-4o\n".repeat(4_000 / 14 + 1).substring(0, 4_000).getBytes(StandardCharsets.UTF_8);

    private static S3Client client;
    private static String bucket;

    @BeforeAll
    static void feed() {
        client = S3MockServer.client();
        bucket = "price-feeds-" + UUID.randomUUID();
        client.createBucket(request -> request.bucket(bucket));
        client.putObject(request -> request.bucket(bucket).key("feed.csv"), RequestBody.fromBytes(PRICES));
    }

    @AfterAll
    static void closeClient() {
        client.close();
    }

    @Test
    void anS3FeedOfTheLimitIsReadWhole() throws Exception {
        // given
        PriceFeedSource source = new PriceFeedSource(s3Objects(client), Duration.ofSeconds(30), 4_000);

        // when
        byte[] read;
        try (InputStream in = source.open("s3://" + bucket + "/feed.csv", () -> false)) {
            read = in.readAllBytes();
        }

        // then
        assertThat(read).isEqualTo(PRICES);
    }

    @Test
    void anS3FeedLongerThanTheLimitFailsSayingSo() {
        // given: a limit of one byte less than the feed
        PriceFeedSource source = new PriceFeedSource(s3Objects(client), Duration.ofSeconds(30), 3_999);
        String location = "s3://" + bucket + "/feed.csv";

        // when, then
        assertThatIOException()
                .isThrownBy(() -> source.open(location, () -> false))
                .withMessage("price feed " + location + " sent more than 3999 bytes, the most a feed may send");
    }

    @Test
    void aMissingS3FeedFailsNamingItsLocation() {
        // given
        String missing = "s3://" + bucket + "/missing.csv";

        // when, then
        assertThatIOException()
                .isThrownBy(() -> new PriceFeedSource(s3Objects(client)).open(missing, () -> false))
                .withMessageStartingWith("price feed " + missing + " could not be fetched: NoSuchKeyException");
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
            PriceFeedSource source =
                    new PriceFeedSource(s3Objects(stalling), Duration.ofSeconds(20), PriceFeedSource.MAX_ANSWER_BYTES);

            // when, then: asked to stop at its second check, it stops well before the 20 s limit
            long started = System.nanoTime();
            assertThatExceptionOfType(PriceFeedSource.Stopped.class)
                    .isThrownBy(() -> source.open(location, () -> checks.incrementAndGet() >= 2))
                    .withMessage("the price sync was asked to stop while it read its feed " + location);
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));

            // and given a limit of 1 s, it fails at the limit
            assertThatIOException()
                    .isThrownBy(() -> new PriceFeedSource(
                                    s3Objects(stalling), Duration.ofSeconds(1), PriceFeedSource.MAX_ANSWER_BYTES)
                            .open(location, () -> false))
                    .withMessage("price feed " + location + " did not send its whole answer within 1 s");

            // and both downloads were dropped, not left reading
            assertThat(dropped.await(10, TimeUnit.SECONDS)).isTrue();
        } finally {
            endpoint.stop(0);
        }
    }

    private static S3Objects s3Objects(S3Client client) {
        DefaultListableBeanFactory beans = new DefaultListableBeanFactory();
        beans.registerSingleton("s3Client", client);
        return new S3Objects(beans.getBeanProvider(S3Client.class));
    }
}
