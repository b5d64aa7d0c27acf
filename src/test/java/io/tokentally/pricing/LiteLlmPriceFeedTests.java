package io.tokentally.pricing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tokentally.shared.ContextTier;
import io.tokentally.shared.ServiceTier;
import io.tokentally.shared.TokenType;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The LiteLLM catalog excerpt in sample-data, read with its traps. */
class LiteLlmPriceFeedTests {

    static final Path FEED = Path.of("sample-data/price-feeds/litellm-2026-07-24.json");
    static LiteLlmPriceFeed.Contents contents;
    static Map<FeedPrice.Slot, FeedPrice> bySlot;

    @BeforeAll
    static void read() throws IOException {
        try (InputStream in = Files.newInputStream(FEED)) {
            contents = LiteLlmPriceFeed.read(in, "litellm");
        }
        bySlot = contents.prices().stream().collect(Collectors.toMap(FeedPrice::slot, Function.identity()));
    }

    @ParameterizedTest(name = "{0} {1} {2} {3} = {4} per 1M")
    @CsvSource({
        "openai/gpt-4o,             input,          standard, standard, 2.5",
        "openai/gpt-4o,             output,         standard, standard, 10",
        "openai/gpt-4o,             cache_read,     standard, standard, 1.25",
        "openai/gpt-4o,             input,          batch,    standard, 1.25",
        "openai/gpt-4o,             cache_read,     priority, standard, 2.125",
        "openai/gpt-4o-mini,        cache_read,     standard, standard, 0.075",
        "openai/gpt-4o-2024-05-13,  input,          standard, standard, 5",
        "openai/gpt-5,              input,          flex,     standard, 0.625",
        "anthropic/claude-sonnet-4-5, cache_write_5m, standard, standard, 3.75",
        "anthropic/claude-sonnet-4-5, cache_write_1h, standard, standard, 6",
        "anthropic/claude-sonnet-4-5, input,          standard, long,     6",
        "anthropic/claude-sonnet-4-5, cache_write_1h, standard, long,     12",
        "anthropic/claude-sonnet-4-5, output,         standard, long,     22.5",
        "google/gemini-2.5-pro,     cache_read,     standard, long,     0.25",
        "google/gemini-2.5-flash,   output,         standard, standard, 2.5"
    })
    void readsUsdPerTokenAsUsdPerMillionExactly(
            String model, String tokenType, String serviceTier, String contextTier, String usdPerMillion) {
        FeedPrice price = bySlot.get(new FeedPrice.Slot(
                model,
                TokenType.fromCode(tokenType),
                ServiceTier.parse(serviceTier).orElseThrow(),
                ContextTier.fromCode(contextTier)));

        assertThat(price).as(model + " " + tokenType).isNotNull();
        assertThat(price.usdPerMillion()).isEqualByComparingTo(new BigDecimal(usdPerMillion));
    }

    @Test
    void aLongContextModelCarriesItsThresholdOnEveryPrice() {
        assertThat(contents.prices())
                .filteredOn(price -> price.model().equals("anthropic/claude-sonnet-4-5"))
                .hasSize(10)
                .allMatch(price -> price.longContextThreshold() == 200_000L);
        assertThat(contents.prices())
                .filteredOn(price -> price.model().equals("openai/gpt-4o"))
                .allMatch(price -> price.longContextThreshold() == null);
    }

    @Test
    void aSnapshotPricedLikeItsBaseIsDroppedAndOnePricedOtherwiseKeepsItsOwnId() {
        assertThat(contents.prices())
                .extracting(FeedPrice::model)
                .doesNotContain("openai/gpt-4o-2024-08-06", "anthropic/claude-sonnet-4-5-20250929")
                .contains("openai/gpt-4o-2024-05-13");
    }

    @Test
    void theAiStudioEntryWinsOverVertexForTheSameGoogleModel() {
        assertThat(contents.prices())
                .filteredOn(price -> price.model().equals("google/gemini-2.5-pro"))
                .extracting(FeedPrice::feedKey)
                .containsOnly("gemini/gemini-2.5-pro");
    }

