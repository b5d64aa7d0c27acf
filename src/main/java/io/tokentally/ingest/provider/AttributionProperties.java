package io.tokentally.ingest.provider;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * Customer attribution of provider exports and gateway logs.
 *
 * @param mappingFile CSV {@code key,value,customer_id}: e.g. {@code openai.project_id,proj_abc,acme}
 *     attributes the usage of that OpenAI project to customer {@code acme}; none: no mapping
 * @param keys per reader family ({@code openai}, {@code anthropic}, {@code openrouter}, {@code litellm},
 *     {@code cloudflare}, {@code vercel}, {@code gcp}), the keys that name the customer, most specific first, e.g.
 *     {@code tokentally.attribution.keys.openai=api_key_id,project_id}; a family not listed uses its
 *     reader's default order
 */
@Validated
@ConfigurationProperties("tokentally.attribution")
public record AttributionProperties(Path mappingFile, Map<String, List<String>> keys) {

    /** The reader families whose keys name customers. */
    static final List<String> FAMILIES = List.of(
            OpenAiCompletionsUsageFormat.FAMILY,
            AnthropicMessagesUsageFormat.FAMILY,
            OpenRouterGenerationsFormat.FAMILY,
            LiteLlmSpendLogsFormat.FAMILY,
            CloudflareGatewayLogsFormat.FAMILY,
            VercelGatewayReportFormat.FAMILY,
            GoogleCloudBillingFormat.FAMILY);

    /**
     * Refuses a key order for a family no reader has (it would order nothing) and an empty one, or one with a blank
     * key (the family would attribute nothing): either would leave usage unattributed, silently.
     */
    public AttributionProperties {
        keys = keys == null ? Map.of() : Map.copyOf(keys);
        keys.forEach((family, order) -> {
            if (!FAMILIES.contains(family)) {
                throw new IllegalArgumentException(
                        "tokentally.attribution.keys." + family + ": no reader family is named " + family
                                + "; the families are " + String.join(", ", FAMILIES));
            }
            if (order == null || order.isEmpty() || order.stream().anyMatch(key -> key == null || key.isBlank())) {
                throw new IllegalArgumentException("tokentally.attribution.keys." + family
                        + ": empty, or with an empty key; list the keys that name the customer, most specific first");
            }
        });
    }
}
