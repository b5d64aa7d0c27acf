package io.tokentally.pricing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import io.tokentally.shared.ContextTier;
import io.tokentally.shared.ServiceTier;
import io.tokentally.shared.TokenType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The price catalog on the embedded database: versions are added, never changed. */
@SpringBootTest
class PriceRepositoryTests {

    static final Path WORK = temporaryFolder();
    static final Instant FROM = Instant.parse("2025-01-01T00:00:00Z");

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        registry.add("tokentally.data-dir", () -> WORK.resolve("data").toString());
        registry.add("tokentally.runs-dir", () -> WORK.resolve("runs").toString());
    }

    @Autowired
    PriceRepository prices;

    @Test
    void aLoadedVersionGivenAnotherAmountIsRefusedAndNothingOfTheListIsStored() {
        // given
        String model = "custom/" + UUID.randomUUID();
        prices.load(List.of(price(model, TokenType.INPUT, "2.5", "first.csv")));
        List<Price> edited = List.of(
                price(model, TokenType.OUTPUT, "10", "second.csv"), price(model, TokenType.INPUT, "3", "second.csv"));

        // when, then: the new output price comes first in the list and is not stored either
        assertThatIllegalArgumentException()
                .isThrownBy(() -> prices.load(edited))
                .withMessage("input of " + model + " (standard, standard) effective 2025-01-01T00:00:00Z"
                        + " is already 2.5 (from first.csv); second.csv says 3. Prices are versioned: add a row with"
                        + " a later effective_from instead");
        assertThat(prices.findAll())
                .filteredOn(price -> price.model().equals(model))
                .extracting(Price::tokenType)
                .containsOnly(TokenType.INPUT);
    }

    @Test
    void theCheckAloneRefusesAListGivingOneVersionTwoAmountsAndStoresNothing() {
        // given
        String model = "custom/" + UUID.randomUUID();
        List<Price> list = List.of(
                price(model, TokenType.CACHE_READ, "0.1", "feed a"),
                price(model, TokenType.CACHE_READ, "0.2", "feed b"));

        // when, then
        assertThatIllegalArgumentException()
                .isThrownBy(() -> prices.refuseChangedVersions(list))
                .withMessage("cache_read of " + model + " (standard, standard) effective 2025-01-01T00:00:00Z is given"
                        + " twice, as 0.1 (feed a) and as 0.2 (feed b). Prices are versioned: add a row with a later"
                        + " effective_from instead");
        assertThat(prices.findAll())
                .filteredOn(price -> price.model().equals(model))
                .isEmpty();
    }

    @Test
    void anIdenticalReloadAddsNothing() {
        // given
        String model = "custom/" + UUID.randomUUID();
        List<Price> list =
                List.of(price(model, TokenType.INPUT, "1", "a.csv"), price(model, TokenType.OUTPUT, "2", "a.csv"));
        int first = prices.load(list);

        // when
        int again = prices.load(list);

        // then: input and output, and their derived batch prices, once
        assertThat(first).isEqualTo(4);
        assertThat(again).isZero();
    }

    @Test
    void aDerivedBatchPriceIsHalfTheStandardOneRoundedHalfUpToTwelveDecimals() {
        // given
        String model = "custom/" + UUID.randomUUID();

        // when
        prices.load(List.of(
                price(model, TokenType.INPUT, "0.166666666667", "a.csv"),
                price(model, TokenType.OUTPUT, "2.5", "a.csv")));

        // then
        assertThat(prices.findAll())
                .filteredOn(price -> price.model().equals(model) && price.serviceTier() == ServiceTier.BATCH)
                .extracting(price -> price.tokenType() + " "
                        + price.usdPerMillion().stripTrailingZeros().toPlainString())
                .containsExactlyInAnyOrder("INPUT 0.083333333334", "OUTPUT 1.25");
    }

    private static Price price(String model, TokenType type, String usd, String origin) {
        return new Price(
                0, model, type, ServiceTier.STANDARD, ContextTier.STANDARD, FROM, new BigDecimal(usd), null, origin);
    }

    private static Path temporaryFolder() {
        try {
            return Files.createTempDirectory("tokentally-prices-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
