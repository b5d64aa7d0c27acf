package io.tokentally.api;

import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Profile;
import org.springframework.security.authentication.AuthenticationManager;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;

/**
 * A worker's web server serves its liveness for probes and nothing else: every other path is refused (403), the
 * whole health too, whose Stripe and S3 checks call out with the worker's keys on each request.
 */
@Configuration(proxyBeanMethods = false)
@Profile("worker")
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
class WorkerSecurityConfiguration {

    static final String LIVENESS = "/actuator/health/liveness";

    @Bean
    SecurityFilterChain workerLivenessOnlyFilterChain(HttpSecurity http) throws Exception {
        return ApiSecurityConfiguration.stateless(http)
                .authorizeHttpRequests(requests -> requests.requestMatchers(LIVENESS)
                        .permitAll()
                        .anyRequest()
                        .denyAll())
                .build();
    }

    /** No login of any kind: so Spring Boot makes no user with a generated password either. */
    @Bean
    AuthenticationManager noLogins() {
        return authentication -> {
            throw new BadCredentialsException("a worker has no logins");
        };
    }
}
