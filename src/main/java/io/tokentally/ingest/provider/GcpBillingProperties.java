package io.tokentally.ingest.provider;

import java.nio.file.Path;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Google Cloud Billing exports.
 *
 * @param skuPatterns the ordered SKU pattern table (CSV, as the default {@code gcp-sku-patterns.csv}
 *     shipped in the jar); none: the default
 */
@ConfigurationProperties("tokentally.gcp")
public record GcpBillingProperties(Path skuPatterns) {}
