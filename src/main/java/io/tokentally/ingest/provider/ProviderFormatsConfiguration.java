package io.tokentally.ingest.provider;

import io.tokentally.ingest.InputFiles;
import io.tokentally.shared.RequiredFile;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
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
                        new String(in.readAllBytes(), StandardCharsets.UTF_8), "the default " + GcpSkuPatterns.DEFAULT);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        RequiredFile.require(SKU_PATTERNS_PROPERTY, properties.skuPatterns());
        String origin = SKU_PATTERNS_PROPERTY + " (" + properties.skuPatterns().toAbsolutePath() + ")";
        try { // as every reference file: without a BOM, and a byte that is not UTF-8 refused naming its line
            return GcpSkuPatterns.read(InputFiles.readUtf8Strictly(properties.skuPatterns(), origin), origin);
        } catch (IOException e) {
            throw new IllegalArgumentException(origin + ": cannot be read: " + e.getMessage(), e);
        }
    }
}
