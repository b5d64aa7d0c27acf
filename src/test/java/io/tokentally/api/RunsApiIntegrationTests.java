package io.tokentally.api;

import static io.tokentally.api.ApiClient.json;
import static io.tokentally.api.ApiClient.status;
import static org.assertj.core.api.Assertions.assertThat;

import io.tokentally.TempFolders;
import io.tokentally.UsageFixtures;
import io.tokentally.job.BillingJobParameters;
import io.tokentally.job.RunReportListener;
import io.tokentally.job.StopRunsOnShutdown;
import io.tokentally.reconcile.Evidence;
import io.tokentally.reconcile.Finding;
import io.tokentally.reconcile.FindingRepository;
import io.tokentally.shared.RunFolders;
import java.net.InetAddress;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.infrastructure.item.ExecutionContext;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.batch.autoconfigure.BatchTaskExecutor;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.task.TaskExecutor;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;
import tools.jackson.databind.JsonNode;

/** The REST trigger over real HTTP on a random port, on H2: auth, each status code, start/rerun/stop/restart. */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "tokentally.api.tokens=" + RunsApiIntegrationTests.TOKEN + "," + RunsApiIntegrationTests.OTHER_TOKEN,
            "tokentally.schedules.enabled=false",
            "tokentally.ingest.threads=1"
        })
@ActiveProfiles("serve")
class RunsApiIntegrationTests {

    static final String TOKEN = "test-token-0123456789abcdefghij";
    static final String OTHER_TOKEN = "other-token-0123456789abcdefghij";
    static final Path FIXTURES = Path.of("src/test/resources/io/tokentally/job").toAbsolutePath();
    static final Path WORK = TempFolders.create("tokentally-api-");
    static final String[] CUSTOMERS = {"alice", "bob"};

    @LocalServerPort
    int port;

    @Autowired
    @Qualifier("requestMappingHandlerMapping")
    RequestMappingHandlerMapping mappings;

    ApiClient api;

    @Autowired
    FindingRepository findings;

    @Autowired
    JobRepository jobRepository;

    @Autowired
    StopRunsOnShutdown shutdown;

    @Autowired
    @BatchTaskExecutor
    TaskExecutor runPool;

    @DynamicPropertySource
    static void folders(DynamicPropertyRegistry registry) {
        registry.add("tokentally.data-dir", () -> WORK.resolve("data").toString());
        registry.add("tokentally.runs-dir", () -> WORK.resolve("runs").toString());
    }

    @BeforeAll
    static void usage() throws Exception {
        for (String day : new String[] {
            "2026-11-01",
            "2026-11-02",
            "2026-11-03",
            "2026-11-04",
            "2026-11-05",
            "2026-11-06",
            "2026-11-07",
            "2026-11-08",
            "2026-11-09",
            "2026-11-11"
        }) {
            Path folder = Files.createDirectories(WORK.resolve("usage-" + day));
            UsageFixtures.write(
                    folder.resolve("gateway.csv"),
                    UsageFixtures.rows("r" + day, LocalDate.parse(day), 40, 7, CUSTOMERS));
        }
        Path big = Files.createDirectories(WORK.resolve("usage-2026-11-10"));
        UsageFixtures.write(
                big.resolve("gateway.csv"),
                UsageFixtures.rows("big", LocalDate.parse("2026-11-10"), 300_000, 11, CUSTOMERS));
    }

    @BeforeEach
    void client() {
        api = new ApiClient(port, TOKEN);
    }

    static String body(String day) {
        return "{\"date\":\"" + day + "\",\"input\":[\"gateway=" + WORK.resolve("usage-" + day) + "\"],"
                + "\"customers\":\"" + FIXTURES.resolve("job-customers.csv") + "\",\"plans\":\""
                + FIXTURES.resolve("job-plans.yaml") + "\",\"prices\":\"" + FIXTURES.resolve("job-prices.csv") + "\"}";
    }

