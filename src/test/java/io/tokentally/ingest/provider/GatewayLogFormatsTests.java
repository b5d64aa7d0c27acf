package io.tokentally.ingest.provider;

import static io.tokentally.ingest.provider.ProviderFixtures.rejects;
import static io.tokentally.ingest.provider.ProviderFixtures.rows;
import static io.tokentally.ingest.provider.ProviderFixtures.tokens;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tokentally.ingest.FileFormatException;
import io.tokentally.ingest.RawRecord;
import io.tokentally.ingest.UsageFormat;
import io.tokentally.ingest.UsageRow;
import io.tokentally.ingest.UsageRowParser;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/** OpenRouter generations, Cloudflare AI Gateway logs and LiteLLM spend logs, from their fixtures. */
class GatewayLogFormatsTests {

    static final UsageFormat OPENROUTER = new OpenRouterGenerationsFormat(CustomerAttribution.none());
    static final UsageFormat CLOUDFLARE = new CloudflareGatewayLogsFormat(CustomerAttribution.none());
    static final UsageFormat LITELLM = new LiteLlmSpendLogsFormat(CustomerAttribution.none());
    static final String OPENROUTER_FILE = "openrouter-generations.jsonl";
    static final String CLOUDFLARE_FILE = "cloudflare-ai-gateway-logs.json";
    static final String LITELLM_FILE = "litellm-spend-logs.csv";

    /** format, fixture, row, request id, time, customer, provider, model, tokens (input..reasoning), error. */
    static Stream<Arguments> logs() {
        return Stream.of(
                // native prompt includes the cached tokens; native completion includes reasoning
                Arguments.of(
                        OPENROUTER,
                        OPENROUTER_FILE,
                        0,
                        "gen-1764236400-a1b2c3",
                        "2026-11-27T10:00:00.123Z",
                        "acme",
                        "openai",
                        "gpt-4.1",
                        List.of(1200L, 800L, 0L, 0L, 400L, 0L),
                        false),
                // dotted Anthropic slug read with dashes; cached unknown (null): all input uncached
                Arguments.of(
                        OPENROUTER,
                        OPENROUTER_FILE,
                        1,
                        "gen-1764236460-d4e5f6",
                        "2026-11-27T10:01:00Z",
                        "globex",
                        "anthropic",
                        "claude-sonnet-4-5",
                        List.of(3000L, 0L, 0L, 0L, 900L, 600L),
                        false),
                // tokens_in cannot be split: plain input
                Arguments.of(
                        CLOUDFLARE,
                        CLOUDFLARE_FILE,
                        0,
                        "01JDA8Z3Q7K9V4T2N6M8P0R1S3",
                        "2026-11-27T09:15:02.481Z",
                        "acme",
                        "openai",
                        "gpt-4o-mini",
                        List.of(1200L, 0L, 0L, 0L, 300L, 0L),
                        false),
                // metadata as a JSON string; a failed call is an error row
                Arguments.of(
                        CLOUDFLARE,
                        CLOUDFLARE_FILE,
                        1,
                        "01JDA8Z5B2C4D6E8F0G2H4J6K8",
                        "2026-11-27T09:16:40.002Z",
                        "globex",
                        "anthropic",
                        "claude-haiku-4-5",
                        List.of(0L, 0L, 0L, 0L, 0L, 0L),
                        true),
                // prompt_tokens includes LiteLLM's Anthropic cache reads and writes; no offset: UTC
                Arguments.of(
                        LITELLM,
                        LITELLM_FILE,
                        0,
                        "chatcmpl-4b1f2e",
                        "2026-11-27T08:00:01.250Z",
                        "acme",
                        "anthropic",
                        "claude-sonnet-4-5-20250929",
                        List.of(5200L, 3000L, 1200L, 0L, 500L, 0L),
                        false),
                Arguments.of(
                        LITELLM,
                        LITELLM_FILE,
                        1,
                        "chatcmpl-5c2a3f",
                        "2026-11-27T08:05:00Z",
                        "globex",
                        "openai",
                        "gpt-4o-mini",
                        List.of(1000L, 400L, 0L, 0L, 300L, 0L),
                        false),
                Arguments.of(
                        LITELLM,
                        LITELLM_FILE,
                        2,
                        "chatcmpl-6d3b4a",
                        "2026-11-27T08:06:00Z",
                        "globex",
                        "openai",
                        "gpt-4o-mini",
                        List.of(0L, 0L, 0L, 0L, 0L, 0L),
                        true),
                // no end user, team or user: the hashed API key names the customer (unattributed)
                Arguments.of(
                        LITELLM,
                        LITELLM_FILE,
                        3,
                        "chatcmpl-7e4c5b",
                        "2026-11-27T08:07:00Z",
                        "88dc28d0f030c55ed4ab77ed8faf098196cb1c05df778539800c9f1243fe6b4b",
                        "anthropic",
                        "claude-haiku-4-5",
                        List.of(1000L, 1000L, 0L, 0L, 100L, 0L),
                        false));
    }

