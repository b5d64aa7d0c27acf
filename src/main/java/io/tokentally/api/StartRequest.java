package io.tokentally.api;

import com.fasterxml.jackson.annotation.JsonAnySetter;
import java.util.List;
import java.util.Map;

/**
 * The body of a start or rerun: the usage day, and optionally the job's files; what is left out comes
 * from the job's file in {@code jobs/}, in a process that runs the schedules.
 *
 * @param date the UTC day of usage, {@code YYYY-MM-DD}: text, read strictly by the call, since Jackson would
 *     take a JSON number for a count of days since 1970
 * @param input the usage inputs, as the command line's {@code --input}: folders ({@code [NAME[:ROLE]=]FOLDER}),
 *     S3 prefixes and providers' APIs
 * @param customers the customers file
 * @param plans the plans file
 * @param prices the prices file
 * @param unknown the body's other fields, which the call refuses: a misspelt {@code custmers} left out would bill the
 *     day with the default customers file
 */
public record StartRequest(
        String date,
        List<String> input,
        String customers,
        String plans,
        String prices,
        @JsonAnySetter Map<String, Object> unknown) {

    /** The fields a start or rerun takes. */
    static final String FIELDS = "date, input, customers, plans, prices";
}
