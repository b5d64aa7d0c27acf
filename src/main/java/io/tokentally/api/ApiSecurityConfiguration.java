package io.tokentally.api;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Profile;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.security.authentication.AuthenticationManager;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.intercept.AuthorizationFilter;
import org.springframework.security.web.authentication.AuthenticationEntryPointFailureHandler;
import org.springframework.security.web.authentication.AuthenticationFilter;
import org.springframework.security.web.authentication.preauth.PreAuthenticatedAuthenticationToken;

/**
 * Everything but the health endpoints and Stripe's signed event deliveries needs {@code Authorization: Bearer <token>} with one of
 * {@code tokentally.api.tokens}. No sessions, no cookies, no CSRF (no browser forms); a missing or wrong
 * token gets a 401 problem.
 */
@Configuration(proxyBeanMethods = false)
@Profile("serve")
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@EnableConfigurationProperties(ApiProperties.class)
class ApiSecurityConfiguration {

    private static final String BEARER = "Bearer ";

    @Bean
    AuthenticationManager bearerTokenAuthenticationManager(ApiProperties properties) {
        return new BearerTokenAuthenticationManager(properties);
    }

    @Bean
    SecurityFilterChain apiSecurityFilterChain(
            HttpSecurity http, AuthenticationManager bearerTokenAuthenticationManager) throws Exception {
        AuthenticationEntryPoint unauthorized = ApiSecurityConfiguration::unauthorized;
        AuthenticationFilter tokens =
                new AuthenticationFilter(bearerTokenAuthenticationManager, ApiSecurityConfiguration::bearerToken);
        tokens.setSuccessHandler((request, response, authentication) -> {});
        tokens.setFailureHandler(new AuthenticationEntryPointFailureHandler(unauthorized));
        return stateless(http)
                .authorizeHttpRequests(requests -> requests.requestMatchers("/actuator/health", "/actuator/health/**")
                        .permitAll()
                        .requestMatchers(HttpMethod.POST, StripeEventsController.PATH)
                        .permitAll()
                        .anyRequest()
                        .authenticated())
                .exceptionHandling(exceptions -> exceptions.authenticationEntryPoint(unauthorized))
                .addFilterBefore(tokens, AuthorizationFilter.class)
                .build();
    }

    /** {@code http} with no sessions, cookies, CSRF tokens, login forms or basic logins: each request stands alone. */
    static HttpSecurity stateless(HttpSecurity http) throws Exception {
        return http.csrf(AbstractHttpConfigurer::disable)
                .httpBasic(AbstractHttpConfigurer::disable)
                .formLogin(AbstractHttpConfigurer::disable)
                .logout(AbstractHttpConfigurer::disable)
                .requestCache(AbstractHttpConfigurer::disable)
                .sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS));
    }

    /** A 401 problem that says what to send, never what was sent. */
    private static void unauthorized(
            HttpServletRequest request, HttpServletResponse response, AuthenticationException failure)
            throws IOException {
        response.setStatus(HttpStatus.UNAUTHORIZED.value());
        response.setHeader(HttpHeaders.WWW_AUTHENTICATE, "Bearer");
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        response.getOutputStream()
                .write(("{\"type\":\"about:blank\",\"title\":\"Unauthorized\",\"status\":401,\"detail\":"
                                + "\"send Authorization: Bearer <token> with one of tokentally.api.tokens\"}")
                        .getBytes(StandardCharsets.UTF_8));
    }

    private static PreAuthenticatedAuthenticationToken bearerToken(HttpServletRequest request) {
        String header = request.getHeader(HttpHeaders.AUTHORIZATION);
        if (header == null || !header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return null;
        }
        return new PreAuthenticatedAuthenticationToken(
                "bearer", header.substring(BEARER.length()).strip());
    }
}