    @Test
    void listsWhatItCannotMapAndWhatItDoesNotApply() {
        assertThat(contents.ignored())
                .anyMatch(line -> line.startsWith("azure/gpt-4o (provider 'azure'"))
                .anyMatch(line -> line.startsWith("dall-e-3 (mode 'image_generation'"))
                .anyMatch(line -> line.startsWith("text-embedding-3-small (mode 'embedding'"));
        assertThat(contents.notes())
                .anyMatch(line -> line.startsWith("claude-opus-4-6: provider multipliers"))
                .anyMatch(line -> line.matches(
                        "price key input_cost_per_audio_token \\([0-9]+ models, the first [^)]+\\) is not a token"
                                + " price this engine bills"))
                .anyMatch(line -> line.contains("2 dated keys are priced like their base model"));
    }

    @Test
    void leavesOutWhatNoPriceColumnKeepsAndSaysSo() throws IOException {
        // given a model id of 201 characters, a price of $10^20 a token and one of 14 decimals per million (storing
        // either failed the whole sync with the database's words)
        String longKey = "m".repeat(194); // openai/ + 194 = 201
        String feed = """
                {"%s": {"litellm_provider": "openai", "input_cost_per_token": 1e-06},
                 "gpt-huge": {"litellm_provider": "openai", "input_cost_per_token": 1e20, "output_cost_per_token": 1e-05},
                 "gpt-fine": {"litellm_provider": "openai", "input_cost_per_token": 1.23456789012345e-07},
                 "gpt-nul\\u0000": {"litellm_provider": "openai", "input_cost_per_token": 1e-06}}
                """.formatted(longKey);

        // when
        LiteLlmPriceFeed.Contents read =
                LiteLlmPriceFeed.read(new ByteArrayInputStream(feed.getBytes(StandardCharsets.UTF_8)), "feed");

        // then: gpt-huge keeps its output price, gpt-fine its input price rounded half-up to 12 decimals per million
        assertThat(read.prices())
                .extracting(price -> price.model() + " " + price.tokenType().code() + " "
                        + price.usdPerMillion().toPlainString())
                .containsExactlyInAnyOrder("openai/gpt-huge output 10", "openai/gpt-fine input 0.123456789012");
        // and a key holding a NUL, which PostgreSQL cannot store (half a character in a key is not valid JSON to the
        // parser: the feed is refused)
        assertThat(read.ignored())
                .containsExactlyInAnyOrder(
                        longKey + " (its id openai/" + longKey + " has 201 characters; at most 200 are allowed)",
                        "gpt-nul\uFFFD (its key holds a NUL (U+0000), which PostgreSQL does not store)");
        assertThat(read.notes())
                .containsExactlyInAnyOrder(
                        "gpt-huge: input_cost_per_token is a dollar or more a token (1E+20), more than any model costs;"
                                + " ignored",
                        "gpt-fine: input_cost_per_token 1.23456789012345E-7 has more than 12 decimals per million"
                                + " tokens; rounded half-up to 1.23456789012E-7");
    }

    @Test
    void aFeedThatIsNotJsonIsRefusedNamingIt() {
        assertThatThrownBy(() -> LiteLlmPriceFeed.read(
                        new ByteArrayInputStream("<html>".getBytes(StandardCharsets.UTF_8)), "https://example/feed"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("https://example/feed line 1, column 1: not valid JSON");
    }

    @Test
    void aFeedCutShortIsRefusedNamingTheLineAndColumnWhereItEnds() {
        // given: a feed whose second model's key is cut off
        String feed = "{\n  \"gpt-4o\": {\"input_cost_per_token\": 2.5e-06},\n  \"gpt-4o-mi";

        // then
        assertThatThrownBy(() -> LiteLlmPriceFeed.read(
                        new ByteArrayInputStream(feed.getBytes(StandardCharsets.UTF_8)), "https://example/feed"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(
                        "https://example/feed line 3, column 13: not valid JSON: Unexpected end-of-input")
                .hasMessageNotContaining("Source");
    }
}
