package io.tokentally;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.springframework.test.context.DynamicPropertyRegistry;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * A real S3-compatible server for the tests: Adobe S3Mock's runnable jar (copied to
 * {@code target/s3mock} by the build), started once per test JVM on a free port and stopped with
 * it. {@code TOKENTALLY_TEST_S3_ENDPOINT} points the tests at a server that is already running.
 */
public final class S3MockServer {

    private static final Path JAR = Path.of("target/s3mock/s3mock.jar");
    private static URI endpoint;

    private S3MockServer() {}

    public static synchronized URI endpoint() {
        if (endpoint == null) {
            String given = System.getenv("TOKENTALLY_TEST_S3_ENDPOINT");
            endpoint = given != null && !given.isBlank() ? URI.create(given) : start();
        }
        return endpoint;
    }

    /** A client of the server, path-style, with the credentials {@link #addEngineSettings} gives the engine. */
    public static S3Client client() {
        return client(endpoint());
    }

    /** A client as {@link #client()}, of another S3 endpoint (a test's own stand-in). */
    public static S3Client client(URI endpoint) {
        return S3Client.builder()
                .endpointOverride(endpoint)
                .forcePathStyle(true)
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .build();
    }

    /** Points the engine's S3 client at the server. */
    public static void addEngineSettings(DynamicPropertyRegistry registry) {
        registry.add("tokentally.s3.endpoint", () -> endpoint().toString());
        registry.add("tokentally.s3.path-style-access", () -> "true");
        registry.add("tokentally.s3.access-key-id", () -> "test");
        registry.add("tokentally.s3.secret-access-key", () -> "test");
    }

    private static URI start() {
        if (!Files.isRegularFile(JAR)) {
            throw new IllegalStateException(JAR.toAbsolutePath() + " is missing: run the tests through Maven, which"
                    + " copies S3Mock's runnable jar there (maven-dependency-plugin, phase process-test-resources)");
        }
        try {
            int port = freePort();
            Path root = Files.createTempDirectory("tokentally-s3mock-");
            Path log = root.resolveSibling(root.getFileName() + ".log");
            Process process = new ProcessBuilder(List.of(
                            Path.of(System.getProperty("java.home"), "bin", "java")
                                    .toString(),
                            "-Xmx256m",
                            "-jar",
                            JAR.toAbsolutePath().toString(),
                            "--server.port=0",
                            "--http.port=" + port,
                            "--com.adobe.testing.s3mock.store.root=" + root))
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            Runtime.getRuntime().addShutdownHook(new Thread(process::destroy));
            URI uri = URI.create("http://127.0.0.1:" + port);
            awaitUp(uri, process, log);
            return uri;
        } catch (IOException e) {
            throw new IllegalStateException("cannot start S3Mock: " + e.getMessage(), e);
        }
    }

    private static void awaitUp(URI uri, Process process, Path log) {
        HttpClient client =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("S3Mock exited at start-up; see " + log);
            }
            try {
                HttpResponse<Void> response =
                        client.send(HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.discarding());
                if (response.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        throw new IllegalStateException("S3Mock did not answer within 60 s; see " + log);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
