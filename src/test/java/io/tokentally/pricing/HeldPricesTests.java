package io.tokentally.pricing;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokentally.normalize.ModelCatalog;
import io.tokentally.shared.ContextTier;
import io.tokentally.shared.ServiceTier;
import io.tokentally.shared.TokenType;
import java.math.BigDecimal;
import java.time.Duration;
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
    void anApprovedChangeCountsFromTheFirstWholeHourAfterItsApprovalNotFromItsEffectiveInstant() {
        PriceCatalog held = new PriceCatalog(HeldPrices.view(CATALOG, Map.of(LITELLM, APPROVED)));
        Instant nextHour = Instant.parse("2026-10-22T10:00:00Z");

        // the approval's hour keeps the old price at any instant of it (a row priced at another version's instant)
        assertThat(usd(held, "openai/gpt-4o-mini", ServiceTier.STANDARD, APPROVED))
                .isEqualTo("0.3");
        assertThat(usd(held, "openai/gpt-4o-mini", ServiceTier.STANDARD, nextHour.minusSeconds(1)))
                .isEqualTo("0.3");
        assertThat(usd(held, "openai/gpt-4o-mini", ServiceTier.STANDARD, nextHour))
                .isEqualTo("0.2");
        assertThat(usd(held, "openai/gpt-4o-mini", ServiceTier.BATCH, nextHour)).isEqualTo("0.1");
        // approved on the hour, it counts from that hour
        PriceCatalog onTheHour = new PriceCatalog(HeldPrices.view(CATALOG, Map.of(LITELLM, nextHour)));
        assertThat(usd(onTheHour, "openai/gpt-4o-mini", ServiceTier.STANDARD, nextHour))
                .isEqualTo("0.2");
        // a version effective at 10:30 approved at 10:10 counts from 10:30, as for plans that take changes
        Instant halfPast = Instant.parse("2026-10-22T10:30:00Z");
        List<Price> catalog = List.of(
                price("openai/gpt-4o-mini", ServiceTier.STANDARD, "0.3", JAN, "feed litellm (gpt-4o-mini)"),
                price("openai/gpt-4o-mini", ServiceTier.STANDARD, "0.2", halfPast, "feed litellm (gpt-4o-mini)"));
        PriceCatalog inAdvance = new PriceCatalog(HeldPrices.view(
                catalog, Map.of(new PriceApprovals.Sync("litellm", halfPast), halfPast.minus(Duration.ofMinutes(20)))));
        assertThat(usd(inAdvance, "openai/gpt-4o-mini", ServiceTier.STANDARD, halfPast.minusSeconds(1)))
                .isEqualTo("0.3");
        assertThat(usd(inAdvance, "openai/gpt-4o-mini", ServiceTier.STANDARD, halfPast))
                .isEqualTo("0.2");
    }

    @Test
    void aChangeApprovedAfterALaterVersionOfItsPriceStartedNeverTakesEffect() {
        // given input at 3 from a feed; sync A makes it 4 from 1 December, an override 2 from 3 December, sync B 5
        // from 5 December
        Instant december = Instant.parse("2026-12-01T00:00:00Z");
        Instant override = december.plus(Duration.ofDays(2));
        Instant syncB = december.plus(Duration.ofDays(4));
        List<Price> catalog = List.of(
                price("google/gem", ServiceTier.STANDARD, "3", JAN, "feed litellm (gem)"),
                price("google/gem", ServiceTier.STANDARD, "4", december, "feed litellm (gem)"),
                price("google/gem", ServiceTier.STANDARD, "2", override, "override: negotiated"),
                price("google/gem", ServiceTier.STANDARD, "5", syncB, "feed litellm (gem)"));
        PriceApprovals.Sync a = new PriceApprovals.Sync("litellm", december);
        PriceApprovals.Sync b = new PriceApprovals.Sync("litellm", syncB);

        // when A is approved on 10 December, after the override; then B on 6 December and A on 7 December
        PriceCatalog aLate = new PriceCatalog(HeldPrices.view(catalog, Map.of(a, december.plus(Duration.ofDays(9)))));
        PriceCatalog bFirst = new PriceCatalog(
                HeldPrices.view(catalog, Map.of(b, syncB.plus(Duration.ofDays(1)), a, syncB.plus(Duration.ofDays(2)))));

        // then the older change is overtaken, not put back over the later versions
        assertThat(usd(aLate, "google/gem", ServiceTier.STANDARD, override.minusSeconds(1)))
                .isEqualTo("3");
        assertThat(usd(aLate, "google/gem", ServiceTier.STANDARD, december.plus(Duration.ofDays(10))))
                .isEqualTo("2");
        assertThat(usd(bFirst, "google/gem", ServiceTier.STANDARD, syncB.plus(Duration.ofDays(1))))
                .isEqualTo("5");
        assertThat(usd(bFirst, "google/gem", ServiceTier.STANDARD, syncB.plus(Duration.ofDays(3))))
                .isEqualTo("5");
    }

    @Test
    void aLongContextPriceThatBringsItsModelAThresholdWaitsForApprovalAsAChangeDoes() {
        // given gpt-4o priced without a threshold since January, and a sync adding long prices above 128,000 tokens
        List<Price> catalog = List.of(
                price("openai/gpt-4o", ServiceTier.STANDARD, "2.5", JAN, "prices.csv"), longInputFromFeed("gpt-4o"));

        // then plans that hold changes see no threshold until the sync is approved
        assertThat(HeldPrices.changes(catalog)).containsExactly(LITELLM);
        assertThat(threshold(new PriceCatalog(HeldPrices.view(catalog, Map.of())), SYNC))
                .isNull();
        assertThat(threshold(
                        new PriceCatalog(HeldPrices.view(catalog, Map.of(LITELLM, APPROVED))),
                        Instant.parse("2026-10-22T10:00:00Z")))
                .isEqualTo(128_000L);
        assertThat(threshold(new PriceCatalog(catalog), SYNC)).isEqualTo(128_000L);
        // a new model's long prices come with it, as any price of a new model
        assertThat(HeldPrices.changes(List.of(longInputFromFeed("gpt-7")))).isEmpty();
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

    /** OpenAI's {@code model}'s long-context input price from the litellm sync, above 128,000 tokens. */
    private static Price longInputFromFeed(String model) {
        return new Price(
                0,
                "openai/" + model,
                TokenType.INPUT,
                ServiceTier.STANDARD,
                ContextTier.LONG,
                SYNC,
                new BigDecimal("6"),
                128_000L,
                "feed litellm (" + model + ")");
    }

    private static Long threshold(PriceCatalog catalog, Instant at) {
        return catalog.pricingAt("openai/gpt-4o", at)
                .map(ModelCatalog.ModelPricing::longContextThreshold)
                .orElse(null);
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
