package io.tokentally.ingest.provider;

import static io.tokentally.ingest.provider.JsonFields.required;
import static io.tokentally.ingest.provider.JsonFields.text;

import io.tokentally.ingest.UsageColumns;
import java.math.BigInteger;
import java.time.Instant;
import java.util.List;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;

/**
 * Pages of OpenAI's {@code GET /v1/organization/usage/embeddings}: buckets of results with {@code input_tokens} and
 * {@code num_model_requests}, grouped by project, user, API key and model. Each result is the model's input tokens
 * of its bucket (standard tier and context: the API groups embeddings by neither).
 */
@Component
@Order(39)
class OpenAiEmbeddingsUsageFormat extends OpenAiUsagePagesFormat {

    static final String NAME = "openai-usage-embeddings";

    OpenAiEmbeddingsUsageFormat(CustomerAttribution attribution) {
        super(attribution, NAME, "organization.usage.embeddings.result");
    }

    @Override
    List<CanonicalRecord> translateResult(JsonNode item) {
        JsonNode result = item.get("result");
        if (text(result, "model") == null) {
            throw new RecordProblem("the result has no model: export the usage with group_by=model");
        }
        BigInteger input = required(result, "input_tokens");
        Instant start = JsonFields.unixSeconds(item, "start_time");
        Instant end = JsonFields.unixSeconds(item, "end_time");
        return List.of(new CanonicalRecord()
                .set(UsageColumns.REQUEST_ID, bucketId("openai-embeddings", start, end, result))
                .set(UsageColumns.TIMESTAMP, start)
                .set(UsageColumns.CUSTOMER_ID, attribution.customerOf(FAMILY, keys(result)))
                .set(UsageColumns.PROVIDER, "openai")
                .set(UsageColumns.MODEL, text(result, "model"))
                .set(UsageColumns.INPUT_TOKENS, input)
                .set(UsageColumns.OUTPUT_TOKENS, BigInteger.ZERO)
                .set(UsageColumns.SERVICE_TIER, "standard")
                .set(UsageColumns.CONTEXT_TIER, "standard"));
    }
}
