package io.tokentally.job;

import io.tokentally.ingest.S3Objects;
import io.tokentally.shared.RequiredFile;
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
import org.springframework.stereotype.Component;

/** Opens a price feed where it lives: a file, an HTTP(S) URL or an S3 object ({@code s3://bucket/key}). */
@Component
class PriceFeedSource {

    /** How long a feed may take to answer (its headers); its body is read without a limit. */
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

    private final S3Objects s3;
    private final HttpClient http = HttpClient.newBuilder()
            .connectTimeout(CONNECT_TIMEOUT)
            .followRedirects(HttpClient.Redirect.NORMAL)
            .build();

    PriceFeedSource(S3Objects s3) {
        this.s3 = s3;
    }

    InputStream open(String location) throws IOException {
        Optional<Path> file = PriceSyncParameters.localFile(location);
        if (file.isPresent()) {
            RequiredFile.require("price feed", file.get());
            return Files.newInputStream(file.get());
        }
        return location.startsWith("s3://") ? s3.open(location) : fromHttp(location);
    }

    private InputStream fromHttp(String location) throws IOException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(location))
                .timeout(TIMEOUT)
                .GET()
                .build();
        try {
            HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
            if (response.statusCode() != 200) {
                response.body().close();
                throw new IOException("price feed " + location + " answered HTTP " + response.statusCode());
            }
            return response.body();
        } catch (HttpConnectTimeoutException e) {
            throw new IOException(
                    "price feed " + location + " could not be connected to within " + CONNECT_TIMEOUT.toSeconds()
                            + " s",
                    e);
        } catch (HttpTimeoutException e) {
            throw new IOException("price feed " + location + " sent no answer within " + TIMEOUT.toSeconds() + " s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while fetching price feed " + location, e);
        }
    }
}