    @Test
    void healthIsOpenAndEverythingElseNeedsAToken() throws Exception {
        // given
        ApiClient anonymous = api.withToken(null);
        ApiClient wrongToken = api.withToken("not-a-configured-token-0123456789");

        // when, then
        assertThat(anonymous.get("/actuator/health").statusCode()).isEqualTo(200);
        assertThat(json(anonymous.get("/actuator/health")).get("status").asString())
                .isEqualTo("UP");
        assertThat(anonymous.get("/actuator/health/readiness").statusCode()).isEqualTo(200);
        for (String path : new String[] {
            "/api/jobs/nightly-billing/executions",
            "/actuator/prometheus",
            "/v3/api-docs",
            "/api/schedules",
            "/actuator/metrics"
        }) {
            assertThat(anonymous.get(path).statusCode()).as(path).isEqualTo(401);
            assertThat(wrongToken.get(path).statusCode()).as(path).isEqualTo(401);
        }
        assertThat(anonymous
                        .post("/api/jobs/nightly-billing/executions", body("2026-11-01"))
                        .statusCode())
                .isEqualTo(401);
        assertThat(anonymous.get("/api/schedules").headers().firstValue("WWW-Authenticate"))
                .hasValue("Bearer");
        assertThat(api.withToken(OTHER_TOKEN).get("/api/schedules").statusCode())
                .isEqualTo(200);
    }

    @Test
    void startAnswers202WithTheExecutionIdAndTheRunCompletesWithStepProgressAndAReport() throws Exception {
        // when
        var started = api.post("/api/jobs/nightly-billing/executions", body("2026-11-01"));

        // then
        assertThat(started.statusCode()).isEqualTo(202);
        long id = json(started).get("executionId").asLong();
        assertThat(started.headers().firstValue("Location")).hasValue("/api/executions/" + id);
        JsonNode done = api.awaitExecution(id, status("COMPLETED", "FAILED", "STOPPED"));
        assertThat(done.get("status").asString()).isEqualTo("COMPLETED");
        assertThat(done.get("date").asString()).isEqualTo("2026-11-01");
        JsonNode ingest = step(done, "ingestStep");
        assertThat(ingest.get("read").asLong()).isEqualTo(40);
        assertThat(ingest.get("written").asLong()).isEqualTo(40);
        assertThat(ingest.get("skipped").asLong()).isZero();
        assertThat(ingest.get("durationMs").asLong()).isNotNegative();
        var report = api.get(done.get("links").get("report").asString());
        assertThat(report.statusCode()).isEqualTo(200);
        assertThat(json(report).get("counts").get("read").asLong()).isEqualTo(40);
        assertThat(json(report).get("executionId").asLong()).isEqualTo(id);
        var listed = json(api.get("/api/jobs/nightly-billing/executions"));
        assertThat(listed.findValues("executionId").stream().map(JsonNode::asLong))
                .contains(id);
    }

