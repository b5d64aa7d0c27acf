package io.tokentally.api;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import org.springframework.security.authentication.AuthenticationManager;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.authority.AuthorityUtils;
import org.springframework.security.web.authentication.preauth.PreAuthenticatedAuthenticationToken;

/**
 * Accepts a bearer token that is one of the configured tokens. Tokens are compared as SHA-256 digests in
 * constant time; the principal is the token's position ({@code api-token-1}), never the token.
 */
class BearerTokenAuthenticationManager implements AuthenticationManager {

    private final List<byte[]> digests;

    BearerTokenAuthenticationManager(ApiProperties properties) {
        this.digests = properties.tokens().stream()
                .map(String::strip)
                .map(BearerTokenAuthenticationManager::sha256)
                .toList();
    }

    @Override
    public Authentication authenticate(Authentication authentication) {
        byte[] presented = sha256(String.valueOf(authentication.getCredentials()));
        for (int i = 0; i < digests.size(); i++) {
            if (MessageDigest.isEqual(digests.get(i), presented)) {
                return new PreAuthenticatedAuthenticationToken(
                        "api-token-" + (i + 1), null, AuthorityUtils.createAuthorityList("ROLE_OPERATOR"));
            }
        }
        throw new BadCredentialsException("the bearer token is not one of tokentally.api.tokens");
    }

    private static byte[] sha256(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }
}
