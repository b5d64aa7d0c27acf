package io.tokentally.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIOException;

import io.tokentally.S3MockServer;
import io.tokentally.ingest.S3Objects;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/** A price feed in S3: a feed of 4,000 bytes in the S3 server. */
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

    static S3Objects s3Objects(S3Client client) {
        DefaultListableBeanFactory beans = new DefaultListableBeanFactory();
        beans.registerSingleton("s3Client", client);
        return new S3Objects(beans.getBeanProvider(S3Client.class));
    }
}
