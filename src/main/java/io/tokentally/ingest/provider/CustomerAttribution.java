package io.tokentally.ingest.provider;

import io.tokentally.ingest.CsvTable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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

    static CustomerAttribution of(AttributionProperties properties) {
        Map<String, String> customers = new HashMap<>();
        if (properties.mappingFile() != null) {
            if (!Files.isRegularFile(properties.mappingFile())) {
                throw new IllegalArgumentException("tokentally.attribution.mapping-file: "
                        + properties.mappingFile().toAbsolutePath() + " does not exist");
            }
            try {
                for (CsvTable.Row row :
                        CsvTable.read(properties.mappingFile(), List.of("key", "value", "customer_id"))) {
                    customers.put(qualified(row.require("key"), row.require("value")), row.require("customer_id"));
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + properties.mappingFile(), e);
            }
        }
        return new CustomerAttribution(customers, properties.keys());
    }

    /**
     * The customer of a record of a reader family.
     *
     * @param family {@code openai}, {@code anthropic}, ...
     * @param keys the record's keys (name to value, a value {@code null} when absent) in the reader's
     *     default order
     */
    String customerOf(String family, Map<String, String> keys) {
        List<String> order = keyOrder.getOrDefault(family, List.copyOf(keys.keySet()));
        for (String key : order) {
            String value = keys.get(key);
            String customer = value == null ? null : customers.get(qualified(family + "." + key, value));
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
