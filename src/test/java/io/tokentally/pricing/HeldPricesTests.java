package io.tokentally.pricing;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokentally.shared.ContextTier;
import io.tokentally.shared.ServiceTier;
import io.tokentally.shared.TokenType;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HeldPricesTests {

    static final Instant JAN = Instant.parse("2026-01-01T00:00:00Z");
    static final Instant SYNC = Instant.parse("2026-10-21T00:00:00Z");
    static final Instant APPROVED = Instant.parse("2026-10-22T09:30:00Z");
    static final PriceApprovals.Sync LITELLM = new PriceApprovals.Sync("litellm", SYNC);

    static final List<Price> CATALOG = List.of(
            price("openai/gpt-4o-mini", ServiceTier.STANDARD, "0.3", JAN, "prices.csv"),
            price(
                    "openai/gpt-4o-mini",
                    ServiceTier.BATCH,
                    "0.15",
                    JAN,
                    PriceRepository.DERIVED_BATCH + " from prices.csv"),
            price("openai/gpt-4o-mini", ServiceTier.STANDARD, "0.2", SYNC, "feed litellm (gpt-4o-mini)"),
            price(
                    "openai/gpt-4o-mini",
                    ServiceTier.BATCH,
                    "0.1",
                    SYNC,
                    PriceRepository.DERIVED_BATCH + " from feed litellm (gpt-4o-mini)"),
            price("openai/gpt-6", ServiceTier.STANDARD, "4", SYNC, "feed litellm (gpt-6)"));

    @Test
    void anUnapprovedChangeIsNotInTheHeldViewButANewModelIs() {
        PriceCatalog held = new PriceCatalog(HeldPrices.view(CATALOG, Map.of()));

        assertThat(usd(held, "openai/gpt-4o-mini", ServiceTier.STANDARD, SYNC.plusSeconds(86_400)))
                .isEqualTo("0.3");
        assertThat(usd(held, "openai/gpt-4o-mini", ServiceTier.BATCH, SYNC.plusSeconds(86_400)))
                .isEqualTo("0.15");
        assertThat(usd(held, "openai/gpt-6", ServiceTier.STANDARD, SYNC)).isEqualTo("4");
    }

    @Test
    void anApprovedChangeCountsFromItsApprovalNotFromItsEffectiveInstant() {
        PriceCatalog held = new PriceCatalog(HeldPrices.view(CATALOG, Map.of(LITELLM, APPROVED)));

        assertThat(usd(held, "openai/gpt-4o-mini", ServiceTier.STANDARD, APPROVED.minusSeconds(1)))
                .isEqualTo("0.3");
        assertThat(usd(held, "openai/gpt-4o-mini", ServiceTier.STANDARD, APPROVED))
                .isEqualTo("0.2");
        assertThat(usd(held, "openai/gpt-4o-mini", ServiceTier.BATCH, APPROVED)).isEqualTo("0.1");
    }

    @Test
    void onlySyncsThatChangeAPriceWaitForApproval() {
        assertThat(HeldPrices.changes(CATALOG)).containsExactly(LITELLM);
    }

    @Test
    void theFeedOfADerivedPriceIsTheFeedOfItsSource() {
        assertThat(PriceSync.feedOf("feed litellm (gpt-4o-mini)")).contains("litellm");
        assertThat(PriceSync.feedOf(PriceRepository.DERIVED_BATCH + " from feed openai-feed (gpt-4.1)"))
                .contains("openai-feed");
        assertThat(PriceSync.feedOf("prices.csv")).isEmpty();
        assertThat(PriceSync.feedOf("override: negotiated.csv")).isEmpty();
    }

    private static String usd(PriceCatalog catalog, String model, ServiceTier tier, Instant at) {
        return catalog.priceAt(model, TokenType.INPUT, tier, ContextTier.STANDARD, at)
                .orElseThrow()
                .usdPerMillion()
                .toPlainString();
    }

    static Price price(String model, ServiceTier tier, String usd, Instant from, String origin) {
        return new Price(
                0, model, TokenType.INPUT, tier, ContextTier.STANDARD, from, new BigDecimal(usd), null, origin);
    }
}
