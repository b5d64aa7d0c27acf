package io.tokentally.api;

import java.util.Map;
import java.util.TreeSet;
import org.springframework.http.HttpStatus;

/** A request the API refuses, with the status and the detail of its {@code ProblemDetail}. */
class ApiProblem extends RuntimeException {

    private final HttpStatus status;

    private ApiProblem(HttpStatus status, String detail) {
        super(detail);
        this.status = status;
    }

    static ApiProblem badRequest(String detail) {
        return new ApiProblem(HttpStatus.BAD_REQUEST, detail);
    }

    static ApiProblem notFound(String detail) {
        return new ApiProblem(HttpStatus.NOT_FOUND, detail);
    }

    static ApiProblem conflict(String detail) {
        return new ApiProblem(HttpStatus.CONFLICT, detail);
    }

    static ApiProblem tooLarge(String detail) {
        return new ApiProblem(HttpStatus.CONTENT_TOO_LARGE, detail);
    }

    /**
     * Refuses a body that has fields the call does not take ({@code unknown}, kept by {@code @JsonAnySetter}): a
     * misspelt optional field would otherwise be left out and its default used.
     *
     * @param fields the fields the call takes, as the refusal names them
     */
    static void refuseUnknownFields(Map<String, Object> unknown, String fields) {
        if (unknown != null && !unknown.isEmpty()) {
            throw badRequest("unknown field(s) " + String.join(", ", new TreeSet<>(unknown.keySet()))
                    + "; the body takes " + fields);
        }
    }

    HttpStatus status() {
        return status;
    }
}
