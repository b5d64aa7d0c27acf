package io.tokentally.job;

import io.tokentally.shared.HttpUrls;
import java.net.URI;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * Price sync settings.
 *
 * @param webhookUrl where each sync POSTs its JSON summary (changes, new and vanished models); empty: none
 */
@Validated
@ConfigurationProperties("tokentally.price-sync")
public record PriceSyncProperties(URI webhookUrl) {

    /** Refuses a webhook that cannot be called: the sync failed only when it posted, without naming the setting. */
    public PriceSyncProperties {
        webhookUrl = HttpUrls.requireHttp("tokentally.price-sync.webhook-url", webhookUrl);
    }
}
