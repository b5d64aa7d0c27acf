package io.tokentally.plans;

import io.tokentally.ingest.CsvTable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Reads the customers file: {@code customer_id, stripe_customer_id, plan_id[, name]}. */
public final class CustomersFile {

    private CustomersFile() {}

    public static List<Customer> read(Path file, Set<String> planIds) throws IOException {
        List<Customer> customers = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        for (CsvTable.Row row : CsvTable.read(file, List.of("customer_id", "plan_id"))) {
            String id = row.require("customer_id");
            String plan = row.require("plan_id");
            if (!planIds.contains(plan)) {
                throw row.problem("plan_id '" + plan + "' is not in the plans file");
            }
            if (!ids.add(id)) {
                throw row.problem("customer_id '" + id + "' appears twice");
            }
            customers.add(new Customer(id, row.get("stripe_customer_id"), plan, row.get("name")));
        }
        return customers;
    }
}
