package io.tokentally.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokentally.ingest.UsageFormat;
import org.junit.jupiter.api.Test;

class RunSummaryTests {

    static final String REPORT = """
            {"job": "nightly-billing", "executionId": 7, "status": "COMPLETED",
             "window": {"from": "2026-11-27T00:00:00Z", "to": "2026-11-28T00:00:00Z"},
             "counts": {"read": 10, "accepted": 9, "rejected": 1, "duplicates": 0, "unattributed": 0,
                        "error_rows": 0, "files": {"new": 1}, "rated_hours": 2, "aggregates_changed": 3},
             "totals": [], "top_customers": [],
             "stripe": {"dry_run": true, "pending": 0, "requests_file": "stripe-requests.jsonl"},
             "findings": %s}
            """;

    @Test
    void aLiveRunsCreditGrantRowsHaveALineOfTheirOwnWhenItHadAny() {
        // given a live run that created, voided and expired grants, and found grant rows and invoice items an earlier
        // call had sent in Stripe
        String stripe = """
                "stripe": {"dry_run": false, "meter_events_sent": 5, "meter_events_already_sent": 0,
                           "credit_grants_sent": 3, "credit_grant_voids_sent": 2, "credit_grant_expires_sent": 1,
                           "credit_grant_rows_found_in_stripe": 4, "credit_grants_never_arrived": 1,
                           "invoice_items_sent": 0, "invoice_items_found_in_stripe": 2, "failed": 0,
                           "uncertain": 0, "pending": 0}""";
        String live = REPORT.formatted("[]").replaceFirst("\"stripe\": \\{[^}]*}", stripe);
        String withoutGrantRows = live.replaceAll("\"(credit_grant[a-z_]*)\": [0-9]+", "\"$1\": 0");

        // when
        String summary = RunSummary.format(RunReportListener.JSON.readTree(live));
        String withoutGrants = RunSummary.format(RunReportListener.JSON.readTree(withoutGrantRows));

        // then
        assertThat(summary)
                .contains("  stripe: 5 meter events sent, 0 already delivered, 0 invoice items for late usage (and 2 an"
                        + " earlier call had sent, found in Stripe), 0 rejected, 0 uncertain, 0 still pending\n"
                        + "  credit grants: 3 created, 2 voided, 1 expired; 4 rows an earlier call had sent found in"
                        + " Stripe, 1 never arrived\n");
        assertThat(withoutGrants)
                .contains("  stripe: 5 meter events sent, 0 already delivered, 0 invoice items for late usage (and 2")
                .doesNotContain("credit grants:");
    }

    @Test
    void countsTheRunsFindingsBySeverityMostUrgentFirstAndByKind() {
        // given
        String findings = """
                [{"kind": "UNATTRIBUTED_USAGE", "severity": "WARNING"},
                 {"kind": "LATE_USAGE_INVOICED", "severity": "INFO"},
                 {"kind": "CONFLICTING_DUPLICATE", "severity": "WARNING"},
                 {"kind": "UNATTRIBUTED_USAGE", "severity": "WARNING"},
                 {"kind": "LATE_USAGE_INVOICED", "severity": "INFO"},
                 {"kind": "NEGATIVE_MARGIN", "severity": "ERROR"}]""";

        // when
        String summary = RunSummary.format(RunReportListener.JSON.readTree(REPORT.formatted(findings)));

        // then
        assertThat(summary)
                .contains("  findings: 1 error (NEGATIVE_MARGIN 1), 3 warnings (CONFLICTING_DUPLICATE 1,"
                        + " UNATTRIBUTED_USAGE 2), 2 info (LATE_USAGE_INVOICED 2); see report.json or"
                        + " 'tokentally findings list'\n");
    }

    @Test
    void countsAcknowledgedFindingsApartFromTheOpenOnes() {
        // given: an error someone acknowledged, seen again by this run, beside an open warning
        String findings = """
                [{"kind": "UNFINISHED_RUN", "severity": "ERROR", "status": "ACKNOWLEDGED"},
                 {"kind": "UNATTRIBUTED_USAGE", "severity": "WARNING", "status": "OPEN"}]""";

        // when
        String summary = RunSummary.format(RunReportListener.JSON.readTree(REPORT.formatted(findings)));

        // then
        assertThat(summary)
                .contains("  findings: 1 warning (UNATTRIBUTED_USAGE 1); acknowledged: 1 error (UNFINISHED_RUN 1);"
                        + " see report.json or 'tokentally findings list'\n");
    }

    @Test
    void saysNoneOpenWhenEveryFindingOfTheRunIsAcknowledgedOrResolvedSince() {
        // given: one acknowledged, and one the run's restart resolved (it sent what the run could not)
        String findings = """
                [{"kind": "UNFINISHED_RUN", "severity": "ERROR", "status": "ACKNOWLEDGED"},
                 {"kind": "NOT_SENT", "severity": "ERROR", "status": "RESOLVED"}]""";

        // when
        String summary = RunSummary.format(RunReportListener.JSON.readTree(REPORT.formatted(findings)));

        // then
        assertThat(summary)
                .contains("  findings: none open; acknowledged: 1 error (UNFINISHED_RUN 1); resolved: 1 error"
                        + " (NOT_SENT 1); see report.json");
    }

    @Test
    void namesTheRejectedRowsReasonsUnderTheCountsWhenThereAreAny() {
        // given
        String report = REPORT.formatted("[]")
                .replace(
                        "\"error_rows\": 0,",
                        "\"error_rows\": 0, \"rejected_by_reason\": {\"NO_PRICE\": 3, \"MALFORMED_ROW\": 1},");

        // when
        String summary = RunSummary.format(RunReportListener.JSON.readTree(report));

        // then: as report.json orders them, most frequent first
        assertThat(summary)
                .contains("error rows 0" + System.lineSeparator()
                        + "  rejected rows (file, line, reason and text in rejects.csv): NO_PRICE 3, MALFORMED_ROW 1"
                        + System.lineSeparator());
        assertThat(RunSummary.format(RunReportListener.JSON.readTree(REPORT.formatted("[]"))))
                .doesNotContain("rejected rows");
    }

