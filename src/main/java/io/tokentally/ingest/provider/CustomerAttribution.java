package io.tokentally.ingest.provider;

import io.tokentally.ingest.CsvRow;
import io.tokentally.ingest.CsvTable;
import io.tokentally.shared.FieldLength;
import io.tokentally.shared.RequiredFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Names the customer of a provider or gateway record from its keys (project, API key, workspace, end
 * user, metadata): the first key, in the configured order, whose value the mapping file maps wins.
 * When none is mapped, the first key with a value names the customer as written (a gateway that already
 * carries the operator's customer ids needs no mapping); usage of an id that is not a known customer
 * is reported as unattributed. A record without any key is attributed to {@value #UNATTRIBUTED}.
 */
public final class CustomerAttribution {

    /**
     * The customer id of records without any key: reserved, the customers file may not name it (else that
     * customer would be billed for every such record).
     */
    public static final String UNATTRIBUTED = "unattributed";

    static final String MAPPING_FILE_PROPERTY = "tokentally.attribution.mapping-file";

    private final Map<String, String> customers;
    private final Map<String, List<String>> keyOrder;

    CustomerAttribution(Map<String, String> customers, Map<String, List<String>> keyOrder) {
        this.customers = Map.copyOf(customers);
        this.keyOrder = Map.copyOf(keyOrder);
    }

    /** No mapping and every reader's default key order. */
    static CustomerAttribution none() {
        return new CustomerAttribution(Map.of(), Map.of());
    }

    /**
     * The mapping file's customers, read strictly as the customers file is (a bad row stops start-up naming the
     * property, the file and the line: {@link #customers}), and the configured key orders.
     */
    static CustomerAttribution of(AttributionProperties properties) {
        if (properties.mappingFile() == null) {
            return new CustomerAttribution(Map.of(), properties.keys());
        }
        RequiredFile.require(MAPPING_FILE_PROPERTY, properties.mappingFile());
        String shown = MAPPING_FILE_PROPERTY + " (" + properties.mappingFile().toAbsolutePath() + ")";
        try {
            List<CsvRow> rows = CsvTable.readStrictly(
                    properties.mappingFile(), shown, List.of("key", "value", "customer_id"), List.of());
            return new CustomerAttribution(customers(rows), properties.keys());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + shown, e);
        }
    }

    /**
     * The customer of each mapped key and value. A row is refused when its key names no reader family or a key its
     * family does not have (a misspelt key would never match), its customer id is longer than tokentally keeps, or it
     * maps a key and value that an earlier row maps to another customer (which of the two bills the usage would
     * otherwise depend on the rows' order); a row that repeats an earlier one is allowed.
     */
    private static Map<String, String> customers(List<CsvRow> rows) {
        Map<String, String> customers = new HashMap<>();
        Map<String, Long> firstLines = new HashMap<>();
        for (CsvRow row : rows) {
            String key = requireKnownKey(row);
            String value = row.require("value");
            String customer = row.requireVisible("customer_id", FieldLength.CUSTOMER_ID);
            String mapped = qualified(key, value);
            String earlier = customers.putIfAbsent(mapped, customer);
            if (earlier != null && !earlier.equals(customer)) {
                throw row.problem(key + " " + value + " is mapped to customer " + customer + ", and to " + earlier
                        + " on line " + firstLines.get(mapped));
            }
            firstLines.putIfAbsent(mapped, row.lineNo());
        }
        return customers;
    }

    /** The row's key, refused unless it is {@code <family>.<key>} with a key its family has. */
    private static String requireKnownKey(CsvRow row) {
        String key = row.require("key");
        String familyName = familyOf(key);
        AttributionFamily family = AttributionProperties.family(familyName)
                .orElseThrow(() -> row.problem("key " + key + " is not <family>.<key> with a family of "
                        + AttributionProperties.familyNames()
                        + nearestKey(familyName, key)));
        family.unknown(key.substring(family.name().length() + 1), family.name() + ".")
                .ifPresent(unknown -> {
                    throw row.problem(unknown);
                });
        return key;
    }

    /**
     * {@code "; did you mean <family>.<key>?"} for a key whose family is misspelt: the nearest family, and its key
     * nearest the row's ({@code opnai.projct_id}: {@code openai.project_id}); "" when no family is near.
     */
    private static String nearestKey(String familyName, String key) {
        return AttributionProperties.nearestFamily(familyName)
                .map(family -> {
                    String keyPart = key.substring(familyName.length() + 1);
                    String nearest = family.declares(keyPart) ? keyPart : family.nearest(keyPart);
                    return "; did you mean " + family.name() + (nearest == null ? "" : "." + nearest) + "?";
                })
                .orElse("");
    }

    /** A mapping key's family: its part before the first dot, or "" when it has no key after one. */
    private static String familyOf(String key) {
        int dot = key.indexOf('.');
        return dot > 0 && dot < key.length() - 1 ? key.substring(0, dot) : "";
    }

    /**
     * The customer of a record of a reader family.
     *
     * @param family the reader's family ({@code openai}, {@code anthropic}, ...); a key it does not declare is refused
     * @param keys the record's keys (name to value, a value {@code null} when absent) in the reader's
     *     default order
     */
    String customerOf(AttributionFamily family, Map<String, String> keys) {
        requireDeclared(family, keys);
        List<String> order = keyOrder.getOrDefault(family.name(), List.copyOf(keys.keySet()));
        for (String key : order) {
            String value = keys.get(key);
            String customer = value == null ? null : customers.get(qualified(family.name() + "." + key, value));
            if (customer != null) {
                return customer;
            }
        }
        return order.stream()
                .map(keys::get)
                .filter(value -> value != null && !value.isBlank())
                .findFirst()
                .orElse(UNATTRIBUTED);
    }

    /**
     * Of a key's several values (a LiteLLM request's tags), the first the mapping file maps for it, else the first
     * that is not blank: the one {@link #customerOf} is to read, so that a mapped tag is found wherever the request
     * lists it.
     */
    String firstMapped(AttributionFamily family, String key, List<String> values) {
        List<String> given = values.stream()
                .filter(value -> value != null && !value.isBlank())
                .toList();
        return given.stream()
                .filter(value -> customers.containsKey(qualified(family.name() + "." + key, value)))
                .findFirst()
                .orElse(given.isEmpty() ? null : given.get(0));
    }

    /**
     * A reader building a key its family does not declare is a bug (the key could be neither mapped nor ordered),
     * not a bad record: an error, which the CSV readers do not take for a fault of the file.
     */
    private static void requireDeclared(AttributionFamily family, Map<String, String> keys) {
        for (String key : keys.keySet()) {
            if (!family.builds(key)) {
                throw new AssertionError("a reader of " + family.name() + " built the attribution key " + key
                        + ", which " + family.name() + " does not declare (its keys: " + family.listed() + ")");
            }
        }
    }

    /**
     * The customer a provider cost export's line is for, named from its project (OpenAI's project, Anthropic's
     * workspace) and API key as {@link #customerOf} names the customer of the provider's usage records; empty for
     * another provider's line, or one of neither key.
     */
    public Optional<String> customerOfCostLine(String provider, String projectId, String apiKeyId) {
        if (projectId == null && apiKeyId == null) {
            return Optional.empty();
        }
        return switch (provider) {
            case "openai" ->
                Optional.of(customerOf(
                        OpenAiUsagePagesFormat.FAMILY,
                        keys("project_id", projectId, "api_key_id", apiKeyId, "user_id", null)));
            case "anthropic" ->
                Optional.of(customerOf(
                        AnthropicMessagesUsageFormat.FAMILY, keys("workspace_id", projectId, "api_key_id", apiKeyId)));
            default -> Optional.empty();
        };
    }

    /** Keys in a fixed order, absent values included; for readers building their key map. */
    static Map<String, String> keys(String... namesAndValues) {
        Map<String, String> keys = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            keys.put(namesAndValues[i], namesAndValues[i + 1]);
        }
        return keys;
    }

    private static String qualified(String key, String value) {
        return key + "\u0000" + value;
    }
}
