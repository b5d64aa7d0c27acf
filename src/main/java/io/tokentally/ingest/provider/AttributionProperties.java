package io.tokentally.ingest.provider;

import io.tokentally.shared.NearestName;
import io.tokentally.shared.Repeats;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * Customer attribution of provider exports and gateway logs.
 *
 * @param mappingFile CSV {@code key,value,customer_id}: e.g. {@code openai.project_id,proj_abc,acme}
 *     attributes the usage of that OpenAI project to customer {@code acme}; none: no mapping
 * @param keys per reader family ({@code openai}, {@code anthropic}, {@code openrouter}, {@code litellm},
 *     {@code cloudflare}, {@code vercel}, {@code gcp}), the keys that name the customer, most specific first, e.g.
 *     {@code tokentally.attribution.keys.openai=api_key_id,project_id}, each a key of the family's readers; a
 *     family not listed uses its reader's default order
 */
@Validated
@ConfigurationProperties("tokentally.attribution")
public record AttributionProperties(Path mappingFile, Map<String, List<String>> keys) {

    /** The reader families whose keys name customers. */
    static final List<AttributionFamily> FAMILIES = List.of(
            OpenAiUsagePagesFormat.FAMILY,
            AnthropicMessagesUsageFormat.FAMILY,
            OpenRouterGenerationsFormat.FAMILY,
            LiteLlmSpendLogsFormat.FAMILY,
            CloudflareGatewayLogsFormat.FAMILY,
            VercelGatewayReportFormat.FAMILY,
            GoogleCloudBillingFormat.FAMILY);

    /**
     * Refuses a key order for a family no reader has (it would order nothing), an empty one or one with a blank key
     * (the family would attribute nothing), and one with a key the family does not have (a misspelt key would never
     * match): each would leave usage unattributed, silently. A key listed twice is refused too: its second place
     * orders nothing, and a list that says otherwise is likely not the one meant.
     */
    public AttributionProperties {
        keys = keys == null ? Map.of() : Map.copyOf(keys);
        keys.forEach((name, order) -> {
            String property = "tokentally.attribution.keys." + name;
            AttributionFamily family = family(name)
                    .orElseThrow(() -> new IllegalArgumentException(property + ": no reader family is named " + name
                            + "; the families are " + familyNames()
                            + nearestFamily(name)
                                    .map(near -> "; did you mean " + near.name() + "?")
                                    .orElse("")));
            if (order == null || order.isEmpty() || order.stream().anyMatch(key -> key == null || key.isBlank())) {
                throw new IllegalArgumentException(property
                        + ": empty, or with an empty key; list the keys that name the customer, most specific first");
            }
            order.stream()
                    .flatMap(key -> family.unknown(key, "").stream())
                    .findFirst()
                    .ifPresent(unknown -> {
                        throw new IllegalArgumentException(property + ": " + unknown);
                    });
            Repeats.firstRepeated(order).ifPresent(twice -> {
                throw new IllegalArgumentException(
                        property + ": lists " + twice + " twice; list each key once, most specific first");
            });
        });
    }

    /** The reader family of this name, if any. */
    static Optional<AttributionFamily> family(String name) {
        return FAMILIES.stream().filter(family -> family.name().equals(name)).findFirst();
    }

    /** The reader family nearest a name no family has, if one is near ({@link NearestName}). */
    static Optional<AttributionFamily> nearestFamily(String name) {
        List<String> names = FAMILIES.stream().map(AttributionFamily::name).toList();
        return name.isEmpty() ? Optional.empty() : family(NearestName.ignoringCase(name, names));
    }

    /** The families' names, as messages list them. */
    static String familyNames() {
        return String.join(", ", FAMILIES.stream().map(AttributionFamily::name).toList());
    }
}
