package io.tokentally.pricing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import io.tokentally.shared.ContextTier;
import io.tokentally.shared.ServiceTier;
import io.tokentally.shared.TokenType;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class PricesFileTests {

    static final Instant JAN_2025 = Instant.parse("2025-01-01T00:00:00Z");

    @Test
    void readsPricesWithTiersVersionsAndDefaults() throws IOException {
        // given
        Path file = fixture("prices-with-tiers-and-versions.csv");

        // when
        List<Price> prices = PricesFile.read(file);

        // then
        assertThat(prices)
                .containsExactly(
                        // model lower-cased; blank tiers are standard; no effective_from means 1970-01-01
                        price(
                                "openai/gpt-4o",
                                TokenType.INPUT,
                                ServiceTier.STANDARD,
                                ContextTier.STANDARD,
                                PricesFile.BEGINNING,
                                "2.5",
                                null),
                        price(
                                "openai/gpt-4o",
                                TokenType.INPUT,
                                ServiceTier.BATCH,
                                ContextTier.STANDARD,
                                JAN_2025,
                                "1.25",
                                null),
                        price(
                                "openai/gpt-4o-mini",
                                TokenType.INPUT,
                                ServiceTier.STANDARD,
                                ContextTier.STANDARD,
                                Instant.parse("2026-10-05T12:30:00Z"),
                                "0.3",
                                null),
                        // cache_write (no TTL) is the 5-minute write
                        price(
                                "anthropic/claude-sonnet-4-5",
                                TokenType.CACHE_WRITE_5M,
                                ServiceTier.STANDARD,
                                ContextTier.LONG,
                                JAN_2025,
                                "7.5",
                                200_000L),
                        // service tier "default" is standard; 02:00+02:00 is midnight UTC
                        price(
                                "anthropic/claude-sonnet-4-5",
                                TokenType.CACHE_WRITE_1H,
                                ServiceTier.STANDARD,
                                ContextTier.LONG,
                                JAN_2025,
                                "12",
                                200_000L),
                        // exactly 12 decimals is allowed
                        price(
                                "openai/gpt-4o",
                                TokenType.CACHE_READ,
                                ServiceTier.STANDARD,
                                ContextTier.STANDARD,
                                JAN_2025,
                                "0.000000000001",
                                null),
                        // 14 decimals written, but 1.5 once trailing zeros go
                        price(
                                "openai/gpt-4o",
                                TokenType.OUTPUT,
                                ServiceTier.STANDARD,
                                ContextTier.STANDARD,
                                JAN_2025,
                                "1.50000000000000",
                                null));
        assertThat(prices).extracting(Price::origin).containsOnly("prices-with-tiers-and-versions.csv");
        assertThat(prices.get(6).usdPerMillion()).isEqualByComparingTo("1.5");
    }

    @Test
    void qualifiesABareModelWithTheCanonicalProviderColumn() throws IOException {
        // given
        Path file = fixture("prices-with-provider-column.csv");

        // when
        List<Price> prices = PricesFile.read(file);

        // then
        assertThat(prices).extracting(Price::model).containsExactly("google/gemini-2.5-pro", "openai/gpt-4o");
        assertThat(prices).extracting(Price::provider).containsExactly("google", "openai");
        assertThat(prices.get(0).usdPerMillion()).isEqualByComparingTo("1.25");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            openrouter/openai/gpt-4.1 |           | model 'openrouter/openai/gpt-4.1' prices no usage: usage of it is priced as 'openai/gpt-4.1'; write the model so
            bedrock/claude-sonnet-4-5 |           | model 'bedrock/claude-sonnet-4-5' prices no usage: usage of it is priced as 'anthropic/claude-sonnet-4-5'; write the model so
            gemini/gemini-2.5-pro     |           | model 'gemini/gemini-2.5-pro' prices no usage: usage of it is priced as 'google/gemini-2.5-pro'; write the model so
            google/models/gemini-2.5-pro |        | model 'google/models/gemini-2.5-pro' prices no usage: usage of it is priced as 'google/gemini-2.5-pro'; write the model so
            models/gemini-2.5-pro     | google    | provider 'google' is not the provider of model 'models/gemini-2.5-pro'; give a canonical provider/model and no provider, or a provider and its bare model
            openai/gpt-4.1            | openrouter | provider 'openrouter' is not the provider of model 'openai/gpt-4.1'; give a canonical provider/model and no provider, or a provider and its bare model
            /gpt-4.1                  |           | model '/gpt-4.1' must name both a provider and a model: provider/model
            openai/                   |           | model 'openai/' must name both a provider and a model: provider/model
            gpt-4.1                   |           | model 'gpt-4.1' must be written provider/model, or this row's provider given (it is empty)
            """)
    void refusesAModelNoUsageIsPricedUnderNamingFileLineAndTheIdToWrite(
            String model, String provider, String message, @TempDir Path folder) throws IOException {
        // given
        Path file = Files.writeString(
                folder.resolve("prices.csv"),
                "model,provider,token_type,usd_per_million\n"
                        + "openai/gpt-4o,,input,2.5\n"
                        + model + "," + (provider == null ? "" : provider) + ",input,2\n");

        // when, then
        assertThatIllegalArgumentException()
                .isThrownBy(() -> PricesFile.read(file))
                .withMessage(file + " line 3: " + message);
    }

    @Test
    void refusesABareModelWithoutAProviderColumnNamingTheColumnToAdd(@TempDir Path folder) throws IOException {
        // given
        Path file =
                Files.writeString(folder.resolve("prices.csv"), "model,token_type,usd_per_million\ngpt-4.1,input,2\n");

        // when, then
        assertThatIllegalArgumentException()
                .isThrownBy(() -> PricesFile.read(file))
                .withMessage(
                        file + " line 2: model 'gpt-4.1' must be written provider/model, or a provider column given");
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {"openai/gpt-4o\u00A0 | U+00A0 at character 14", "\uFEFFgpt-4o | U+FEFF at character 1"})
    void refusesAModelWithACharacterThatCannotBeSeen(String model, String where, @TempDir Path folder)
            throws IOException {
        // given: a price of a model id that reads as gpt-4o was the price of a model of its own, gpt-4o's usage held
        Path file = Files.writeString(
                folder.resolve("prices.csv"),
                "model,provider,token_type,usd_per_million\n" + model + ",openai,input,2\n");

        // when, then
        assertThatIllegalArgumentException()
                .isThrownBy(() -> PricesFile.read(file))
                .withMessage(file + " line 2: column model holds " + where
                        + ", which cannot be seen; ids are compared exactly");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "openrouter/mistral/mistral-large",
                "azure/azure/gpt-4o",
                "anthropic/claude-sonnet-4.5",
                "custom/acme-ft",
                "anthropic/claude-sonnet-4-5:fast"
            })
    void readsAModelUsageCanBePricedUnder(String model, @TempDir Path folder) throws IOException {
        // given an id some usage resolves to: a host's own model, a price added before 2026-11-30 with the
        // provider's own prefix kept, a dotted version as gateways write it, a custom model, a multiplier
        Path file = Files.writeString(
                folder.resolve("prices.csv"), "model,token_type,usd_per_million\n" + model + ",input,2\n");

        // when
        List<Price> prices = PricesFile.read(file);

        // then
        assertThat(prices).extracting(Price::model).containsExactly(model);
    }

    @Test
    void refusesAnUnknownTokenTypeNamingFileAndLine() {
        // given
        Path file = fixture("prices-with-bad-token-type.csv");

        // when, then
        assertThatIllegalArgumentException()
                .isThrownBy(() -> PricesFile.read(file))
                .withMessage(file + " line 3: token_type 'cache_miss' is not one of"
                        + " input, cache_read, cache_write_5m, cache_write_1h, output,"
                        + " web_search_request, image, audio_second");
    }

    @Test
    void refusesAContextTierSpeltWithALongSAsTheUsageFilesDo(@TempDir Path folder) throws IOException {
        // given: a long s (U+017F) upper-cases to S, but is no s
        Path file = Files.writeString(
                folder.resolve("prices.csv"),
                "model,token_type,usd_per_million,effective_from,context_tier\n"
                        + "openai/gpt-4o,input,2.5,2025-01-01,\u017Ftandard\n");

        // when, then
        assertThatIllegalArgumentException()
                .isThrownBy(() -> PricesFile.read(file))
                .withMessage(file + " line 2: context_tier '\u017Ftandard' is not one of standard, long");
    }

    @Test
    void refusesDigitsOtherThanZeroToNineAsTheUsageFilesDo(@TempDir Path folder) throws IOException {
        // given: an Arabic-Indic five, which BigDecimal reads as 5, and a full-width 100 as a threshold
        Path price = Files.writeString(
                folder.resolve("prices.csv"), "model,token_type,usd_per_million\n" + "openai/gpt-4o,input,\u0665\n");
        Path threshold = Files.writeString(
                folder.resolve("thresholds.csv"),
                "model,token_type,usd_per_million,long_context_threshold\n"
                        + "openai/gpt-4o,input,2.5,\uFF11\uFF10\uFF10\n");

        // when, then
        assertThatIllegalArgumentException()
                .isThrownBy(() -> PricesFile.read(price))
                .withMessage(price + " line 2: usd_per_million '\u0665' is not a decimal number");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> PricesFile.read(threshold))
                .withMessage(threshold + " line 2: long_context_threshold '\uFF11\uFF10\uFF10' is not a whole number");
    }

    @Test
    void skipsLinesOfBlankCharactersAndIndentedCommentsAsEmptyLinesAreSkipped(@TempDir Path folder) throws IOException {
        // given: a line of spaces, one of a tab and an indented comment between two prices
        Path file = Files.writeString(
                folder.resolve("prices.csv"),
                "model,token_type,usd_per_million\n" + "openai/gpt-4o,input,2.5\n" + "   \n" + "\t\n"
                        + "  # output, cached, next\n" + "openai/gpt-4o,output,10\n");

        // when
        List<Price> prices = PricesFile.read(file);

        // then
        assertThat(prices).extracting(Price::tokenType).containsExactly(TokenType.INPUT, TokenType.OUTPUT);
    }

    @Test
    void refusesAnEffectiveInstantWithoutAnOffsetSayingSo(@TempDir Path folder) throws IOException {
        // given
        Path file = Files.writeString(
                folder.resolve("prices.csv"),
                "model,token_type,usd_per_million,effective_from\n"
                        + "openai/gpt-4o,input,2.5,2025-01-01\n"
                        + "openai/gpt-4o,input,2,2026-11-27T12:00:00\n");

        // when, then
        assertThatIllegalArgumentException()
                .isThrownBy(() -> PricesFile.read(file))
                .withMessage(file + " line 3: effective_from '2026-11-27T12:00:00' is neither a date (YYYY-MM-DD, UTC)"
                        + " nor an ISO-8601 instant: it has no offset; write it with Z or +hh:mm");
    }

    @Test
    void refusesAnEffectiveFromOfTwoLinesShowingItsLineBreakAsAnEscape(@TempDir Path folder) throws IOException {
        // given a quoted effective_from that runs over two lines
        Path file = Files.writeString(
                folder.resolve("prices.csv"),
                "model,token_type,usd_per_million,effective_from\n" + "openai/gpt-4o,input,2.5,\"2025-01-01\r\nZ\"\n");

        // when, then
        assertThatIllegalArgumentException()
                .isThrownBy(() -> PricesFile.read(file))
                .withMessageContaining("effective_from '2025-01-01\\u000D\\u000AZ' is neither a date");
    }

    @Test
    void refusesTheSamePriceGivenTwiceWithDifferentAmountsNamingBothLines() {
        // given output for gpt-4o from 2025-01-01 at 10 on line 3 and at 12 on line 5; input on lines 2 and 4
        Path file = fixture("prices-with-conflicting-duplicate.csv");

        // when, then
        assertThatIllegalArgumentException()
                .isThrownBy(() -> PricesFile.read(file))
                .withMessage(file + " line 5: output of openai/gpt-4o (standard, standard) effective"
                        + " 2025-01-01T00:00:00Z is 10 on line 3 and 12 here. Prices are versioned: add a row with a"
                        + " later effective_from instead");
    }

    @Test
    void refusesTwoThresholdsForAModelsPricesFromOneInstantNamingBothLines() {
        // given gpt-4.1 from 2026-01-01 with 272000 on line 2 and 100000 on line 4 (a later version may differ)
        Path file = fixture("prices-with-conflicting-threshold.csv");

        // when, then
        assertThatIllegalArgumentException()
                .isThrownBy(() -> PricesFile.read(file))
                .withMessage(file + " line 4: long_context_threshold of openai/gpt-4.1 from 2026-01-01T00:00:00Z is"
                        + " 272000 on line 2 and 100000 here; a model's prices from one instant share one threshold");
    }

    @Test
    void refusesALongContextPriceWithoutAThresholdInForceNamingItsLine(@TempDir Path folder) throws IOException {
        // given claude-sonnet-4-5's long input from 2025-01-01 and its threshold only from 2026-01-01
        Path file = Files.writeString(
                folder.resolve("prices.csv"),
                "model,token_type,context_tier,usd_per_million,effective_from,long_context_threshold\n"
                        + "anthropic/claude-sonnet-4-5,input,standard,3,2025-01-01,\n"
                        + "anthropic/claude-sonnet-4-5,input,long,6,2025-01-01,\n"
                        + "anthropic/claude-sonnet-4-5,input,standard,3,2026-01-01,200000\n");

        // when, then
        assertThatIllegalArgumentException()
                .isThrownBy(() -> PricesFile.read(file))
                .withMessage(file + " line 3: anthropic/claude-sonnet-4-5 has a long context_tier price from"
                        + " 2025-01-01T00:00:00Z but no long_context_threshold in force then: give the prompt tokens"
                        + " above which its requests are long-context on a row of the model from then or earlier");
    }

    @Test
    void takesALongContextPriceWhoseThresholdAnotherRowOfTheModelGivesFromTheSameInstant(@TempDir Path folder)
            throws IOException {
        // given the threshold on the standard input's row only
        Path file = Files.writeString(
                folder.resolve("prices.csv"),
                "model,token_type,context_tier,usd_per_million,effective_from,long_context_threshold\n"
                        + "anthropic/claude-sonnet-4-5,input,long,6,2025-01-01,\n"
                        + "anthropic/claude-sonnet-4-5,input,standard,3,2025-01-01,200000\n");

        // when, then
        assertThat(PricesFile.read(file)).hasSize(2);
    }

    @Test
    void keepsOneCopyOfAPriceRepeatedWithTheSameAmount() throws IOException {
        // given input for gpt-4o from 2025-01-01 as 2.5 on line 2 and as 2.50 on line 4
        Path file = fixture("prices-with-repeated-row.csv");

        // when
        List<Price> prices = PricesFile.read(file);

        // then
        assertThat(prices).extracting(Price::tokenType).containsExactly(TokenType.INPUT, TokenType.OUTPUT);
    }

    @Test
    void refusesANegativePriceNamingFileAndLine() {
        // given a negative output price on line 5, after a blank line
        Path file = fixture("prices-with-negative-price.csv");

        // when, then
        assertThatIllegalArgumentException()
                .isThrownBy(() -> PricesFile.read(file))
                .withMessage(file + " line 5: usd_per_million is negative: -10");
    }

    @Test
    void refusesAPriceWithMoreThanTwelveDecimalsNamingFileAndLine() {
        // given 0.0000000000001: 13 decimals
        Path file = fixture("prices-with-thirteen-decimals.csv");

        // when, then
        assertThatIllegalArgumentException()
                .isThrownBy(() -> PricesFile.read(file))
                .withMessage(file + " line 2: usd_per_million 0.0000000000001 has more than 12 decimals");
    }

    @Test
    void refusesWhatNoPriceColumnKeepsNamingFileAndLine(@TempDir Path folder) throws IOException {
        // given a model id of 201 characters, a provider of 51, a version from the year 10000, and a price of a dollar
        // a token; 200, 50 and just under a dollar are kept
        String longest = "openai/" + "m".repeat(193);
        String longestProvider = "p".repeat(50) + "/m";
        Path file = Files.writeString(
                folder.resolve("prices.csv"),
                "model,token_type,usd_per_million\n" + longest + ",input,2\n" + longestProvider + ",input,2\n"
                        + "openai/gpt-4o,input,999999.999999999999\n");
        assertThat(PricesFile.read(file)).hasSize(3);

        // when, then
        assertThatIllegalArgumentException()
                .isThrownBy(() -> PricesFile.read(Files.writeString(
                        folder.resolve("model.csv"), "model,token_type,usd_per_million\n" + longest + "x,input,2\n")))
                .withMessage(folder.resolve("model.csv") + " line 2: model " + longest
                        + "x has 201 characters; at most 200 are allowed");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> PricesFile.read(Files.writeString(
                        folder.resolve("provider.csv"),
                        "model,token_type,usd_per_million\n" + "p".repeat(51) + "/m,input,2\n")))
                .withMessage(folder.resolve("provider.csv") + " line 2: provider " + "p".repeat(51)
                        + " has 51 characters; at most 50 are allowed");
        assertThatIllegalArgumentException()
                .isThrownBy(
                        () -> PricesFile.read(
                                Files.writeString(
                                        folder.resolve("year.csv"),
                                        "model,token_type,usd_per_million,effective_from\nopenai/gpt-4o,input,2,+10000-01-01T00:00:00Z\n")))
                .withMessage(folder.resolve("year.csv")
                        + " line 2: effective_from +10000-01-01T00:00:00Z is outside the years 0000 to 9999 (UTC)");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> PricesFile.read(Files.writeString(
                        folder.resolve("nanos.csv"),
                        "model,token_type,usd_per_million,effective_from\n"
                                + "openai/gpt-4o,input,2,2026-12-01T00:00:00.000001Z\n"
                                + "openai/gpt-4o,output,8,2026-12-01T00:00:00.0000001Z\n")))
                .withMessage(folder.resolve("nanos.csv") + " line 3: effective_from 2026-12-01T00:00:00.0000001Z has"
                        + " more than six decimals of a second (the database keeps instants to the microsecond)");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> PricesFile.read(Files.writeString(
                        folder.resolve("price.csv"), "model,token_type,usd_per_million\nopenai/gpt-4o,input,1e6\n")))
                .withMessage(folder.resolve("price.csv") + " line 2: usd_per_million 1e6 is not less than 1000000"
                        + " (a dollar a token, more than any model costs)");
    }

    private static Price price(
            String model,
            TokenType type,
            ServiceTier tier,
            ContextTier context,
            Instant from,
            String usd,
            Long threshold) {
        return new Price(
                0,
                model,
                type,
                tier,
                context,
                from,
                new BigDecimal(usd),
                threshold,
                "prices-with-tiers-and-versions.csv");
    }

    private static Path fixture(String name) {
        try {
            return Path.of(PricesFileTests.class.getResource(name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
