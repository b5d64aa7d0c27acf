package io.tokentally.api;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Profile;

/** The OpenAPI document's header (springdoc generates the paths from the controllers, at /v3/api-docs). */
@Configuration(proxyBeanMethods = false)
@Profile("serve")
class OpenApiConfiguration {

    @Bean
    OpenAPI tokentallyOpenApi() {
        return new OpenAPI()
                .info(new Info()
                        .title("tokentally REST trigger")
                        .version("0.1.0")
                        .description("Start, rerun, restart, stop and inspect billing runs. Every call needs"
                                + " Authorization: Bearer <one of tokentally.api.tokens>. Refusals are RFC 9457"
                                + " problem details: 400 bad parameters, 404 unknown job or execution, 409 conflict."))
                .components(new Components()
                        .addSecuritySchemes(
                                "bearer",
                                new SecurityScheme()
                                        .type(SecurityScheme.Type.HTTP)
                                        .scheme("bearer")))
                .addSecurityItem(new SecurityRequirement().addList("bearer"));
    }
}
