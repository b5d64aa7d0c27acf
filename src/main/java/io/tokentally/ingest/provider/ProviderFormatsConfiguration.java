package io.tokentally.ingest.provider;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The customer attribution the provider readers share; the readers themselves are components. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(AttributionProperties.class)
class ProviderFormatsConfiguration {

    @Bean
    CustomerAttribution customerAttribution(AttributionProperties properties) {
        return CustomerAttribution.of(properties);
    }
}
