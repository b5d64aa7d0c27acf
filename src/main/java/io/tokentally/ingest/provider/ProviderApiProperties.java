package io.tokentally.ingest.provider;

import static io.tokentally.shared.DurationSettings.POSITIVE;

import io.tokentally.shared.HttpUrls;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.net.URI;
import java.time.Duration;
import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Where the {@code api://openai} and {@code api://anthropic} sources pull usage from. The admin keys
 * come from {@code OPENAI_ADMIN_KEY} and {@code ANTHROPIC_ADMIN_KEY} by default; they are sent only in
 * the request headers and never logged or written.
 *
 * @param openaiBaseUrl OpenAI's API base (the path {@code /v1/organization/usage/completions} is added)
 * @param openaiAdminKey an OpenAI Admin key ({@code sk-admin-...}); needed only by {@code api://openai}
 * @param anthropicBaseUrl Anthropic's API base (the path {@code /v1/organizations/usage_report/messages} is added)
 * @param anthropicAdminKey an Anthropic Admin key ({@code sk-ant-admin...}); needed only by {@code api://anthropic}
 * @param maxAttempts tries per page when the API answers 429 or 5xx or the connection fails
 * @param backoff the first wait before a retry (doubled per try) when the API sends no Retry-After
 * @param maxBackoff the longest wait before a retry, also for a Retry-After
 * @param timeout how long one request may take
 * @param maxPages the most pages one pull reads (a guard against an API that never stops paging)
 */
@Validated
@ConfigurationProperties("tokentally.provider-api")
public record ProviderApiProperties(
        @DefaultValue("https://api.openai.com") @NotNull URI openaiBaseUrl,
        String openaiAdminKey,
        @DefaultValue("https://api.anthropic.com") @NotNull URI anthropicBaseUrl,
        String anthropicAdminKey,
        @DefaultValue("5") @Min(1) @Max(20) int maxAttempts,

        @DefaultValue("1s") @NotNull @DurationMin(millis = 1, message = POSITIVE)
        Duration backoff,

        @DefaultValue("60s") @NotNull @DurationMin(millis = 1, message = POSITIVE)
        Duration maxBackoff,

        @DefaultValue("60s") @NotNull @DurationMin(millis = 1, message = POSITIVE)
        Duration timeout,

        @DefaultValue("1000") @Min(1) int maxPages) {

    public ProviderApiProperties {
        openaiBaseUrl = HttpUrls.requireHttp("tokentally.provider-api.openai-base-url", openaiBaseUrl);
        anthropicBaseUrl = HttpUrls.requireHttp("tokentally.provider-api.anthropic-base-url", anthropicBaseUrl);
        openaiAdminKey = checkKey("tokentally.provider-api.openai-admin-key (OPENAI_ADMIN_KEY)", openaiAdminKey);
        anthropicAdminKey =
                checkKey("tokentally.provider-api.anthropic-admin-key (ANTHROPIC_ADMIN_KEY)", anthropicAdminKey);
    }

    /** The key of a provider, or a failure naming the property to set. */
    String keyOf(ProviderApiSource.Provider provider) {
        String key = provider == ProviderApiSource.Provider.OPENAI ? openaiAdminKey : anthropicAdminKey;
        if (key == null) {
            throw new IllegalStateException("api://" + provider.code() + " needs an admin key: set "
                    + (provider == ProviderApiSource.Provider.OPENAI
                            ? "tokentally.provider-api.openai-admin-key (or OPENAI_ADMIN_KEY)"
                            : "tokentally.provider-api.anthropic-admin-key (or ANTHROPIC_ADMIN_KEY)"));
        }
        return key;
    }

    URI baseOf(ProviderApiSource.Provider provider) {
        return provider == ProviderApiSource.Provider.OPENAI ? openaiBaseUrl : anthropicBaseUrl;
    }

    private static String checkKey(String property, String key) {
        if (key == null || key.isBlank()) {
            return null;
        }
        if (!key.strip().matches("[\\x21-\\x7e]+")) {
            throw new IllegalArgumentException(
                    property + " holds characters an HTTP header cannot carry (spaces or control characters)");
        }
        return key.strip();
    }

    @Override
    public String toString() {
        return "ProviderApiProperties[openaiBaseUrl=" + openaiBaseUrl + ", openaiAdminKey="
                + (openaiAdminKey == null ? null : "(hidden)") + ", anthropicBaseUrl=" + anthropicBaseUrl
                + ", anthropicAdminKey=" + (anthropicAdminKey == null ? null : "(hidden)") + "]";
    }
}