    @ParameterizedTest(name = "{1} #{2}")
    @MethodSource("logs")
    void mapsEachLogToTheUsageFormatsTokenConvention(
            UsageFormat format,
            String fixture,
            int index,
            String requestId,
            Instant at,
            String customer,
            String provider,
            String model,
            List<Long> expectedTokens,
            boolean error) {
        // when
        UsageRow row = rows(format, fixture).get(index);

        // then
        assertThat(row.requestId()).isEqualTo(requestId);
        assertThat(row.timestamp()).isEqualTo(at);
        assertThat(row.customerId()).isEqualTo(customer);
        assertThat(row.provider()).isEqualTo(provider);
        assertThat(row.model()).isEqualTo(model);
        assertThat(tokens(row)).isEqualTo(expectedTokens);
        assertThat(row.error()).isEqualTo(error);
    }

    @Test
    void rejectsOpenRouterReasoningAboveCompletionMissingNativeCountsAndBrokenLines() {
        assertThat(rejects(OPENROUTER, OPENROUTER_FILE))
                .satisfiesExactly(
                        first -> assertThat(first).startsWith("REASONING_EXCEEDS_OUTPUT"),
                        second -> assertThat(second).contains("native_tokens_prompt is absent"),
                        third -> assertThat(third).startsWith("MALFORMED_ROW: the line is not valid JSON"));
    }

    @Test
    void claimsAnEmptyCloudflarePageAsAFileOfNoRows() {
        // given Cloudflare's answer for a period without logs, in its envelope
        String page = "{\"result\": [ ], \"result_info\": {\"page\": 1, \"per_page\": 50, \"total_count\": 0},"
                + " \"success\": true, \"errors\": [], \"messages\": []}";

        // when, then: claimed, and no rows; an empty list without the envelope is no Cloudflare page
        assertThat(CLOUDFLARE.claims(page)).isTrue();
        assertThat(ProviderFixtures.recordsOf(CLOUDFLARE, page)).isEmpty();
        assertThat(CLOUDFLARE.claims("{\"result\": []}")).isFalse();
    }

    @Test
    void rejectsACloudflareLogWithoutOutputTokens() {
        assertThat(rejects(CLOUDFLARE, CLOUDFLARE_FILE))
                .singleElement()
                .asString()
                .contains("tokens_out is absent");
    }

