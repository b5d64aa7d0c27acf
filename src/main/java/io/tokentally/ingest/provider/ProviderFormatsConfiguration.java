package io.tokentally.ingest.provider;

import io.tokentally.shared.RequiredFile;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The customer attribution and SKU table the provider readers share; the readers themselves are components. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties({AttributionProperties.class, GcpBillingProperties.class})
class ProviderFormatsConfiguration {

    static final String SKU_PATTERNS_PROPERTY = "tokentally.gcp.sku-patterns";

    @Bean
    CustomerAttribution customerAttribution(AttributionProperties properties) {
        return CustomerAttribution.of(properties);
    }

    @Bean
    GcpSkuPatterns gcpSkuPatterns(GcpBillingProperties properties) {
        if (properties.skuPatterns() == null) {
            try (InputStream in = GcpSkuPatterns.class.getResourceAsStream(GcpSkuPatterns.DEFAULT)) {
                if (in == null) {
                    throw new IllegalStateException("the default " + GcpSkuPatterns.DEFAULT + " is not in the jar");
                }
                return GcpSkuPatterns.read(
                        new InputStreamReader(in, StandardCharsets.UTF_8), "the default " + GcpSkuPatterns.DEFAULT);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        RequiredFile.require(SKU_PATTERNS_PROPERTY, properties.skuPatterns());
        String origin = SKU_PATTERNS_PROPERTY + " (" + properties.skuPatterns().toAbsolutePath() + ")";
        try (Reader reader = Files.newBufferedReader(properties.skuPatterns(), StandardCharsets.UTF_8)) {
            return GcpSkuPatterns.read(reader, origin);
        } catch (IOException e) {
            throw new IllegalArgumentException(origin + ": cannot be read: " + e.getMessage(), e);
        }
    }
}
