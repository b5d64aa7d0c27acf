package io.tokentally.plans;

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
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PlansFileTests {

    @Test
    void readsPlansWithDefaultsAndOverrides() throws IOException {
        // given
        Path file = fixture("plans-with-overrides.yaml");

        // when
        List<Plan> plans = PlansFile.read(file);

        // then
        assertThat(plans).hasSize(2);
        Plan payg = plans.get(0);
        assertThat(payg.planId()).isEqualTo("payg");
        assertThat(payg.type()).isEqualTo(PlanType.USAGE); // type defaults to usage
        assertThat(payg.currency()).isEqualTo("USD"); // currency defaults to USD
        assertThat(payg.markupPercent()).isEqualByComparingTo("30");
        assertThat(payg.overrides()).isEmpty();
        Plan growth = plans.get(1);
        assertThat(growth.currency()).isEqualTo("USD"); // "usd" upper-cased
        assertThat(growth.markupPercent()).isEqualByComparingTo("12.5");
        assertThat(growth.overrides()).hasSize(2);
        assertThat(growth.overrides().get(0)).satisfies(override -> {
            assertThat(override.provider()).isEqualTo("anthropic");
            assertThat(override.model()).isEqualTo(MarkupOverride.ANY);
            assertThat(override.markupPercent()).isEqualByComparingTo("25");
        });
        assertThat(growth.overrides().get(1)).satisfies(override -> {
            assertThat(override.provider()).isEqualTo("openai");
            assertThat(override.model()).isEqualTo("openai/gpt-4o-mini");
            assertThat(override.markupPercent()).isEqualByComparingTo("50"); // written as a string
        });
        assertThat(growth.markupFor("openai", "openai/gpt-4o-mini")).isEqualByComparingTo("50");
        assertThat(growth.markupFor("anthropic", "anthropic/claude-sonnet-4-5")).isEqualByComparingTo("25");
        assertThat(growth.markupFor("openai", "openai/gpt-4o")).isEqualByComparingTo(new BigDecimal("12.5"));
    }

    @Test
    void readsAnOverrideOrAllowanceOfGoogleUnderTheNamesItsApisGiveIt() throws IOException {
        // given overrides of provider Gemini and of model vertex_ai/gemini-2.5-pro (check 11: they applied to
        // nothing, with a PLAN_OVERRIDE_UNPRICED warning, and Gemini usage took the plan's default markup)
        Path file = fixture("plans-with-google-overrides-by-other-names.yaml");

        // when
        List<Plan> plans = PlansFile.read(file);

        // then: usage of Google's models is priced under google/...
        Plan plan = plans.get(0);
        assertThat(plan.markupFor("google", "google/gemini-2.5-pro")).isEqualByComparingTo("5");
        assertThat(plan.markupFor("google", "google/gemini-2.5-flash")).isEqualByComparingTo("10");
        assertThat(plan.markupFor("openai", "openai/gpt-4o")).isEqualByComparingTo("20");
        // and an allowance's model group names them so too (it covered nothing)
        assertThat(plans.get(1).allowances().get(0).models()).containsExactly("google/*", "google/gemini-2.5-pro");
    }

    @Test
    void readsWhenAPlansSubscriptionItemsMoveToANewStripePrice() throws IOException {
        List<Plan> plans = PlansFile.read(fixture("plans-with-stripe-price-moves.yaml"));

        assertThat(plans.get(0).stripePriceMoves()).isEqualTo(StripePriceMoves.NEXT_PERIOD);
        assertThat(plans.get(1).stripePriceMoves()).isEqualTo(StripePriceMoves.EFFECTIVE_INSTANT);
    }

    @Test
    void refusesAnUnknownStripePriceMovesNamingFileAndPlan() {
        Path file = fixture("plans-with-bad-stripe-price-moves.yaml");

        assertThatIllegalArgumentException()
                .isThrownBy(() -> PlansFile.read(file))
                .withMessage(
                        file
                                + " line 4: plans[id=monthly].stripe_price_moves 'tomorrow' is not effective_instant or next_period");
    }

    @Test
    void refusesAnUnknownPlanKeyNamingFilePathAndKey() {
        // given "markup: 20" instead of "markup_percent: 20" in the second plan
        Path file = fixture("plans-with-unknown-key.yaml");

        // when, then
        assertThatIllegalArgumentException()
                .isThrownBy(() -> PlansFile.read(file))
                .withMessageStartingWith(file + " line 5: plans[id=growth] has unknown key 'markup'");
    }

    @Test
    void refusesAnUnknownOverrideKeyNamingFilePathAndKey() {
        // given "modle:" instead of "model:" in an override, which would otherwise become a provider override
        Path file = fixture("plans-with-unknown-key-in-override.yaml");

        // when, then
        assertThatIllegalArgumentException()
                .isThrownBy(() -> PlansFile.read(file))
                .withMessage(file + " line 8: plans[id=growth].overrides[1] has unknown key 'modle'; known keys are"
                        + " markup_percent, model, provider, rates_usd_per_million");
    }

    @Test
    void refusesAFixedPlanWithoutFeeOrIncludedUsage() {
        // given a fixed-fee plan with neither
        Path file = fixture("plans-with-fixed-fee-plan.yaml");

        // when, then
        assertThatIllegalArgumentException()
                .isThrownBy(() -> PlansFile.read(file))
                .withMessage(file + " line 2: plans[id=team] is a 'fixed' plan and needs fixed_fee_usd or included");
    }

    @Test
    void readsFixedCreditsAndHybridPlansWithTheirTerms() throws IOException {
        // given
        Path file = fixture("plans-of-every-type.yaml");

        // when
        List<Plan> plans = PlansFile.read(file);

        // then
        Plan team = plans.get(0);
        assertThat(team.type()).isEqualTo(PlanType.FIXED);
        assertThat(team.fixedFeeUsd()).isEqualByComparingTo("49");
        assertThat(team.allowances()).hasSize(2);
        assertThat(team.allowances().get(0).usd()).isEqualByComparingTo("20");
        assertThat(team.allowances().get(0).name()).isEqualTo("included-1");
        assertThat(team.allowances().get(1).tokens()).isEqualTo(2_000_000L);
        assertThat(team.allowances().get(1).covers("openai/gpt-4o-mini")).isTrue();
        assertThat(team.allowances().get(1).covers("anthropic/claude-sonnet-4-5"))
                .isFalse();
        assertThat(team.consumptionOrder()).isEqualTo(CreditSource.DEFAULT_ORDER);
        assertThat(team.allowOverage()).isTrue();
        Plan prepaid = plans.get(1);
        assertThat(prepaid.type()).isEqualTo(PlanType.CREDITS);
        assertThat(prepaid.allowOverage()).isFalse(); // credits plans stop at zero unless they say otherwise
        Plan hybrid = plans.get(2);
        assertThat(hybrid.consumptionOrder())
                .containsExactly(CreditSource.PAID, CreditSource.INCLUDED, CreditSource.PROMOTIONAL);
    }

    @Test
    void refusesFeesOnAUsagePlanAndAnIncompleteConsumptionOrder() {
        // given
        Path fee = fixture("plans-with-fee-on-usage-plan.yaml");
        Path order = fixture("plans-with-incomplete-order.yaml");

        // when, then
        assertThatIllegalArgumentException()
                .isThrownBy(() -> PlansFile.read(fee))
                .withMessageStartingWith(
                        fee + " line 2: plans[id=payg] is a 'usage' plan and cannot have fixed_fee_usd");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> PlansFile.read(order))
                .withMessageStartingWith(
                        order + " line 5: plans[id=hybrid].consumption_order must list included, promotional and paid");
    }

    @Test
    void refusesAPlanWithoutMarkupNamingThePath() {
        // given
        Path file = fixture("plans-without-markup.yaml");

        // when, then
        assertThatIllegalArgumentException()
                .isThrownBy(() -> PlansFile.read(file))
                .withMessage(file + " line 2: plans[id=payg].markup_percent is required");
    }

    @Test
    void namesAPlanWithoutAnIdByItsPosition() {
        // given a second plan without an id
        Path file = fixture("plans-without-id.yaml");

        // when, then
        assertThatIllegalArgumentException()
                .isThrownBy(() -> PlansFile.read(file))
                .withMessage(file + " line 4: plans[1].id is required");
    }

    @Test
    void refusesATabForIndentationOnItsLineInTheYamlReadersWordsWithoutItsExcerpts() {
        // given a tab on line 4, which YAML does not allow for indentation (Jackson's location said line 3)
        Path file = fixture("plans-with-a-tab-for-indentation.yaml");

        // when, then
        assertThatIllegalArgumentException()
                .isThrownBy(() -> PlansFile.read(file))
                .withMessage(file + " line 4: not valid YAML: while scanning for the next token: found character"
                        + " '\\t(TAB)' that cannot start any token. (Do not use \\t(TAB) for indentation)");
    }

    @Test
    void refusesAPlanIdGivenTwiceOnTheLineOfTheSecond() {
        // given a third plan with the first plan's id
        Path file = fixture("plans-with-a-plan-id-twice.yaml");

        // when, then
        assertThatIllegalArgumentException()
                .isThrownBy(() -> PlansFile.read(file))
                .withMessage(file + " line 7: plan id 'payg' appears twice");
    }

    @Test
    void refusesAMarkupWithMoreDecimalsThanItIsKeptWith() {
        // given an override of 33.3333333%, one decimal more than the catalog keeps
        Path file = fixture("plans-markup-too-precise.yaml");

        // when, then: refused, not silently rounded to 33.333333
        assertThatIllegalArgumentException()
                .isThrownBy(() -> PlansFile.read(file))
                .withMessageStartingWith(file
                        + " line 7: plans[id=odd].overrides[0].markup_percent 33.3333333 has more than 6 decimals");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            plans-with-markup-given-twice.yaml       | line 5: key 'markup_percent' is given twice in one mapping; give it once
            plans-with-id-given-twice.yaml           | line 6: key 'id' is given twice in one mapping; give it once
            plans-with-override-key-given-twice.yaml | line 8: key 'provider' is given twice in one mapping; give it once
            """)
    void refusesAKeyGivenTwiceNamingFileLineAndKey(String name, String fault) {
        // given a mapping that gives one key twice, where the last value would silently win
        Path file = fixture(name);

        // when, then
        assertThatIllegalArgumentException()
                .isThrownBy(() -> PlansFile.read(file))
                .withMessage(file + " " + fault);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            plans-with-allow-overage-maybe.yaml                 | line 6: plans[id=prepaid].allow_overage 'maybe' is not true or false
            plans-with-fractional-included-tokens.yaml          | line 6: plans[id=team].included[0].tokens must be a positive whole number: 1000.5
            plans-with-included-tokens-past-a-long.yaml         | line 6: plans[id=team].included[0].tokens 100000000000000000000 is more than 9223372036854775807
            plans-with-overrides-as-a-mapping.yaml              | line 5: plans[id=enterprise].overrides must be a list
            plans-with-override-as-a-single-value.yaml          | line 5: plans[id=enterprise].overrides[0] must be a mapping (key: value)
            plans-with-markup-as-a-list.yaml                    | line 4: plans[id=payg].markup_percent must be a single value, not a list or mapping
            plans-with-consumption-order-as-a-single-value.yaml | line 7: plans[id=mix].consumption_order must be a list
            plans-with-included-models-as-a-single-value.yaml   | line 6: plans[id=team].included[0].models must be a list
            plans-with-included-models-as-a-mapping.yaml        | line 8: plans[id=team].included[0].models must be a list
            plans-with-included-model-as-a-list.yaml            | line 8: plans[id=team].included[0].models[1] must be a single value, not a list or mapping
            plans-with-included-model-prefix-wildcard.yaml      | line 8: plans[id=team].included[0].models[1] 'openai/gpt-4o*' must be written provider/model or provider/*: a * stands only for every model of a provider
            plans-with-an-allowance-name-twice.yaml             | line 8: plans[id=team].included[1] is named 'monthly' as included[0] is; give each allowance of a plan its own name
            plans-with-an-allowance-named-as-a-default.yaml     | line 8: plans[id=team].included[1] is named 'included-2' as included[0] is; give each allowance of a plan its own name
            plans-with-provider-overridden-twice.yaml           | line 10: plans[id=enterprise].overrides[2] gives provider 'google' a second override (overrides[0] gives the first); a plan has one per provider and one per model
            plans-with-a-blank-beside-the-slash.yaml            | line 6: plans[id=growth].overrides[0].model 'openai /gpt-4o' has a blank beside its '/'; write it provider/model
            plans-with-an-override-of-a-provider-and-a-model.yaml | line 6: plans[id=growth].overrides[0] names both a provider and a model: an override is for one provider or one model
            plans-with-an-override-of-nothing.yaml              | line 6: plans[id=growth].overrides[0] must name either a provider or a model (provider/model)
            plans-with-model-overridden-twice.yaml              | line 8: plans[id=growth].overrides[1] gives model 'openai/gpt-4o-mini' a second override (overrides[0] gives the first); a plan has one per provider and one per model
            plans-with-id-too-long.yaml                         | line 3: plans[id=PLAN101].id has 101 characters; at most 100 are allowed
            plans-with-override-provider-too-long.yaml          | line 8: plans[id=enterprise].overrides[1].model names a provider that has 51 characters; at most 50 are allowed
            plans-with-included-name-too-long.yaml              | line 6: plans[id=team].included[0].name has 101 characters; at most 100 are allowed
            plans-with-included-models-too-long.yaml            | line 6: plans[id=team].included[0].models written with commas has 4199 characters; at most 4000 are allowed
            plans-with-fee-of-a-trillion.yaml                   | line 6: plans[id=team].fixed_fee_usd must be less than 1000000000000: 1000000000000
            plans-with-a-nul-in-a-model.yaml                    | line 6: plans[id=growth].overrides[0].model holds a NUL (U+0000), which PostgreSQL does not store
            plans-with-a-nul-in-an-id.yaml                      | line 3: plans[id=gro\\u0000wth].id holds a NUL (U+0000), which PostgreSQL does not store
            plans-with-half-a-surrogate-pair-in-a-name.yaml     | line 7: plans[id=team].included[0].name holds half of a surrogate pair (an escaped \\ud83d without its other half), which is not a character
            plans-with-markup-past-six-decimals.yaml            | line 4: plans[id=payg].markup_percent 1.0000001 has more than 6 decimals; markups are kept exactly, to 6 decimals, never rounded
            plans-with-markup-of-a-million-percent.yaml         | line 4: plans[id=payg].markup_percent 1000000 is 1,000,000% or more, more than is kept
            """)
    void refusesAValueOfTheWrongShapeOrASecondOverrideNamingFilePathAndWhatIsExpected(String name, String fault) {
        // given a value Jackson would not convert, or would read as something else, or an override for a provider
        // or model (in any case) that the plan overrides already, which the run would refuse only once started, or
        // one longer or larger than is kept (storing it failed the run at its first step)
        Path file = fixture(name);

        // when, then: the plans file's own words, not Jackson's
        assertThatIllegalArgumentException()
                .isThrownBy(() -> PlansFile.read(file))
                .withMessage(file + " " + fault.replace("PLAN101", "p".repeat(101)));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            plans-with-latin1-byte-in-a-comment.yaml              | 5
            plans-with-truncated-utf8-at-the-end.yaml             | 4
            plans-with-cut-utf8-sequence-after-crlf-lines.yaml    | 4
            """)
    void refusesAByteThatIsNotUtf8NamingItsLine(String name, int line) {
        // given a byte that starts no UTF-8 character, or a character cut short
        Path file = fixture(name);

        // when, then
        assertThatIllegalArgumentException()
                .isThrownBy(() -> PlansFile.read(file))
                .withMessage(file + " line " + line + ": not valid UTF-8");
    }

    @Test
    void readsAModelsCustomRatesPerTokenTypeAndTierInAnyLetterCase(@TempDir Path dir) throws IOException {
        // given a model override with rates only: standard input and cache reads, batch input, long-context output
        Path file = dir.resolve("plans.yaml");
        Files.writeString(file, """
                plans:
                  - id: negotiated
                    markup_percent: 20
                    overrides:
                      - provider: openai
                        markup_percent: 40
                      - model: openai/gpt-4o
                        rates_usd_per_million:
                          input: 2.00
                          Cache_Read: "0.5"
                          Batch:
                            input: 0.9
                          long:
                            output: 30
                """);

        // when
        Plan plan = PlansFile.read(file).get(0);

        // then each rate bills its own token type and tiers; the model's other usage takes the provider's 40%
        assertThat(plan.rateFor("openai/gpt-4o", TokenType.INPUT, ServiceTier.STANDARD, ContextTier.STANDARD))
                .isEqualByComparingTo("2");
        assertThat(plan.rateFor("openai/gpt-4o", TokenType.CACHE_READ, ServiceTier.STANDARD, ContextTier.STANDARD))
                .isEqualByComparingTo("0.5");
        assertThat(plan.rateFor("openai/gpt-4o", TokenType.INPUT, ServiceTier.BATCH, ContextTier.STANDARD))
                .isEqualByComparingTo("0.9");
        assertThat(plan.rateFor("openai/gpt-4o", TokenType.OUTPUT, ServiceTier.STANDARD, ContextTier.LONG))
                .isEqualByComparingTo("30");
        assertThat(plan.rateFor("openai/gpt-4o", TokenType.OUTPUT, ServiceTier.STANDARD, ContextTier.STANDARD))
                .isNull();
        assertThat(plan.rateFor("openai/gpt-4o", TokenType.INPUT, ServiceTier.BATCH, ContextTier.LONG))
                .isNull();
        assertThat(plan.rateFor("openai/gpt-4o-mini", TokenType.INPUT, ServiceTier.STANDARD, ContextTier.STANDARD))
                .isNull();
        assertThat(plan.markupFor("openai", "openai/gpt-4o")).isEqualByComparingTo("40");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            for a provider    | - provider: openai/        rates_usd_per_million: {input: 2} | line 6: plans[id=p].overrides[0].rates_usd_per_million is given for a provider; custom rates are set per model (model: provider/model)
            unknown type      | - model: openai/gpt-4o/        rates_usd_per_million: {inptu: 2} | line 6: plans[id=p].overrides[0].rates_usd_per_million has unknown key 'inptu'; a rate is named by its token type (input, cache_read, cache_write_5m, cache_write_1h, output, web_search_request, image, audio_second), or a section batch, priority, flex or long
            unknown in a tier | - model: openai/gpt-4o/        rates_usd_per_million:/          batch: {outptu: 2} | line 7: plans[id=p].overrides[0].rates_usd_per_million.batch has unknown key 'outptu'; a rate is named by its token type (input, cache_read, cache_write_5m, cache_write_1h, output, web_search_request, image, audio_second)
            a tier as a value | - model: openai/gpt-4o/        rates_usd_per_million:/          batch: 2 | line 7: plans[id=p].overrides[0].rates_usd_per_million.batch must be a mapping (key: value)
            negative          | - model: openai/gpt-4o/        rates_usd_per_million:/          input: -1 | line 7: plans[id=p].overrides[0].rates_usd_per_million.input is negative: -1
            not a number      | - model: openai/gpt-4o/        rates_usd_per_million:/          input: two | line 7: plans[id=p].overrides[0].rates_usd_per_million.input 'two' is not a number
            13 decimals       | - model: openai/gpt-4o/        rates_usd_per_million:/          input: 0.0000000000001 | line 7: plans[id=p].overrides[0].rates_usd_per_million.input 0.0000000000001 has more than 12 decimals; rates are kept exactly, never rounded
            a dollar a token  | - model: openai/gpt-4o/        rates_usd_per_million:/          input: 1000000 | line 7: plans[id=p].overrides[0].rates_usd_per_million.input 1000000 is not less than 1000000 (a dollar a token)
            none              | - model: openai/gpt-4o/        rates_usd_per_million: {} | line 6: plans[id=p].overrides[0].rates_usd_per_million gives no rate; name a token type and its USD per million tokens
            infinite          | - model: openai/gpt-4o/        rates_usd_per_million:/          input: .inf | line 7: '.inf' is not a finite number; amounts, markups and rates are decimals
            infinite, capitals | - model: openai/gpt-4o/        rates_usd_per_million:/          input: .Inf | line 7: plans[id=p].overrides[0].rates_usd_per_million.input '.Inf' is not a finite number; amounts, markups and rates are decimals
            a huge exponent   | - model: openai/gpt-4o/        rates_usd_per_million:/          input: 1e400 | line 7: plans[id=p].overrides[0].rates_usd_per_million.input 1E+400 is not less than 1000000 (a dollar a token)
            fifty digits      | - model: openai/gpt-4o/        rates_usd_per_million:/          input: 12345678901234567890123456789012345678901234567890 | line 7: plans[id=p].overrides[0].rates_usd_per_million.input 1.234567890123457E+49 is not less than 1000000 (a dollar a token)
            a tiny one        | - model: openai/gpt-4o/        rates_usd_per_million:/          input: 1e-400 | line 7: plans[id=p].overrides[0].rates_usd_per_million.input 1E-400 has more than 12 decimals; rates are kept exactly, never rounded
            past any exponent | - model: openai/gpt-4o/        rates_usd_per_million:/          input: 1e99999999999999999999999999999999999999999999 | line 7: '1e99999999999999999999999999999999999999... (46 characters)' is not a finite number; amounts, markups and rates are decimals
            an alias          | - model: openai/gpt-4o/        rates_usd_per_million:/          input: &two 2/          output: *two | line 8: a YAML alias (*name) is not read as the value it names; write the value itself
            left empty        | - model: openai/gpt-4o/        markup_percent: 5/        rates_usd_per_million: | line 7: plans[id=p].overrides[0].rates_usd_per_million gives no rate; name a token type and its USD per million tokens
            an empty section  | - model: openai/gpt-4o/        rates_usd_per_million: {batch: {}} | line 6: plans[id=p].overrides[0].rates_usd_per_million.batch gives no rate; name a token type and its USD per million tokens
            an empty one beside | - model: openai/gpt-4o/        rates_usd_per_million:/          input: 2/          batch: {} | line 8: plans[id=p].overrides[0].rates_usd_per_million.batch gives no rate; name a token type and its USD per million tokens
            a tilde in a key  | - model: openai/gpt-4o/        rates_usd_per_million:/          input: 2/          in~put: 3 | line 8: plans[id=p].overrides[0].rates_usd_per_million has unknown key 'in~put'; a rate is named by its token type (input, cache_read, cache_write_5m, cache_write_1h, output, web_search_request, image, audio_second), or a section batch, priority, flex or long
            a tier misspelt   | - model: openai/gpt-4o/        rates_usd_per_million:/          standrad:/            input: 2 | line 7: plans[id=p].overrides[0].rates_usd_per_million has unknown key 'standrad'; a rate is named by its token type (input, cache_read, cache_write_5m, cache_write_1h, output, web_search_request, image, audio_second), or a section batch, priority, flex or long
            a provider's, empty | - provider: openai/        markup_percent: 5/        rates_usd_per_million: | line 7: plans[id=p].overrides[0].rates_usd_per_million is given for a provider; custom rates are set per model (model: provider/model)
            a type twice      | - model: openai/gpt-4o/        rates_usd_per_million:/          cache_write: 1/          cache_write_5m: 2 | line 8: plans[id=p].overrides[0].rates_usd_per_million.cache_write_5m names the token type that 'cache_write' names already; give each rate once
            """)
    void refusesACustomRateItCannotBillNamingFileLineAndPath(
            String name, String override, String fault, @TempDir Path dir) throws IOException {
        // given a plan's override (its lines parted by a '/' that is followed by blanks) with rates it cannot bill
        Path file = dir.resolve("plans.yaml");
        Files.writeString(
                file,
                "plans:\n  - id: p\n    markup_percent: 10\n    overrides:\n      "
                        + override.replaceAll("/( +)", "\n$1") + "\n");

        // when, then
        assertThatIllegalArgumentException()
                .isThrownBy(() -> PlansFile.read(file))
                .withMessage(file + " " + fault);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            a second document   | plans:/  - id: p/    markup_percent: 10/---/plans: []/ | line 5: not valid YAML: a second document (after ---); the plans file holds one, with its 'plans' list
            a list left open    | plans:/  - id: p/    markup_percent: 10/  - id: [q/ | line 4: not valid YAML: while parsing a flow sequence: expected ',' or ']', but got <stream end>
            a quote left open   | plans:/  - id: p/    markup_percent: 10/  - id: "q/    markup_percent: 5/ | line 4: not valid YAML: while scanning a quoted scalar: found unexpected end of stream
            no last line end    | plans:/  - id: p/    markup_percent: 10/  - id: [q | line 4: not valid YAML: while parsing a flow sequence: expected ',' or ']', but got <stream end>
            a type of two lines | plans:/  - id: p/    type: "usa\\nge"/    markup_percent: 10/ | line 3: plans[id=p].type 'usa\\u000Age' is not usage, fixed, credits or hybrid
            a markup of two lines | plans:/  - id: p/    markup_percent: "1\\n0"/ | line 3: plans[id=p].markup_percent '1\\u000A0' is not a number
            """)
    void refusesAFileThatIsNotOnePlansDocumentInOneLineNamingALineOfTheFile(
            String name, String text, String fault, @TempDir Path dir) throws IOException {
        // given the text, its lines parted by '/'
        Path file = Files.writeString(dir.resolve("plans.yaml"), text.replace('/', '\n'));

        // when, then
        assertThatIllegalArgumentException()
                .isThrownBy(() -> PlansFile.read(file))
                .withMessage(file + " " + fault);
    }

    private static Path fixture(String name) {
        try {
            return Path.of(PlansFileTests.class.getResource(name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