    @Test
    void aCountCopiedIntoAUsageColumnIsRejectedByTheNameTheFileGivesIt() {
        // given a Cloudflare log whose tokens_in is negative, and one whose tokens_out is not a number
        String log = ProviderFixtures.text(CLOUDFLARE_FILE)
                .replace("\"tokens_in\": 1200", "\"tokens_in\": -1")
                .replace(
                        "\"tokens_in\": 4000,\n      \"tokens_out\": null",
                        "\"tokens_in\": 4000, \"tokens_out\": \"many\"");

        // when, then: the file's field is named, with the column it fills (the usage format's rule and code), as the
        // reader names a value that is not a JSON number
        assertThat(ProviderFixtures.rejectsOf(CLOUDFLARE, log))
                .containsExactly(
                        "NEGATIVE_NUMBER: tokens_in (input_tokens) is negative: -1",
                        "MALFORMED_ROW: tokens_out is not a whole number: \"many\"");
    }

    @Test
    void aGenerationWithoutAModelIsRejectedSayingItHasNone() {
        // given an OpenRouter generation without its model, and one whose model has no provider
        String log = "{\"id\":\"gen-1\",\"created_at\":\"2026-11-27T10:00:00Z\",\"native_tokens_prompt\":10,"
                + "\"native_tokens_completion\":5}\n"
                + "{\"id\":\"gen-2\",\"created_at\":\"2026-11-27T10:00:00Z\",\"model\":\"gpt-4.1\","
                + "\"native_tokens_prompt\":10,\"native_tokens_completion\":5}\n";

        // when, then
        assertThat(ProviderFixtures.rejectsOf(OPENROUTER, log))
                .containsExactly(
                        "MALFORMED_ROW: no model (a provider/model slug)",
                        "MALFORMED_ROW: model 'gpt-4.1' is not a provider/model slug");
    }

    @Test
    void rejectsALiteLlmRowWhoseCacheReadsExceedItsPromptInsteadOfCountingThemTwice() {
        assertThat(rejects(LITELLM, LITELLM_FILE)).singleElement().asString().startsWith("CACHE_TOKENS_EXCEED_INPUT");
    }

    @Test
    void aLiteLlmRowIsNumberedByTheLineItStartsOnPastAFieldOverSeveralLinesABlankLineAndALoneCarriageReturn() {
        // given: m1's metadata over lines 2 to 4, a blank line 5, m2 on line 6, and m3 on line 7, ended by a
        // carriage return alone (the parser ends a record there, and editors a line), so m4 is on line 8
        String header = ProviderFixtures.text(LITELLM_FILE).lines().findFirst().orElseThrow();
        String fields = ",acompletion,k,0.01,15,10,5,2026-11-27T08:00:00+00:00,2026-11-27T08:00:01+00:00,gpt-4o-mini,"
                + "gpt-4o-mini,openai,https://api.openai.com,u-1,";
        String content = header + "\n"
                + "m1" + fields + "\"{\n  \"\"tenant\"\": \"\"acme\"\"\n}\",False,[],,acme,success\n"
                + "\n"
                + "m2" + fields + "{},False,[],,acme,success\n"
                + "m3" + fields + "{},False,[],,acme,success\rm4" + fields + "{},False,[],,acme,success\n";

        // when
        List<RawRecord> records = ProviderFixtures.recordsOf(LITELLM, content);

        // then: each record names the line it starts on, not its record number
        assertThat(records).extracting(RawRecord::lineNo).containsExactly(2L, 6L, 7L, 8L);
    }

    @Test
    void aLiteLlmSpendLogIsReadWhateverTheCaseOfItsHeader() {
        // given the fixture with its header in lower case (startTime as starttime), as some exports write it
        String export = ProviderFixtures.text(LITELLM_FILE);
        String header = export.lines().findFirst().orElseThrow();
        String lowered = header.toLowerCase(Locale.ROOT) + export.substring(header.length());
        assertThat(lowered).isNotEqualTo(export);

        // then it is claimed and read as the fixture is, timestamps and all
        assertThat(LITELLM.claims(lowered)).isTrue();
        assertThat(ProviderFixtures.recordsOf(LITELLM, lowered))
                .usingRecursiveComparison()
                .isEqualTo(ProviderFixtures.recordsOf(LITELLM, export));
    }

