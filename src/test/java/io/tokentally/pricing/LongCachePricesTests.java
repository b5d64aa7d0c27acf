package io.tokentally.pricing;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokentally.shared.ContextTier;
import io.tokentally.shared.ServiceTier;
import io.tokentally.shared.TokenType;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LongCachePricesTests {

    static final String MODEL = "anthropic/claude-x";
    static final Instant JAN = Instant.parse("2026-01-01T00:00:00Z");
    static final Instant JUN = Instant.parse("2026-06-01T00:00:00Z");

    @Test
    void aVersionDerivedAtAPricesFileChangeUnderAFeedsCachePriceNamesThePricesFileSoNoSyncHoldsIt() {
        // given input 3 and long input 6 from the prices file, a cache-read price of 0.3 from a feed, and the prices
        // file's long input at 8 from June
        Map<Price.Key, Price> existing = byKey(
                price(TokenType.INPUT, ContextTier.STANDARD, "3", JAN, "prices.csv"),
                price(TokenType.INPUT, ContextTier.LONG, "6", JAN, "prices.csv"),
                price(TokenType.CACHE_READ, ContextTier.STANDARD, "0.3", JAN, "feed litellm (claude-x)"),
                price(TokenType.INPUT, ContextTier.LONG, "8", JUN, "prices.csv"));

        // when
        List<Price> derived = LongCachePrices.derive(existing);

        // then long cache reads at 0.3 x 6 / 3 from January, named after the feed's cache price, and at 0.3 x 8 / 3
        // from June, named after the prices file that changed then
        assertThat(derived)
                .extracting(price -> price.effectiveFrom() + " "
                        + price.usdPerMillion().stripTrailingZeros().toPlainString() + " " + price.origin())
                .containsExactlyInAnyOrder(
                        JAN + " 0.6 " + PriceRepository.DERIVED_LONG + " from feed litellm (claude-x)",
                        JUN + " 0.8 " + PriceRepository.DERIVED_LONG + " from prices.csv");
        // and plans that hold price changes take June's at once: no sync of the feed waits for an approval
        List<Price> catalog = new ArrayList<>(existing.values());
        catalog.addAll(derived);
        assertThat(HeldPrices.changes(catalog)).isEmpty();
    }

    @Test
    void aVersionDerivedAtAFeedsChangeNamesTheFeedSoPlansThatHoldChangesWaitForItsApproval() {
        // given the prices file's input 3, long input 6 and cache read 0.3 from January, and a feed's long input at 8
        // from June
        Map<Price.Key, Price> existing = byKey(
                price(TokenType.INPUT, ContextTier.STANDARD, "3", JAN, "prices.csv"),
                price(TokenType.INPUT, ContextTier.LONG, "6", JAN, "prices.csv"),
                price(TokenType.CACHE_READ, ContextTier.STANDARD, "0.3", JAN, "prices.csv"),
                price(TokenType.INPUT, ContextTier.LONG, "8", JUN, "feed litellm (claude-x)"));

        // when
        List<Price> catalog = new ArrayList<>(existing.values());
        catalog.addAll(LongCachePrices.derive(existing));

        // then June's derived cache price waits with the feed's sync: plans that hold changes keep January's
        assertThat(HeldPrices.changes(catalog)).containsExactly(new PriceApprovals.Sync("litellm", JUN));
        assertThat(HeldPrices.view(catalog, Map.of()))
                .filteredOn(
                        price -> price.tokenType() == TokenType.CACHE_READ && price.contextTier() == ContextTier.LONG)
                .extracting(price -> price.effectiveFrom() + " "
                        + price.usdPerMillion().stripTrailingZeros().toPlainString())
                .containsExactly(JAN + " 0.6");
    }

    private static Map<Price.Key, Price> byKey(Price... prices) {
        Map<Price.Key, Price> byKey = new HashMap<>();
        for (Price price : prices) {
            byKey.put(price.key(), price);
        }
        return byKey;
    }

    private static Price price(TokenType type, ContextTier context, String usd, Instant from, String origin) {
        return new Price(0, MODEL, type, ServiceTier.STANDARD, context, from, new BigDecimal(usd), 200_000L, origin);
    }
}
