package io.tokentally.ingest.provider;

import java.math.BigInteger;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.Arrays;
import tools.jackson.databind.JsonNode;

/** Reads fields of provider JSON, telling an absent (or null) field from zero. */
final class JsonFields {

    private JsonFields() {}

    /**
     * The node at a dotted path, or {@code null} when any part is absent or null; a part that leads on but is
     * not an object is a field of the wrong kind ({@code "cache_creation": 5}), not an absent count.
     */
    static JsonNode at(JsonNode node, String path) {
        JsonNode current = node;
        String[] parts = path.split("\\.");
        for (int i = 0; i < parts.length; i++) {
            if (current == null || current.isNull() || current.isMissingNode()) {
                return null;
            }
            if (!current.isObject()) {
                String holder = i == 0 ? "the value holding " + path : String.join(".", Arrays.copyOf(parts, i));
                throw new RecordProblem(holder + " is not an object: " + current);
            }
            current = current.get(parts[i]);
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

    /** A present time in Unix seconds; one beyond the instants Java keeps (about 3 x 10^16 seconds) is refused. */
    static Instant unixSeconds(JsonNode node, String path) {
        BigInteger seconds = required(node, path);
        try {
            return Instant.ofEpochSecond(seconds.longValueExact());
        } catch (ArithmeticException | DateTimeException e) {
            throw new RecordProblem(path + " is not a time in Unix seconds: " + seconds);
        }
    }

    /** An object, or {@code null} when absent or null; any other value is refused. */
    static JsonNode object(JsonNode node, String path) {
        JsonNode value = at(node, path);
        if (value != null && !value.isObject()) {
            throw new RecordProblem(path + " is not an object: " + value);
        }
        return value;
    }

    /** A scalar as text, or {@code null} when null or blank; an object or array, named {@code name}, is refused. */
    static String scalar(JsonNode value, String name) {
        if (value == null || value.isNull() || value.isMissingNode()) {
            return null;
        }
        if (!value.isValueNode()) {
            throw new RecordProblem(name + " is not a text value: " + value);
        }
        String text = value.asString();
        return text.isBlank() ? null : text.strip();
    }

    /** A text value, or {@code null} when absent, null or blank; an object or array is refused. */
    static String text(JsonNode node, String path) {
        return scalar(at(node, path), path);
    }

    /** A JSON {@code true} or {@code false}, or {@code null} when absent; any other value is refused. */
    static Boolean bool(JsonNode node, String path) {
        JsonNode value = at(node, path);
        if (value == null) {
            return null;
        }
        if (!value.isBoolean()) {
            throw new RecordProblem(path + " is not true or false: " + value);
        }
        return value.booleanValue();
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
