package io.tokentally.shared;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.net.URI;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HttpUrlsTests {

    @ParameterizedTest
    @ValueSource(strings = {"https://hooks.example.com/tokentally", "http://127.0.0.1:9090", "http://minio_1:9000"})
    void takesAnHttpUrlWithAHostAnUnderscoredComposeServiceToo(String url) {
        assertThat(HttpUrls.requireHttp("tokentally.s3.endpoint", URI.create(url)))
                .isEqualTo(URI.create(url));
    }

    @ParameterizedTest
    @ValueSource(strings = {"notaurl", "localhost:9090", "ftp://files.example.com", "http:///path"})
    void refusesAnythingElseNamingTheSetting(String url) {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> HttpUrls.requireHttp("tokentally.s3.endpoint", URI.create(url)))
                .withMessage("tokentally.s3.endpoint must be an http or https URL with a host, not '" + url + "'");
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://exa mple.com", "https://", "api.stripe.com"})
    void refusesTextThatIsNoHttpUrlNamingTheSetting(String url) {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> HttpUrls.requireHttp("tokentally.stripe.api-base", url))
                .withMessageStartingWith(
                        "tokentally.stripe.api-base must be an http or https URL with a host, not '" + url + "'");
    }

    @Test
    void anEmptyUrlIsNone() {
        assertThat(HttpUrls.requireHttp("tokentally.s3.endpoint", URI.create("")))
                .isNull();
        assertThat(HttpUrls.requireHttp("tokentally.s3.endpoint", (URI) null)).isNull();
    }
}
