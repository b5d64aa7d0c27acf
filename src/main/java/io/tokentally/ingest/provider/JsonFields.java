package io.tokentally.ingest.provider;

import java.math.BigInteger;
import tools.jackson.databind.JsonNode;

/** Reads fields of provider JSON, telling an absent (or null) field from zero. */
final class JsonFields {

    private JsonFields() {}

    /** The node at a dotted path, or {@code null} when any part is absent or null. */
    static JsonNode at(JsonNode node, String path) {
        JsonNode current = node;
        for (String part : path.split("\\.")) {
            if (current == null || !current.isObject()) {
                return null;
            }
            current = current.get(part);
        }
        return current == null || current.isNull() || current.isMissingNode() ? null : current;
    }

    /** A whole-number count, or {@code null} when the field is absent (unknown, not zero). */
    static BigInteger count(JsonNode node, String path) {
        JsonNode value = at(node, path);
        if (value == null) {
            return null;
        }
        if (value.isIntegralNumber()) {
            return value.bigIntegerValue();
        }
        if (value.isString() && value.asString().strip().matches("-?\\d+")) {
            return new BigInteger(value.asString().strip());
        }
        throw new RecordProblem(path + " is not a whole number: " + value);
    }

    /** A count that must be present. */
    static BigInteger required(JsonNode node, String path) {
        BigInteger value = count(node, path);
        if (value == null) {
            throw new RecordProblem(path + " is absent: the count is unknown, so the record cannot be billed");
        }
        return value;
    }

    /** A text value, or {@code null} when absent, null or blank. */
    static String text(JsonNode node, String path) {
        JsonNode value = at(node, path);
        if (value == null) {
            return null;
        }
        String text = value.isValueNode() ? value.asString() : value.toString();
        return text.isBlank() ? null : text.strip();
    }

    /** The sum of the counts that are known; {@code null} when none is. */
    static BigInteger sum(BigInteger... counts) {
        BigInteger total = null;
        for (BigInteger count : counts) {
            if (count != null) {
                total = total == null ? count : total.add(count);
            }
        }
        return total;
    }

    static BigInteger orZero(BigInteger count) {
        return count == null ? BigInteger.ZERO : count;
    }
}
