package io.tokentally.plans;

import io.tokentally.shared.FieldLength;
import io.tokentally.shared.PlainNumbers;
import io.tokentally.shared.ProviderNames;
import io.tokentally.shared.StorableText;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;

/**
 * Reads a value of the plans file in the shape it must have, and refuses any other shape with the file, the
 * value's path ({@code plans[id=pro].overrides}) and what is expected, rather than with Jackson's words for it.
 */
final class PlanNodes {

    /** YAML's infinities and not-a-number in any letter case ({@code .Inf}), read as text where not as a float. */
    private static final Pattern NOT_FINITE = Pattern.compile("[-+]?\\.(inf|nan)", Pattern.CASE_INSENSITIVE);

    private PlanNodes() {}

    /** A decimal, written as a number or as text holding one; other text is refused, an infinity said to be one. */
    static BigDecimal decimal(Path file, String where, JsonNode node) {
        if (node.isNumber()) {
            return node.decimalValue();
        }
        String text = text(file, where, node).strip();
        try {
            return PlainNumbers.decimal(text);
        } catch (NumberFormatException e) {
            throw new PlanFault(
                    file,
                    where,
                    "'" + node.asString() + "' is not a "
                            + (NOT_FINITE.matcher(text).matches()
                                    ? "finite number; amounts, markups and rates are decimals"
                                    : "number"));
        }
    }

    /** The items of a list; none when the key is absent or empty. A mapping or a single value is refused. */
    static List<JsonNode> list(Path file, String where, JsonNode node) {
        if (node == null || node.isNull()) {
            return List.of();
        }
        if (!node.isArray()) {
            throw new PlanFault(file, where, "must be a list");
        }
        List<JsonNode> items = new ArrayList<>();
        node.forEach(items::add);
        return items;
    }

    static void requireMapping(Path file, String where, JsonNode node) {
        if (!node.isObject()) {
            throw new PlanFault(file, where, "must be a mapping (key: value)");
        }
    }

    /**
     * Refuses a key the mapping may not have (a misspelt optional key would otherwise go unread), on the key's line,
     * listing the known keys in alphabetical order (a set's own order changes from one start to the next).
     */
    static void requireKnownKeys(Path file, String where, JsonNode node, Set<String> known) {
        for (String key : node.propertyNames()) {
            if (!known.contains(key)) {
                String listed = String.join(", ", new TreeSet<>(known));
                throw new PlanFault(
                        file, where, "has unknown key '" + key + "'; known keys are " + listed, where + "." + key);
            }
        }
    }

    /** A single value as written; a list or a mapping is refused. */
    static String text(Path file, String where, JsonNode node) {
        if (!node.isValueNode()) {
            throw new PlanFault(file, where, "must be a single value, not a list or mapping");
        }
        String text = node.asString();
        // YAML writes a NUL as "\0" and half a character as "\ud83d": neither can be stored or written as UTF-8, and
        // ids differing only there would be read alike
        String refused = StorableText.whyRefused(text);
        if (refused != null) {
            throw new PlanFault(file, where, refused);
        }
        return text;
    }

    /** A single value without the spaces around it, refused when it has more than {@code maxLength} characters. */
    static String text(Path file, String where, JsonNode node, int maxLength) {
        String text = text(file, where, node).strip();
        if (text.length() > maxLength) {
            throw new PlanFault(file, where, FieldLength.tooLong(text.length(), maxLength));
        }
        return text;
    }

    /**
     * A {@code provider/model} id (or {@code provider/*}, as {@code form} says) as prices name it: lower case, the
     * provider's other names read as its own ({@code gemini/...} is {@code google/...}).
     */
    static String modelId(Path file, String where, JsonNode node, String form) {
        String model = text(file, where, node, FieldLength.MODEL).toLowerCase(Locale.ROOT);
        int slash = model.indexOf('/');
        if (slash < 0) {
            throw new PlanFault(file, where, "'" + model + "' must be written " + form);
        }
        if (Character.isWhitespace(model.charAt(Math.max(slash - 1, 0)))
                || slash + 1 < model.length() && Character.isWhitespace(model.charAt(slash + 1))) {
            throw new PlanFault(file, where, "'" + model + "' has a blank beside its '/'; write it " + form);
        }
        if (slash > FieldLength.PROVIDER) {
            throw new PlanFault(
                    file, where, "names a provider that " + FieldLength.tooLong(slash, FieldLength.PROVIDER));
        }
        return ProviderNames.canonical(model.substring(0, slash)) + model.substring(slash);
    }

    static boolean bool(Path file, String where, JsonNode node) {
        String text = text(file, where, node);
        return node.asBooleanOpt().orElseThrow(() -> new PlanFault(file, where, "'" + text + "' is not true or false"));
    }
}
