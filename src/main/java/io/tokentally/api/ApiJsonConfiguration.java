package io.tokentally.api;

import org.springframework.boot.jackson.autoconfigure.JsonMapperBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Profile;
import tools.jackson.core.StreamReadFeature;

/**
 * How the API reads a request's JSON: a field given twice is refused (400), as the job and plans files refuse it,
 * rather than its last copy taken without a word ({@code {"date": "2026-11-03", "date": "2026-11-04"}}).
 */
@Configuration(proxyBeanMethods = false)
@Profile("serve")
class ApiJsonConfiguration {

    @Bean
    JsonMapperBuilderCustomizer refuseDuplicateFields() {
        return builder -> builder.enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION);
    }
}
