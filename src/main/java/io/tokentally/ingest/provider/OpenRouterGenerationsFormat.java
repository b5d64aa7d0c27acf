package io.tokentally.ingest.provider;

import static io.tokentally.ingest.provider.JsonFields.count;
import static io.tokentally.ingest.provider.JsonFields.required;
import static io.tokentally.ingest.provider.JsonFields.text;

import io.tokentally.ingest.RawRecord;
import io.tokentally.ingest.RecordCursor;
import io.tokentally.ingest.UsageColumns;
import io.tokentally.ingest.UsageFormat;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.util.List;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * OpenRouter generation records as JSON Lines: one object of {@code GET /api/v1/generation} per line
 * (bare, or wrapped in {@code data} as the API returns it). Billing uses the provider's native counts:
 * {@code native_tokens_prompt} includes {@code native_tokens_cached} and the cache writes of {@code cache_creation}
 * (Anthropic's 5-minute and 1-hour counts, when a generation has them), {@code native_tokens_completion}
 * includes {@code native_tokens_reasoning}. The customer is {@code external_user} (the caller's
 * {@code user}). Anthropic model slugs are written with dots ({@code claude-sonnet-4.5}); they are read
 * with dashes, as Anthropic writes them. {@code service_tier} is read as OpenAI writes it ({@link
 * OpenAiServiceTier}).
 */
@Component
@Order(32)
class OpenRouterGenerationsFormat implements UsageFormat {

    static final String NAME = "openrouter-generations";
    /** Attribution keys: a generation's {@code external_user}; the activity export's {@code api_key} too. */
    static final AttributionFamily FAMILY =
            new AttributionFamily("openrouter", List.of("external_user", "api_key"), List.of());

    private final CustomerAttribution attribution;

    OpenRouterGenerationsFormat(CustomerAttribution attribution) {
        this.attribution = attribution;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public boolean claims(String head) {
        String firstLine =
                head.lines().filter(line -> !line.isBlank()).findFirst().orElse("");
        // the first record may lack a count (a reject of its own): the file is told by the head
        return firstLine.strip().startsWith("{")
                && (head.contains("\"native_tokens_prompt\"") || head.contains("\"native_tokens_completion\""));
    }

    @Override
    public RecordCursor open(Reader reader) {
        BufferedReader lines = new BufferedReader(reader, 64 * 1024);
        return new RecordCursor() {
            private long lineNo;

            @Override
            public RawRecord next() throws IOException {
                String line;
                do {
                    line = lines.readLine();
                    lineNo++;
                } while (line != null && line.isBlank());
                return line == null ? null : parse(lineNo, line);
            }

            @Override
            public void close() throws IOException {
                lines.close();
            }
        };
    }

    RawRecord parse(long lineNo, String line) {
        JsonNode node;
        try {
            node = JsonPagesFormat.JSON.readTree(line);
        } catch (JacksonException e) {
            return RawRecord.malformed(lineNo, line, "the line is not valid JSON: " + e.getOriginalMessage());
        }
        try {
            JsonNode generation = node.isObject() && node.get("data") != null ? node.get("data") : node;
            if (!generation.isObject()) {
                throw new RecordProblem("the line is not a JSON object");
            }
            return translate(generation).toRawRecord(lineNo, line);
        } catch (JacksonException e) {
            return RawRecord.malformed(lineNo, line, JsonPagesFormat.wrongKind(e));
        } catch (RecordProblem e) {
            return RawRecord.malformed(lineNo, line, e.getMessage());
        }
    }

    private CanonicalRecord translate(JsonNode generation) {
        String[] providerAndModel = GatewayModels.split(text(generation, "model"));
        return new CanonicalRecord()
                .set(UsageColumns.REQUEST_ID, text(generation, "id"))
                .set(UsageColumns.TIMESTAMP, text(generation, "created_at"))
                .set(
                        UsageColumns.CUSTOMER_ID,
                        attribution.customerOf(
                                FAMILY, CustomerAttribution.keys("external_user", text(generation, "external_user"))))
                .set(UsageColumns.PROVIDER, providerAndModel[0])
                .set(UsageColumns.MODEL, providerAndModel[1])
                .set(UsageColumns.INPUT_TOKENS, required(generation, "native_tokens_prompt"), "native_tokens_prompt")
                .set(
                        UsageColumns.CACHED_INPUT_TOKENS,
                        count(generation, "native_tokens_cached"),
                        "native_tokens_cached")
                .set(UsageColumns.CACHE_WRITE_TOKENS, count(generation, "cache_creation.ephemeral_5m_input_tokens"))
                .set(UsageColumns.CACHE_WRITE_1H_TOKENS, count(generation, "cache_creation.ephemeral_1h_input_tokens"))
                .set(
                        UsageColumns.OUTPUT_TOKENS,
                        required(generation, "native_tokens_completion"),
                        "native_tokens_completion")
                .set(
                        UsageColumns.REASONING_TOKENS,
                        count(generation, "native_tokens_reasoning"),
                        "native_tokens_reasoning")
                .set(UsageColumns.SERVICE_TIER, OpenAiServiceTier.of(text(generation, "service_tier")));
    }
}