    @Test
    void aWindowThatRanIsAConflictToStartAndADeliberateRerunStartsTheNextRerun() throws Exception {
        // given
        long first = json(api.post("/api/jobs/nightly-billing/executions", body("2026-11-02")))
                .get("executionId")
                .asLong();
        api.awaitExecution(first, status("COMPLETED"));

        // when
        var again = api.post("/api/jobs/nightly-billing/executions", body("2026-11-02"));
        // a rerun needs only the date: the files are those the window's last run read
        var rerun = api.post("/api/jobs/nightly-billing/reruns", "{\"date\":\"2026-11-02\"}");

        // then
        assertThat(again.statusCode()).isEqualTo(409);
        assertThat(again.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(json(again).get("detail").asString()).contains("/reruns");
        assertThat(rerun.statusCode()).isEqualTo(202);
        JsonNode done = api.awaitExecution(json(rerun).get("executionId").asLong(), status("COMPLETED"));
        assertThat(done.get("rerun").asLong()).isEqualTo(1);
        assertThat(step(done, "ingestStep").get("read").asLong()).isZero();
    }

    @Test
    void startsOfOneWindowAtTheSameMomentAreOneRunAndConflictsNotServerErrors() throws Exception {
        // given
        int starts = 8;
        ExecutorService callers = Executors.newFixedThreadPool(starts);
        CountDownLatch go = new CountDownLatch(1);
        try {
            // when
            List<Future<HttpResponse<String>>> answers = new ArrayList<>();
            for (int i = 0; i < starts; i++) {
                answers.add(callers.submit(() -> {
                    go.await();
                    return new ApiClient(port, TOKEN).post("/api/jobs/nightly-billing/executions", body("2026-11-07"));
                }));
            }
            go.countDown();
            List<HttpResponse<String>> responses = new ArrayList<>();
            for (var answer : answers) {
                responses.add(answer.get());
            }

            // then
            List<Integer> statuses =
                    responses.stream().map(HttpResponse::statusCode).toList();
            assertThat(statuses).as("one run, the other starts refused").containsOnlyOnce(202);
            assertThat(statuses).filteredOn(status -> status != 202).containsOnly(409);
            assertThat(responses)
                    .filteredOn(response -> response.statusCode() == 409)
                    .extracting(response -> json(response).get("detail").asString())
                    .as("a run under way is not said to have run")
                    .allSatisfy(detail ->
                            assertThat(detail).doesNotContainPattern("was already run \\(execution \\d+, START"));
            var started = responses.stream()
                    .filter(response -> response.statusCode() == 202)
                    .findFirst()
                    .orElseThrow();
            api.awaitExecution(json(started).get("executionId").asLong(), status("COMPLETED"));
        } finally {
            callers.shutdownNow();
        }
    }

    @Test
    void aProcessThatIsClosingRefusesStartsWith503RatherThanAcceptingRunsItWillNotRun() throws Exception {
        // given a process that has begun to close (its web server still answers while its runs stop)
        shutdown.beginClosing();
        try {
            // when
            var start = api.post("/api/jobs/nightly-billing/executions", body("2026-11-05"));
            var rerun = api.post("/api/jobs/nightly-billing/reruns", body("2026-11-05"));

            // then
            assertProblem(start, 503, "shutting down");
            assertProblem(rerun, 503, "shutting down");
        } finally {
            shutdown.start();
        }
    }

    @Test
    void aRunWaitingForAFreeThreadNamesThisProcessAsItsOwnerSoThatDroppedAtAClosingItIsResumedNotRefused()
            throws Exception {
        // given both run threads busy
        CountDownLatch busy = new CountDownLatch(2);
        CountDownLatch release = new CountDownLatch(1);
        for (int i = 0; i < 2; i++) {
            runPool.execute(() -> {
                busy.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
        }
        busy.await();
        long id;
        try {
            // when a run is started
            id = json(api.post("/api/jobs/nightly-billing/executions", body("2026-11-08")))
                    .get("executionId")
                    .asLong();

            // then it waits for a thread, not begun, and already names this process as its owner: a process that
            // closed now would drop it, and the next run of its window on this host would resume it
            JobExecution waiting = jobRepository.getJobExecution(id);
            assertThat(waiting.getStatus()).isEqualTo(BatchStatus.STARTING);
            assertThat(waiting.getExecutionContext().getLong("owner.pid"))
                    .isEqualTo(ProcessHandle.current().pid());
        } finally {
            release.countDown();
        }

        // and it runs once a thread is free
        assertThat(api.awaitExecution(id, status("COMPLETED", "FAILED", "STOPPED"))
                        .get("status")
                        .asString())
                .isEqualTo("COMPLETED");
    }

    @Test
    void aStartOfAWindowWhoseRunsProcessIsGoneSaysSoAndHowToResumeIt() throws Exception {
        // given (hunt EB: every start and rerun answered "wait for it or stop it", for good)
        JobExecution gone = startedByAGoneProcess("2026-11-09");

        // when
        var start = api.post("/api/jobs/nightly-billing/executions", body("2026-11-09"));

        // then
        assertProblem(
                start,
                409,
                "execution " + gone.getId() + " of window 2026-11-09 is marked STARTED but the process that ran it is"
                        + " gone; POST /api/jobs/nightly-billing/reruns to resume it");
    }

    @Test
    void aRerunOfAWindowWhoseRunsProcessIsGoneResumesThatRun() throws Exception {
        // given
        JobExecution gone = startedByAGoneProcess("2026-11-11");

        // when
        var rerun = api.post("/api/jobs/nightly-billing/reruns", "{\"date\":\"2026-11-11\"}");

        // then the run is resumed where it stopped, in its own job instance, not started again as a rerun
        assertThat(rerun.statusCode()).isEqualTo(202);
        long id = json(rerun).get("executionId").asLong();
        JsonNode resumed = api.awaitExecution(id, status("COMPLETED", "FAILED"));
        assertThat(resumed.get("status").asString()).isEqualTo("COMPLETED");
        assertThat(jobRepository.getJobExecution(id).getJobInstance().getInstanceId())
                .isEqualTo(gone.getJobInstance().getInstanceId());
        assertThat(step(resumed, "ingestStep").get("read").asLong()).isEqualTo(40);
    }

    /**
     * An execution of the window still marked STARTED by a process of this host that has ended, as one killed
     * leaves it (a process id the system gives again within the test would make it look alive).
     */
    private JobExecution startedByAGoneProcess(String day) throws Exception {
        JobParameters parameters = new BillingJobParameters(
                        LocalDate.parse(day),
                        0,
                        List.of("gateway=" + WORK.resolve("usage-" + day)),
                        FIXTURES.resolve("job-customers.csv"),
                        FIXTURES.resolve("job-plans.yaml"),
                        FIXTURES.resolve("job-prices.csv"))
                .toJobParameters();
        Process ended = new ProcessBuilder("true").start();
        ended.waitFor();
        ExecutionContext owner = new ExecutionContext();
        owner.putString("owner.host", InetAddress.getLocalHost().getHostName());
        owner.putLong("owner.pid", ended.pid());
        JobExecution gone = jobRepository.createJobExecution(
                jobRepository.createJobInstance("nightlyBillingJob", parameters), parameters, owner);
        gone.setStatus(BatchStatus.STARTED);
        gone.setStartTime(LocalDateTime.now());
        jobRepository.update(gone);
        return gone;
    }

    @Test
    void aStoppedExecutionWhoseStepsAnotherProcessIsStillEndingIsNotRestartedWithoutForce() throws Exception {
        // given an execution stopped by another replica, whose ingest step that replica is still ending
        JobParameters parameters = new BillingJobParameters(
                        LocalDate.parse("2026-10-31"),
                        0,
                        List.of("gateway=" + WORK.resolve("usage-2026-11-01")),
                        FIXTURES.resolve("job-customers.csv"),
                        FIXTURES.resolve("job-plans.yaml"),
                        FIXTURES.resolve("job-prices.csv"))
                .toJobParameters();
        JobExecution stopped = jobRepository.createJobExecution(
                jobRepository.createJobInstance("nightlyBillingJob", parameters), parameters, new ExecutionContext());
        stopped.setStatus(BatchStatus.STOPPED);
        jobRepository.update(stopped);
        StepExecution ingest = jobRepository.createStepExecution("ingestStep", stopped);
        ingest.setStatus(BatchStatus.STARTED);
        jobRepository.update(ingest);

        // when
        var restart = api.post("/api/executions/" + stopped.getId() + "/restart", null);

        // then
        assertProblem(restart, 409, "its steps [ingestStep] are still marked running");
        assertThat(jobRepository.getLastJobExecution(stopped.getJobInstance()).getId())
                .isEqualTo(stopped.getId());
    }

    @Test
    void refusesBadRequestsWithProblemDetails() throws Exception {
        // when, then: 400
        assertProblem(
                api.post("/api/jobs/nightly-billing/executions", "{\"date\":\"2026-13-45\"}"),
                400,
                "'date' must be the UTC day of usage as YYYY-MM-DD, not '2026-13-45'");
        // a JSON number is not a day (Jackson would have read it as days since 1970: year 57443)
        assertProblem(api.post("/api/jobs/nightly-billing/executions", "{\"date\":20261127}"), 400, "not '20261127'");
        assertProblem(api.post("/api/jobs/nightly-billing/executions", "{}"), 400, "'date'");
        // a misspelt field would otherwise be left out: the day billed with the default customers file
        assertProblem(
                api.post(
                        "/api/jobs/nightly-billing/executions",
                        body("2026-11-03").replace("\"customers\"", "\"custmers\"")),
                400,
                "unknown field(s) custmers; the body takes date, input, customers, plans, prices");
        assertProblem(
                api.post("/api/jobs/nightly-billing/reruns", "{\"date\":\"2026-11-03\",\"bogus\":1}"), 400, "bogus");
        // a field given twice was read as its last copy
        assertProblem(
                api.post("/api/jobs/nightly-billing/executions", "{\"date\":\"2026-11-03\",\"date\":\"2026-11-04\"}"),
                400,
                "the request body is not valid JSON for this call: Duplicate Object property \"date\"");
        assertProblem(
                api.post("/api/jobs/nightly-billing/executions", body("2099-01-01")),
                400,
                "'date' 2099-01-01 is after today");
        assertProblem(api.post("/api/jobs/nightly-billing/executions", null), 400, "'date'");
        assertProblem(
                api.post(
                        "/api/jobs/nightly-billing/executions",
                        body("2026-11-03").replace("usage-2026", "nowhere")),
                400,
                "does not exist");
        Path badPrices = Files.writeString(
                WORK.resolve("bad-prices.csv"), "model,token_type,usd_per_million\nopenai/gpt-4o,input,-1\n");
        assertProblem(
                api.post(
                        "/api/jobs/nightly-billing/executions",
                        body("2026-11-04")
                                .replace(FIXTURES.resolve("job-prices.csv").toString(), badPrices.toString())),
                400,
                badPrices + " line 2: usd_per_million is negative: -1");
        assertProblem(api.get("/api/executions/abc"), 400, "'id'");
        // an empty input would read the server's working folder; a ';' would split one input in two on a restart
        String input = "gateway=" + WORK.resolve("usage-2026-11-03");
        assertProblem(
                api.post(
                        "/api/jobs/nightly-billing/executions",
                        body("2026-11-03").replace(input, "")),
                400,
                "no folder given");
        // an empty list was taken as left out: the job file's input
        assertProblem(
                api.post(
                        "/api/jobs/nightly-billing/executions",
                        body("2026-11-03").replace("[\"" + input + "\"]", "[]")),
                400,
                "'input' is an empty list: name at least one source");
        assertProblem(
                api.post(
                        "/api/jobs/nightly-billing/executions",
                        body("2026-11-03").replace("[\"" + input + "\"]", "[\"" + input + "\", null]")),
                400,
                "'input' holds a null");
        assertProblem(
                api.post(
                        "/api/jobs/nightly-billing/executions",
                        body("2026-11-03").replace(input, input + ";x")),
                400,
                "holds ';'");
        // 415: a body that is not JSON by its content type (curl's default form type), as Spring MVC says it
        assertProblem(
                api.post(
                        "/api/jobs/nightly-billing/executions",
                        "{\"date\":\"2026-11-03\"}",
                        "application/x-www-form-urlencoded"),
                415,
                "Content-Type 'application/x-www-form-urlencoded");
        // 404
        assertProblem(api.post("/api/jobs/no-such-job/executions", body("2026-11-03")), 404, "no-such-job");
        assertProblem(api.get("/api/jobs/no-such-job/executions"), 404, "no-such-job");
        assertProblem(api.get("/api/executions/987654"), 404, "987654");
        long rerate = jobRepository
                .createJobExecution(
                        jobRepository.createJobInstance("rerateJob", new JobParameters()),
                        new JobParameters(),
                        new ExecutionContext())
                .getId();
        assertProblem(api.get("/api/executions/" + rerate), 404, "is one of rerateJob");
        assertProblem(api.post("/api/executions/" + rerate + "/restart", null), 404, "is one of rerateJob");
        assertProblem(api.post("/api/executions/987654/restart", null), 404, "987654");
        assertProblem(api.post("/api/jobs/nightly-billing/reruns", body("2026-11-04")), 404, "never run");
        assertProblem(api.post("/api/jobs/nightly-billing/reruns", "{\"date\":\"2026-11-04\"}"), 404, "never run");
        // an S3 prefix is an input as on the command line, not a local folder that does not exist
        assertProblem(
                api.post(
                        "/api/jobs/nightly-billing/reruns",
                        body("2026-11-04")
                                .replace("gateway=" + WORK.resolve("usage-2026-11-04"), "drop=s3://usage/drop/")),
                404,
                "never run");
    }

    @Test
    void stopsARunningExecutionWhichThenRestartsWhereItStopped() throws Exception {
        // given
        long id = json(api.post("/api/jobs/nightly-billing/executions", body("2026-11-10")))
                .get("executionId")
                .asLong();
        api.awaitExecution(
                id,
                execution -> execution.findValues("name").stream()
                        .anyMatch(name -> name.asString().startsWith("ingestFileStep")));

        // when
        var stop = api.post("/api/executions/" + id + "/stop", null);
        var busy = api.post("/api/jobs/nightly-billing/executions", body("2026-11-10"));
        JsonNode stopped = api.awaitExecution(id, status("STOPPED", "COMPLETED", "FAILED"));
        var stopAgain = api.post("/api/executions/" + id + "/stop", null);
        var restart = api.post("/api/executions/" + id + "/restart", null);

        // then
        assertThat(stop.statusCode()).isEqualTo(202);
        assertThat(busy.statusCode()).isIn(409);
        assertThat(stopped.get("status").asString()).isEqualTo("STOPPED");
        assertThat(stopped.get("links").has("restart")).isTrue();
        assertProblem(stopAgain, 409, "not running");
        assertThat(restart.statusCode())
                .as(stopped.toString() + " " + restart.body())
                .isEqualTo(202);
        long restarted = json(restart).get("executionId").asLong();
        JsonNode done = api.awaitExecution(restarted, status("COMPLETED", "FAILED", "STOPPED"));
        assertThat(done.get("status").asString()).isEqualTo("COMPLETED");
        assertThat(json(api.get("/api/executions/" + restarted + "/report"))
                        .get("counts")
                        .get("read")
                        .asLong())
                .isEqualTo(300_000);
        assertProblem(api.post("/api/executions/" + restarted + "/restart", null), 409, "COMPLETED");
        JsonNode resumed = json(api.get("/api/executions/" + id));
        assertThat(resumed.get("links").has("restart")).as(resumed.toString()).isFalse();
        assertThat(resumed.get("links").get("resumedBy").asString()).isEqualTo("/api/executions/" + restarted);
    }

    @Test
    void publishesRunMetricsToPrometheus() throws Exception {
        // given
        long id = json(api.post("/api/jobs/nightly-billing/executions", body("2026-11-03")))
                .get("executionId")
                .asLong();
        api.awaitExecution(id, status("COMPLETED"));

        // when
        String metrics = api.get("/actuator/prometheus").body();

        // then
        assertThat(metrics).contains("tokentally_job_duration_seconds_count{");
        assertThat(metrics).containsPattern("tokentally_rows_total\\{[^}]*kind=\"read\"[^}]*\\} [1-9]");
        assertThat(metrics).containsPattern("tokentally_rows_total\\{[^}]*kind=\"rejected\"");
        assertThat(metrics).containsPattern("tokentally_step_items_total\\{[^}]*kind=\"read\"[^}]*step=\"ingestStep\"");
        assertThat(metrics).contains("spring_batch_job_seconds_count{");
        assertThat(metrics).contains("spring_batch_step_seconds_count{");
        // item observations are turned off: timing each read and processed item cost the rate step a second
        assertThat(metrics).doesNotContain("spring_batch_item_");
        assertThat(metrics).containsPattern("tokentally_outbox_rows\\{[^}]*state=\"pending\"[^}]*\\} [0-9]");
        assertThat(metrics).containsPattern("tokentally_outbox_rows\\{[^}]*state=\"failed\"");
        assertThat(metrics).containsPattern("tokentally_findings_open\\{[^}]*severity=\"error\"");
    }

    @Test
    void servesACustomersBalanceAfterARunAndA404ForAnUnknownCustomer() throws Exception {
        // given
        long id = json(api.post("/api/jobs/nightly-billing/executions", body("2026-11-05")))
                .get("executionId")
                .asLong();
        api.awaitExecution(id, status("COMPLETED"));

        // when
        var balance = api.get("/api/customers/alice/balance");
        var unknown = api.get("/api/customers/nobody/balance");

        // then
        assertThat(balance.statusCode()).isEqualTo(200);
        assertThat(json(balance).get("currency").asString()).isEqualTo("USD");
        assertThat(json(balance).has("available")).isTrue();
        assertThat(json(balance).has("allow")).isTrue();
        assertProblem(unknown, 404, "nobody");
        assertThat(api.withToken(null).get("/api/customers/alice/balance").statusCode())
                .isEqualTo(401);
    }

    @Test
    void listsAcknowledgesAndResolvesFindingsByKey() throws Exception {
        // given: a finding whose key holds a slash, as model ids do
        String key = "api-test:alice:openai/gpt-4o:" + System.nanoTime();
        findings.record(
                new Finding(
                        key,
                        "API_TEST",
                        Finding.Severity.WARNING,
                        "seen by the API test",
                        new Evidence()
                                .number("billed_usd", new java.math.BigDecimal("2.2500"))
                                .source("billable", "gateway.csv", "2-3", null)),
                1);

        // when
        var open = api.get("/api/findings");
        var acknowledged = api.post("/api/findings/acknowledge", "{\"key\":\"" + key + "\"}");
        var openAfter = api.get("/api/findings?status=open");
        var acknowledgedList = api.get("/api/findings?status=acknowledged");
        var resolved = api.post("/api/findings/resolve", "{\"key\":\"" + key + "\"}");

        // then
        assertThat(open.statusCode()).isEqualTo(200);
        assertThat(keys(open)).contains(key);
        JsonNode listed = json(open)
                .valueStream()
                .filter(finding -> finding.get("key").asString().equals(key))
                .findFirst()
                .orElseThrow();
        assertThat(listed.get("evidence").get("numbers").get("billed_usd").asString())
                .isEqualTo("2.25");
        assertThat(listed.get("evidence").get("sources").get(0).get("lines").asString())
                .isEqualTo("2-3");
        assertThat(json(acknowledged).get("status").asString()).isEqualTo("ACKNOWLEDGED");
        assertThat(keys(openAfter)).doesNotContain(key);
        assertThat(keys(acknowledgedList)).contains(key);
        assertThat(json(resolved).get("status").asString()).isEqualTo("RESOLVED");
        assertThat(keys(api.get("/api/findings?status=all"))).contains(key);
        JsonNode resolvedListed = json(api.get("/api/findings?status=resolved"))
                .valueStream()
                .filter(finding -> finding.get("key").asString().equals(key))
                .findFirst()
                .orElseThrow();
        assertThat(listed.get("resolvedAt").isNull()).isTrue();
        assertThat(Instant.parse(resolvedListed.get("resolvedAt").asString()))
                .isAfterOrEqualTo(Instant.parse(resolvedListed.get("lastSeen").asString()));
        assertThat(resolvedListed.get("resolvedByRun").isNull())
                .as("resolved by hand")
                .isTrue();
        assertProblem(api.post("/api/findings/resolve", "{\"key\":\"no-such-finding\"}"), 404, "no-such-finding");
        assertProblem(api.post("/api/findings/resolve", "{}"), 400, "key");
        assertProblem(
                api.post("/api/findings/acknowledge", "{\"key\":\"" + key + "\",\"note\":\"seen\"}"),
                400,
                "unknown field(s) note; the body takes key");
        assertProblem(api.get("/api/findings?status=closed"), 400, "closed");
        assertThat(api.withToken(null).get("/api/findings").statusCode()).isEqualTo(401);
    }

    @Test
    void approvesOnlyAPriceSyncThatWaits() throws Exception {
        // when
        var pending = api.get("/api/prices/pending");
        var unknown = api.post(
                "/api/prices/approve", "{\"feed\":\"litellm\",\"effective\":\"2026-01-01T00:00:00Z\",\"by\":\"ops\"}");
        var badInstant = api.post("/api/prices/approve", "{\"effective\":\"yesterday\",\"by\":\"ops\"}");
        // no sync is kept finer than the microsecond: a 404 would say none waits at an instant no sync can have
        var finer = api.post("/api/prices/approve", "{\"effective\":\"2026-01-01T00:00:00.0000001Z\",\"by\":\"ops\"}");
        var longBy = api.post(
                "/api/prices/approve", "{\"effective\":\"2026-01-01T00:00:00Z\",\"by\":\"" + "o".repeat(201) + "\"}");
        // a misspelt feed would approve litellm's sync at that instant
        var misspelt = api.post(
                "/api/prices/approve", "{\"fed\":\"vendor\",\"effective\":\"2026-01-01T00:00:00Z\",\"by\":\"ops\"}");

        // then: nothing was synced here, so nothing waits (the approval flow itself: PriceSyncJobTests)
        assertThat(pending.statusCode()).isEqualTo(200);
        assertThat(json(pending).isArray()).isTrue();
        assertProblem(unknown, 404, "waits for approval");
        assertProblem(badInstant, 400, "yesterday");
        assertProblem(finer, 400, "more than six decimals of a second");
        assertProblem(longBy, 400, "at most 200");
        assertProblem(misspelt, 400, "unknown field(s) fed; the body takes feed, effective, by, reason");
        assertThat(api.withToken(null).get("/api/prices/pending").statusCode()).isEqualTo(401);
    }

    @Test
    void stripeEventDeliveriesNeedNoTokenButAreOffWithoutASigningSecret() throws Exception {
        // when: Stripe cannot send a bearer token; its deliveries are checked by signature instead
        var delivery = api.withToken(null).post("/api/stripe/events", "{\"id\":\"evt_1\"}");

        // then: not a 401, but no secret is configured here, so the endpoint is off
        assertProblem(delivery, 404, "tokentally.stripe.webhook-secret");
    }

    static java.util.List<String> keys(java.net.http.HttpResponse<String> response) {
        return json(response)
                .valueStream()
                .map(finding -> finding.get("key").asString())
                .toList();
    }

    @Test
    void servesEveryBalanceAsOneExportWithAnETagAGatewayCanCacheBy() throws Exception {
        // given
        long id = json(api.post("/api/jobs/nightly-billing/executions", body("2026-11-06")))
                .get("executionId")
                .asLong();
        api.awaitExecution(id, status("COMPLETED"));

        // when
        var export = api.get("/api/balances");
        String etag = export.headers().firstValue("ETag").orElseThrow();
        var unchanged = api.get("/api/balances", "If-None-Match", etag);
        var stale = api.get("/api/balances", "If-None-Match", "\"not-the-current-one\"");

        // then every customer is listed with the endpoint's own fields, and the same export answers 304
        assertThat(export.statusCode()).isEqualTo(200);
        assertThat(json(export).get("currency").asString()).isEqualTo("USD");
        assertThat(json(export)
                        .get("balances")
                        .valueStream()
                        .map(b -> b.get("customer_id").asString()))
                .containsExactly("alice", "bob");
        assertThat(json(export).get("balances").get(0).toString())
                .isEqualTo(json(api.get("/api/customers/alice/balance")).toString());
        assertThat(json(export).get("as_of").asString())
                .isEqualTo(json(export).get("balances").get(0).get("as_of").asString());
        // the run folder's export is the same JSON, its instants too (it had the clock's nanoseconds)
        Path folder = RunFolders.of(WORK.resolve("runs"), RunReportListener.JOB_NAME, "2026-11-06", id);
        assertThat(ApiClient.JSON.readTree(folder.resolve("balances.json").toFile()))
                .isEqualTo(json(export));
        assertThat(unchanged.statusCode()).isEqualTo(304);
        assertThat(stale.statusCode()).isEqualTo(200);
        assertThat(api.withToken(null).get("/api/balances").statusCode()).isEqualTo(401);
    }

    @Test
    void healthShowsStripeToATokenHolderAsUpInDryRun() throws Exception {
        // when
        var health = json(api.get("/actuator/health"));

        // then: no key configured, so Stripe is not called and says so
        assertThat(health.get("components").get("stripe").get("status").asString())
                .isEqualTo("UP");
        assertThat(health.get("components")
                        .get("stripe")
                        .get("details")
                        .get("dry_run")
                        .asBoolean())
                .isTrue();
        assertThat(health.get("components").get("db").get("status").asString()).isEqualTo("UP");
    }

    @Test
    void theOpenApiDocumentListsEveryApiRoute() throws Exception {
        // given
        Set<String> routes = new TreeSet<>();
        mappings.getHandlerMethods().forEach((info, method) -> {
            if (method.getBeanType().getPackageName().equals(RunsController.class.getPackageName())) {
                for (String path : info.getPatternValues()) {
                    info.getMethodsCondition().getMethods().forEach(verb -> routes.add(verb + " " + path));
                }
            }
        });

        // when
        JsonNode paths = json(api.get("/v3/api-docs")).get("paths");

        // then
        Set<String> documented = new TreeSet<>();
        paths.properties()
                .forEach(path -> path.getValue()
                        .properties()
                        .forEach(verb -> documented.add(
                                verb.getKey().toUpperCase(java.util.Locale.ROOT) + " " + path.getKey())));
        assertThat(routes).hasSizeGreaterThanOrEqualTo(8);
        assertThat(documented).isEqualTo(routes);
    }

    static JsonNode step(JsonNode execution, String name) {
        for (JsonNode step : execution.get("steps")) {
            if (step.get("name").asString().equals(name)) {
                return step;
            }
        }
        throw new AssertionError("no step " + name + " in " + execution);
    }

    static void assertProblem(java.net.http.HttpResponse<String> response, int status, String detail) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        JsonNode problem = json(response);
        assertThat(problem.get("status").asInt()).isEqualTo(status);
        if (detail != null) {
            assertThat(problem.get("detail").asString()).contains(detail);
        }
    }
}