    @ParameterizedTest
    @CsvSource({
        "2026-11-27 12:00, 2026-11-27 12:00Z",
        "2026-11-27 12:00:06, 2026-11-27 12:00:06Z",
        "2026-11-27T12:00:06+01:00, 2026-11-27T12:00:06+01:00",
        "2026-11-27T12:00Z, 2026-11-27T12:00Z",
        "2026-11-27, 2026-11-27"
    })
    void readsALiteLlmTimeWithoutAnOffsetAsUtcWithOrWithoutSeconds(String written, String read) {
        assertThat(LiteLlmSpendLogsFormat.utc(written)).isEqualTo(read);
    }

    @Test
    void aLiteLlmRecordsRawTextIsItsRowAlone() {
        // the rejects file shows it: no header, no line end before it
        assertThat(ProviderFixtures.records(LITELLM, LITELLM_FILE))
                .extracting(RawRecord::raw)
                .allSatisfy(raw -> assertThat(raw).startsWith("chatcmpl-").doesNotContain("\n"));
    }

    @Test
    void attributesCloudflareAndLiteLlmUsageByConfiguredMetadataKeys() {
        // given
        CustomerAttribution attribution = new CustomerAttribution(
                Map.of("litellm.metadata.tenant\u0000acme", "acme-corp"),
                Map.of("cloudflare", List.of("metadata.plan"), "litellm", List.of("metadata.tenant", "end_user")));

        // when
        String cloudflare = rows(new CloudflareGatewayLogsFormat(attribution), CLOUDFLARE_FILE)
                .get(0)
                .customerId();
        List<String> litellm = rows(new LiteLlmSpendLogsFormat(attribution), LITELLM_FILE).stream()
                .map(UsageRow::customerId)
                .toList();

        // then
        assertThat(cloudflare).isEqualTo("growth");
        assertThat(litellm).containsExactly("acme-corp", "globex", "globex", "unattributed");
    }

