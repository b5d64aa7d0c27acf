-- Rows counted as duplicates whose request id an earlier row holds with other numbers (customer, provider,
-- model, service tier, status or a count). The earlier copy is the one billed; these are kept for the
-- reconcile step's CONFLICTING_DUPLICATE finding.
CREATE TABLE duplicate_conflict (
    file_id BIGINT NOT NULL,
    line_no BIGINT NOT NULL,
    request_id VARCHAR(500) NOT NULL,
    PRIMARY KEY (file_id, line_no)
);
