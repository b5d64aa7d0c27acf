package io.tokentally.api;

import jakarta.validation.constraints.NotEmpty;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * The REST API's bearer tokens. Set them with {@code TOKENTALLY_API_TOKENS} (comma separated), for
 * instance from a Kubernetes Secret. A missing, blank or short token stops {@code serve} at start-up
 * with a message naming the property; the tokens themselves are never printed.
 *
 * @param tokens the accepted bearer tokens, each at least {@value #MIN_LENGTH} characters
 */
@Validated
@ConfigurationProperties("tokentally.api")
public record ApiProperties(
        @NotEmpty(message = "set at least one token (TOKENTALLY_API_TOKENS)")
        List<String> tokens) {

    static final int MIN_LENGTH = 24;

    public ApiProperties {
        tokens = tokens == null ? List.of() : List.copyOf(tokens);
        for (int i = 0; i < tokens.size(); i++) {
            if (tokens.get(i).strip().length() < MIN_LENGTH) {
                throw new IllegalArgumentException("tokentally.api.tokens: token #" + (i + 1) + " is shorter than "
                        + MIN_LENGTH + " characters; use a long random value (openssl rand -hex 32)");
            }
        }
    }

    @Override
    public String toString() {
        return "ApiProperties[" + tokens.size() + " tokens]";
    }
}