    @Test
    void saysHowManyRatedHoursLieOutsideTheDate() {
        // given: a run whose files touched an hour of the day before
        String report = REPORT.formatted("[]")
                .replace("\"rated_hours\": 2,", "\"rated_hours\": 25, \"hours_outside_window\": 1,");

        // when
        String summary = RunSummary.format(RunReportListener.JSON.readTree(report));

        // then
        assertThat(summary).contains("(25 hours rated, 1 of them outside the date, 3 aggregates");
        assertThat(RunSummary.format(RunReportListener.JSON.readTree(REPORT.formatted("[]"))))
                .contains("(2 hours rated, 3 aggregates changed)");
    }

    @Test
    void saysOneHourAndOneRequestInTheSingular() {
        // given: a run that rated one hour and has one request to send
        String report = REPORT.formatted("[]")
                .replace("\"rated_hours\": 2,", "\"rated_hours\": 1,")
                .replace("\"pending\": 0,", "\"pending\": 1,");

        // when
        String summary = RunSummary.format(RunReportListener.JSON.readTree(report));

        // then
        assertThat(summary).contains("(1 hour rated, 3 aggregates changed)").contains("the 1 request it would send");
    }

    @Test
    void aRunThatStoppedOrFailedSaysItsFiguresAreWhatItHadDoneAndACompletedOneDoesNot() {
        String stopped = REPORT.formatted("[]").replace("\"status\": \"COMPLETED\"", "\"status\": \"STOPPED\"");
        String failed = REPORT.formatted("[]").replace("\"status\": \"COMPLETED\"", "\"status\": \"FAILED\"");
        String early = "  (it ended before its last step: the figures below are what it had done by then)\n";

        assertThat(RunSummary.format(RunReportListener.JSON.readTree(stopped)))
                .contains(": STOPPED (execution 7)\n" + early);
        assertThat(RunSummary.format(RunReportListener.JSON.readTree(failed))).contains(early);
        assertThat(RunSummary.format(RunReportListener.JSON.readTree(REPORT.formatted("[]"))))
                .doesNotContain(early);
    }

    @Test
    void aDryRunThatEndedBeforeItsUploadStepNamesNoRequestsFile() {
        // given: a run stopped before the upload step, with rows of earlier runs in the outbox
        String report = REPORT.formatted("[]")
                .replace("\"pending\": 0, \"requests_file\": \"stripe-requests.jsonl\"", "\"pending\": 432");

        // when
        String summary = RunSummary.format(RunReportListener.JSON.readTree(report));

        // then
        assertThat(summary)
                .contains("  stripe: dry run (no STRIPE_API_KEY); 432 requests wait in the outbox, none written:"
                        + " the run ended before its upload step\n")
                .doesNotContain("stripe-requests.jsonl");
    }

    @Test
    void aDryRunWithNothingToSendSaysSoRatherThanThatItEndedEarly() {
        // given: a run whose usage was all held, so its outbox stayed empty and its dry run wrote no file
        String report = REPORT.formatted("[]").replace(", \"requests_file\": \"stripe-requests.jsonl\"", "");

        // when
        String summary = RunSummary.format(RunReportListener.JSON.readTree(report));

        // then
        assertThat(summary)
                .contains("  stripe: dry run (no STRIPE_API_KEY); the outbox holds nothing to send\n")
                .doesNotContain("ended before");
    }

    @Test
    void aDryRunThatFailedBeforeItsOutboxWasPlannedSaysItEndedEarly() {
        // given: a run that failed before its upload step, with an empty outbox and no requests file
        String report = REPORT.formatted("[]")
                .replace("\"status\": \"COMPLETED\"", "\"status\": \"FAILED\"")
                .replace(", \"requests_file\": \"stripe-requests.jsonl\"", ", \"upload_step_completed\": false");

        // when
        String summary = RunSummary.format(RunReportListener.JSON.readTree(report));

        // then
        assertThat(summary)
                .contains("  stripe: dry run (no STRIPE_API_KEY); the outbox holds nothing to send:"
                        + " the run ended before its upload step completed\n");
    }

    @Test
    void countsTheFilesThisRunReadWhoseInputCountItCannotSplit() {
        // given: a Cloudflare log this run read, and one an earlier run read (its detail is that run's)
        String note = "tokens_in" + UsageFormat.NOT_SPLIT + "cache reads and writes";
        String files = """
                "files": [{"outcome": "NEW", "format": "cloudflare-ai-gateway-logs", "detail": "%1$s"},
                          {"outcome": "ALREADY_INGESTED", "format": "cloudflare-ai-gateway-logs", "detail": "%1$s"},
                          {"outcome": "NEW", "format": "usage-csv"}],
                "stripe":""".formatted(note);
        String report = REPORT.formatted("[]").replace("\"stripe\":", files);

        // when
        String summary = RunSummary.format(RunReportListener.JSON.readTree(report));

        // then
        assertThat(summary)
                .contains("  files whose input count holds cache tokens it cannot split, billed as plain input: 1"
                        + " (report.json files' detail)\n");
    }

    @Test
    void saysNothingOfFindingsWhenThereAreNone() {
        // when
        String summary = RunSummary.format(RunReportListener.JSON.readTree(REPORT.formatted("[]")));

        // then
        assertThat(summary).doesNotContain("findings");
    }
}
