package io.tokentally.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tokentally.stripe.StripeMeterErrors;
import io.tokentally.stripe.StripeProperties;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.http.HttpStatus;
import org.springframework.mock.web.DelegatingServletInputStream;
import org.springframework.mock.web.MockHttpServletRequest;

class StripeEventsControllerTests {

    @Test
    void aDeliveryOverTheLimitIsRefusedWithoutBeingReadWhole() {
        // given a body of a megabyte and a byte, announced, and one sent in chunks without a length
        StripeEventsController controller = new StripeEventsController(meterErrors("whsec_test"));
        MockHttpServletRequest announced = new MockHttpServletRequest("POST", StripeEventsController.PATH);
        announced.setContent(new byte[StripeEventsController.MAX_PAYLOAD_BYTES + 1]);
        CountingBody chunked = new CountingBody(10L * StripeEventsController.MAX_PAYLOAD_BYTES);
        MockHttpServletRequest unannounced = new MockHttpServletRequest("POST", StripeEventsController.PATH) {
            @Override
            public jakarta.servlet.ServletInputStream getInputStream() {
                return new DelegatingServletInputStream(chunked);
            }
        };

        // when, then: 413, and of the ten megabytes no more than the limit and a byte is read
        for (MockHttpServletRequest request : new MockHttpServletRequest[] {announced, unannounced}) {
            assertThatThrownBy(() -> controller.receive(request, "t=1,v1=abc"))
                    .isInstanceOfSatisfying(
                            ApiProblem.class,
                            problem -> assertThat(problem.status()).isEqualTo(HttpStatus.CONTENT_TOO_LARGE))
                    .hasMessage("a Stripe event delivery is at most 1048576 bytes");
        }
        assertThat(chunked.read).isEqualTo(StripeEventsController.MAX_PAYLOAD_BYTES + 1);
    }

    @Test
    void withoutASigningSecretTheBodyIsNotRead() {
        // given
        StripeEventsController controller = new StripeEventsController(meterErrors(""));
        CountingBody body = new CountingBody(100);
        MockHttpServletRequest request = new MockHttpServletRequest("POST", StripeEventsController.PATH) {
            @Override
            public jakarta.servlet.ServletInputStream getInputStream() {
                return new DelegatingServletInputStream(body);
            }
        };

        // when, then
        assertThatThrownBy(() -> controller.receive(request, "t=1,v1=abc"))
                .isInstanceOfSatisfying(
                        ApiProblem.class,
                        problem -> assertThat(problem.status()).isEqualTo(HttpStatus.NOT_FOUND));
        assertThat(body.read).isZero();
    }

    private static StripeMeterErrors meterErrors(String webhookSecret) {
        StripeProperties properties = new Binder(new MapConfigurationPropertySource(Map.of(
                        "tokentally.stripe.api-key",
                        "sk_test_events",
                        "tokentally.stripe.webhook-secret",
                        webhookSecret)))
                .bind("tokentally.stripe", StripeProperties.class)
                .get();
        return new StripeMeterErrors(properties, null, null, null);
    }

    /** A body of zeros of the given length that counts the bytes read from it. */
    private static final class CountingBody extends InputStream {

        private final long length;
        long read;

        CountingBody(long length) {
            this.length = length;
        }

        @Override
        public int read() throws IOException {
            if (read >= length) {
                return -1;
            }
            read++;
            return 0;
        }

        @Override
        public int read(byte[] buffer, int offset, int count) {
            if (read >= length) {
                return -1;
            }
            int n = (int) Math.min(count, length - read);
            java.util.Arrays.fill(buffer, offset, offset + n, (byte) 0);
            read += n;
            return n;
        }
    }
}
