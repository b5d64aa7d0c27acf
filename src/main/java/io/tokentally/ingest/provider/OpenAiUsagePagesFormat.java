package io.tokentally.ingest.provider;

import static io.tokentally.ingest.provider.JsonFields.text;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * Pages of one of OpenAI's {@code GET /v1/organization/usage/...} endpoints: buckets of results of one object type,
 * grouped by project, user, API key and model (and more for some). A bucket has no request id: its id is derived from
 * the bucket and the result's grouping keys, so the same bucket exported again has the same id, and a newer export's
 * numbers replace it (ADR 0012). Results are attributed by their grouping keys, the family {@code openai}.
 */
abstract class OpenAiUsagePagesFormat extends JsonPagesFormat {

    /** Attribution keys: a result's grouping keys ({@link #keys}). */
    static final AttributionFamily FAMILY =
            new AttributionFamily("openai", List.of("project_id", "api_key_id", "user_id"), List.of());

    final CustomerAttribution attribution;
    private final String name;
    private final String resultObject;

    /**
     * @param name the format's name in the report
     * @param resultObject the {@code object} of the endpoint's results, which claims a file
     */
    OpenAiUsagePagesFormat(CustomerAttribution attribution, String name, String resultObject) {
        this.attribution = attribution;
        this.name = name;
        this.resultObject = resultObject;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public boolean snapshots() {
        return true;
    }

    @Override
    public boolean claims(String head) {
        return isJson(head) && head.contains("\"" + resultObject + "\"");
    }

    @Override
    List<JsonNode> items(JsonNode page, int pageNo) {
        return bucketResults(page, pageNo, "start_time", "end_time");
    }

    /**
     * A result of this endpoint translated; one of another endpoint (its {@code object} says which) is rejected: a
     * file is read by the reader of the results its head holds, and another's fields mean other things (an
     * embeddings result has no output; a completions result read as one would lose its cache reads and output).
     */
    @Override
    final List<CanonicalRecord> translate(JsonNode item) {
        String object = text(item.get("result"), "object");
        if (object != null && !object.equals(resultObject)) {
            throw new RecordProblem("a result of another endpoint (" + object + ") in a file of " + resultObject
                    + " results: export each usage endpoint to a file of its own");
        }
        return translateResult(item);
    }

    /** Translates one result of this endpoint, with its bucket's bounds. */
    abstract List<CanonicalRecord> translateResult(JsonNode item);

    static Map<String, String> keys(JsonNode result) {
        return CustomerAttribution.keys(
                "project_id", text(result, "project_id"),
                "api_key_id", text(result, "api_key_id"),
                "user_id", text(result, "user_id"));
    }

    /** The id of a result's bucket: {@code prefix}, the bucket's bounds and every grouping key ({@code -} if none). */
    static String bucketId(String prefix, Instant start, Instant end, JsonNode result) {
        return prefix + ":" + start + "/" + end + ":" + key(result, "project_id") + ":" + key(result, "user_id")
                + ":" + key(result, "api_key_id") + ":" + key(result, "model") + ":" + key(result, "batch") + ":"
                + key(result, "service_tier");
    }

    private static String key(JsonNode result, String field) {
        String value = text(result, field);
        return value == null ? "-" : value;
    }
}