    @Test
    void aLiteLlmRequestIsAttributedByWhicheverOfItsTagsIsMappedAndItsStatusReadInAnyCase() {
        // given a mapped tag after another, and a status in capitals
        CustomerAttribution attribution =
                new CustomerAttribution(Map.of("litellm.request_tag\u0000cust:h9", "h9"), Map.of());
        String[] lines = ProviderFixtures.text(LITELLM_FILE).split("\n");
        String log = lines[0] + "\n"
                + lines[1].replace(
                        "\"[\"\"prod\"\"]\",team-a,acme,success", "\"[\"\"prod\"\", \"\"cust:h9\"\"]\",,,SUCCESS")
                + "\n";

        // when
        UsageRow row = ProviderFixtures.rowsOf(new LiteLlmSpendLogsFormat(attribution), log)
                .get(0);

        // then: it was customer "prod", unattributed (only the first tag was read), and an error row
        assertThat(row.customerId()).isEqualTo("h9");
        assertThat(row.error()).isFalse();
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                // Anthropic's split of the 1,200 writes: 1-hour writes were priced as 5-minute ones
                "'\"\"cache_creation\"\": {\"\"ephemeral_5m_input_tokens\"\": 200, \"\"ephemeral_1h_input_tokens\"\":"
                        + " 1000}, \"\"cache_creation_input_tokens\"\": 1200' | 200 | 1000",
                // LiteLLM's own split, in its usage object's prompt_tokens_details
                "'\"\"prompt_tokens_details\"\": {\"\"cache_creation_tokens\"\": 1200,"
                        + " \"\"cache_creation_token_details\"\": {\"\"ephemeral_5m_input_tokens\"\": 200,"
                        + " \"\"ephemeral_1h_input_tokens\"\": 1000}}' | 200 | 1000",
                // cache writes given only as cache_write_tokens, which were priced as plain input
                "'\"\"prompt_tokens_details\"\": {\"\"cache_write_tokens\"\": 1200}' | 1200 | 0"
            })
    void readsALiteLlmRequestsCacheWritesAsItsProviderSplitsThem(String writes, long fiveMinutes, long oneHour) {
        // given the first request's 1,200 cache writes, of its 5,200 prompt tokens with 3,000 cache reads
        String[] lines = ProviderFixtures.text(LITELLM_FILE).split("\n");
        String log = lines[0] + "\n" + lines[1].replace("\"\"cache_creation_input_tokens\"\": 1200", writes) + "\n";

        // when
        UsageRow row = ProviderFixtures.rowsOf(LITELLM, log).get(0);

        // then: input, cache reads, 5-minute and 1-hour writes, output, reasoning
        assertThat(tokens(row)).containsExactly(5200L, 3000L, fiveMinutes, oneHour, 500L, 0L);
    }

    @Test
    void aLiteLlmRequestsAudioTokensAreLeftOutOfItsTotalsAndSaidUnbilled() {
        // given the first request (5,200 prompt and 500 completion tokens) with 400 audio and 100 image tokens in its
        // prompt and 50 audio tokens in its completion, as OpenAI's usage details give them
        String[] lines = ProviderFixtures.text(LITELLM_FILE).split("\n");
        String details = "\"\"prompt_tokens_details\"\": {\"\"audio_tokens\"\": 400, \"\"image_tokens\"\": 100},"
                + " \"\"completion_tokens_details\"\": {\"\"audio_tokens\"\": 50, \"\"reasoning_tokens\"\": 0}, ";
        String log = lines[0] + "\n"
                + lines[1].replace(
                        "\"\"cache_creation_input_tokens\"\"", details + "\"\"cache_creation_input_tokens\"\"")
                + "\n";

        // when
        RawRecord record = ProviderFixtures.recordsOf(LITELLM, log).get(0);
        UsageRow row = UsageRowParser.parse(1, record).row();

        // then: its text tokens are its usage, 4,800 input (3,000 cache reads, 1,200 writes; the images stay, billed
        // as chat models bill them, at the input price) and 450 output, and the audio said, to be rejected apart at
        // its line (it had been billed as text)
        assertThat(tokens(row)).containsExactly(4800L, 3000L, 1200L, 0L, 450L, 0L);
        assertThat(record.unbilled())
                .isEqualTo("audio or image tokens not billed: tokentally has no price for them yet"
                        + " (prompt_tokens_details.audio_tokens = 400, completion_tokens_details.audio_tokens = 50);"
                        + " the row's text tokens are its usage");

        // and a total written with a sign is read as the usage format reads it (it was billed whole, audio too)
        String signed = log.replace(",5700,5200,500,", ",5700,+5200,500,");
        assertThat(tokens(ProviderFixtures.rowsOf(LITELLM, signed).get(0)))
                .containsExactly(4800L, 3000L, 1200L, 0L, 450L, 0L);

        // and a failed request, which bills nothing, keeps no part apart
        String failed = log.replace(",success", ",failure");
        assertThat(ProviderFixtures.recordsOf(LITELLM, failed).get(0).unbilled())
                .isNull();

        // and a negative audio count rejects the row (it was read as none, the row billed whole)
        String negative = log.replace("\"\"audio_tokens\"\": 400", "\"\"audio_tokens\"\": -200");
        assertThat(ProviderFixtures.rejectsOf(LITELLM, negative))
                .containsExactly("MALFORMED_ROW: prompt_tokens_details.audio_tokens is negative: -200");

        // and a total that is not a number is named as the file names it, audio or not (its value is as written)
        String notANumber = log.replace(",5700,5200,500,", ",5700,abc,500,");
        assertThat(ProviderFixtures.rejectsOf(LITELLM, notANumber))
                .containsExactly("INVALID_NUMBER: prompt_tokens (input_tokens) is not a whole number: 'abc'");

        // and audio tokens above its prompt tokens reject the row: they are part of them
        String tooMany = log.replace("\"\"audio_tokens\"\": 400", "\"\"audio_tokens\"\": 5300");
        assertThat(ProviderFixtures.rejectsOf(LITELLM, tooMany))
                .containsExactly("MALFORMED_ROW: its audio tokens (5300) are more than its prompt_tokens (5200), which"
                        + " include them");
    }

    @Test
    void namesTheCloudsCloudflareRoutesToAsTheEngineKnowsThem() {
        // given logs of Cloudflare's aws-bedrock, google-vertex-ai and azure-openai providers
        String logs = """
                {"result": [
                  {"id": "b", "created_at": "2026-11-20T10:00:00Z", "provider": "aws-bedrock",
                   "model": "us.anthropic.claude-haiku-4-5-20251001-v1:0", "success": true, "tokens_in": 1000,
                   "tokens_out": 100, "metadata": {"customer": "acme"}},
                  {"id": "v", "created_at": "2026-11-20T10:00:00Z", "provider": "google-vertex-ai",
                   "model": "gemini-2.5-pro", "success": true, "tokens_in": 1000, "tokens_out": 100,
                   "metadata": {"customer": "acme"}},
                  {"id": "a", "created_at": "2026-11-20T10:00:00Z", "provider": "azure-openai", "model": "gpt-4o",
                   "success": true, "tokens_in": 1000, "tokens_out": 100, "metadata": {"customer": "acme"}}],
                 "result_info": {}, "success": true, "errors": [], "messages": []}
                """;

        // when
        List<String> providers = ProviderFixtures.rowsOf(CLOUDFLARE, logs).stream()
                .map(UsageRow::provider)
                .toList();

        // then: host names the normalizer prices under the vendor the model names (bedrock: Anthropic's)
        assertThat(providers).containsExactly("bedrock", "vertex_ai", "openai");
    }

    @Test
    void aCloudflareLogsCustomerIdOrCustomerEntryNamesTheCustomerWhereverItStands() {
        // given metadata with the customer after another entry, a customer entry, and neither
        String logs = """
                {"result": [
                  {"id": "1", "created_at": "2026-11-20T10:00:00Z", "provider": "openai", "model": "gpt-4o",
                   "success": true, "tokens_in": 10, "tokens_out": 1,
                   "metadata": {"env": "prod", "customer": "acme", "customer_id": "globex"}},
                  {"id": "2", "created_at": "2026-11-20T10:00:00Z", "provider": "openai", "model": "gpt-4o",
                   "success": true, "tokens_in": 10, "tokens_out": 1, "metadata": {"env": "prod", "customer": "acme"}},
                  {"id": "3", "created_at": "2026-11-20T10:00:00Z", "provider": "openai", "model": "gpt-4o",
                   "success": true, "tokens_in": 10, "tokens_out": 1, "metadata": {"team": "red", "env": "prod"}}],
                 "result_info": {}, "success": true, "errors": [], "messages": []}
                """;

        // when
        List<String> customers = ProviderFixtures.rowsOf(CLOUDFLARE, logs).stream()
                .map(UsageRow::customerId)
                .toList();

        // then
        assertThat(customers).containsExactly("globex", "acme", "red");
    }

    @Test
    void readsTheCacheWritesOfAnOpenRouterGenerationThatHasThem() {
        // given 10,000 prompt tokens: 2,000 cache reads, 3,000 5-minute and 1,000 1-hour cache writes
        String generation = "{\"data\": {\"id\": \"gen-cw-1\", \"created_at\": \"2026-11-27T19:00:00.000Z\","
                + " \"model\": \"anthropic/claude-sonnet-4.5\", \"external_user\": \"acme\","
                + " \"native_tokens_prompt\": 10000, \"native_tokens_completion\": 500, \"native_tokens_cached\": 2000,"
                + " \"cache_creation\": {\"ephemeral_5m_input_tokens\": 3000, \"ephemeral_1h_input_tokens\": 1000}}}";

        // then the writes are their own token types, not input billed at the input price
        assertThat(tokens(ProviderFixtures.rowsOf(OPENROUTER, generation).get(0)))
                .containsExactly(10000L, 2000L, 3000L, 1000L, 500L, 0L);
    }

    @Test
    void readsOpenRouterServiceTiersAsOpenAiWritesThem() {
        // given generations of the tiers auto, default, fast, flex and none
        String generations = Stream.of("\"auto\"", "\"default\"", "\"fast\"", "\"flex\"", "null")
                .map(tier ->
                        "{\"id\": \"gen-" + tier.replace("\"", "") + "\", \"created_at\": \"2026-11-20T10:00:00Z\","
                                + " \"model\": \"openai/gpt-4o\", \"external_user\": \"acme\", \"native_tokens_prompt\": 10,"
                                + " \"native_tokens_completion\": 1, \"service_tier\": " + tier + "}")
                .collect(Collectors.joining("\n"));

        // when
        List<String> tiers = ProviderFixtures.rowsOf(OPENROUTER, generations).stream()
                .map(row -> row.serviceTier().code())
                .toList();

        // then
        assertThat(tiers).containsExactly("standard", "standard", "priority", "flex", "standard");
    }

    @Test
    void eachFormatClaimsItsOwnFixtureOnly() {
        List<UsageFormat> formats = List.of(OPENROUTER, CLOUDFLARE, LITELLM);
        List<String> fixtures = List.of(OPENROUTER_FILE, CLOUDFLARE_FILE, LITELLM_FILE);
        for (int f = 0; f < formats.size(); f++) {
            for (int x = 0; x < fixtures.size(); x++) {
                assertThat(formats.get(f).claims(ProviderFixtures.text(fixtures.get(x))))
                        .as("%s claims %s", formats.get(f).name(), fixtures.get(x))
                        .isEqualTo(f == x);
            }
        }
    }

    @Test
    void aLiteLlmSpendLogCutShortInsideItsGzipDataFailsAsAReadNotAsBadCsv() throws IOException {
        // given: the fixture gzipped and cut in the middle of its compressed data
        ByteArrayOutputStream gzipped = new ByteArrayOutputStream();
        try (OutputStream out = new GZIPOutputStream(gzipped)) {
            out.write(ProviderFixtures.text(LITELLM_FILE).getBytes(StandardCharsets.UTF_8));
        }
        byte[] cut = Arrays.copyOf(gzipped.toByteArray(), gzipped.size() / 2);

        // when / then
        assertThatThrownBy(() -> LITELLM.open(new InputStreamReader(
                        new GZIPInputStream(new ByteArrayInputStream(cut)), StandardCharsets.UTF_8)))
                .isInstanceOf(EOFException.class)
                .hasMessage("Unexpected end of ZLIB input stream");
    }

    @Test
    void aLiteLlmSpendLogWithBadQuotingIsNotValidCsv() {
        // given
        String log = "request_id,startTime,prompt_tokens,completion_tokens,spend\n\"r1\"x,2026-11-20T10:00:00Z,1,1,0\n";

        // when / then
        assertThatThrownBy(() -> LITELLM.open(new StringReader(log)))
                .isInstanceOf(FileFormatException.class)
                .hasMessageStartingWith(
                        "the file is not valid CSV: Invalid character between encapsulated token and" + " delimiter");
    }

    @Test
    void aLiteLlmSpendLogWhoseHeaderHasBadQuotingIsNotValidCsv() {
        // given
        String log = "request_id,\"startTime\"x,prompt_tokens,completion_tokens,spend\nr1,2026-11-20T10:00:00Z,1,1,0\n";

        // when / then
        assertThatThrownBy(() -> LITELLM.open(new StringReader(log)))
                .isInstanceOf(FileFormatException.class)
                .hasMessageStartingWith(
                        "the file is not valid CSV: Invalid character between encapsulated token and" + " delimiter");
    }
}
