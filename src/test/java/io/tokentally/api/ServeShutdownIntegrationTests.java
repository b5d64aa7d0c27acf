package io.tokentally.api;

import static io.tokentally.api.ApiClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import io.tokentally.ChildJvm;
import io.tokentally.TempFolders;
import io.tokentally.UsageFixtures;
import io.tokentally.cli.TokentallyCommand;
import java.io.File;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Graceful stop: {@code tokentally serve} in a JVM of its own gets SIGTERM in the middle of a run; the run
 * ends STOPPED (not left STARTED), the process exits, and {@code tokentally restart} finishes the run with
 * every row counted once.
 */
class ServeShutdownIntegrationTests {

    static final String TOKEN = "shutdown-token-0123456789abcdefghij";
    static final Path FIXTURES = Path.of("src/test/resources/io/tokentally/job").toAbsolutePath();

    @Test
    void sigtermDuringARunStopsItCleanlySoThatItRestartsAndLosesNothing() throws Exception {
        // given: serve with a run in its ingest step
        Path work = TempFolders.create("tokentally-sigterm-");
        Path usage = Files.createDirectories(work.resolve("usage"));
        UsageFixtures.write(
                usage.resolve("gateway.csv"),
                UsageFixtures.rows("term", LocalDate.parse("2026-11-12"), 30_000, 5, "alice", "bob"));
        int port = freePort();
        Process serve = serve(work, port);
        ApiClient api = new ApiClient(port, TOKEN);
        awaitUp(api, serve);
        String body = "{\"date\":\"2026-11-12\",\"input\":[\"gateway=" + usage + "\"],\"customers\":\""
                + FIXTURES.resolve("job-customers.csv") + "\",\"plans\":\"" + FIXTURES.resolve("job-plans.yaml")
                + "\",\"prices\":\"" + FIXTURES.resolve("job-prices.csv") + "\"}";
        long id = json(api.post("/api/jobs/nightly-billing/executions", body))
                .get("executionId")
                .asLong();
        api.awaitExecution(
                id,
                execution -> execution.findValues("name").stream()
                        .anyMatch(name -> name.asString().startsWith("ingestFileStep")));

        // when
        serve.destroy();
        boolean exited = serve.waitFor(90, TimeUnit.SECONDS);

        // then
        assertThat(exited).as("serve exits after SIGTERM").isTrue();
        assertThat(status(work, id)).isEqualTo("STOPPED");
        System.setProperty("tokentally.data-dir", work.resolve("data").toString());
        System.setProperty("tokentally.runs-dir", work.resolve("runs").toString());
        try {
            int exit = TokentallyCommand.execute("restart", Long.toString(id));
            assertThat(exit).isZero();
        } finally {
            System.clearProperty("tokentally.data-dir");
            System.clearProperty("tokentally.runs-dir");
        }
        long restarted = lastExecution(work);
        JsonNode report = ApiClient.JSON.readTree(
                work.resolve("runs/nightly-billing/2026-11-12/execution-" + restarted + "/report.json")
                        .toFile());
        assertThat(report.get("status").asString()).isEqualTo("COMPLETED");
        assertThat(report.get("counts").get("read").asLong()).isEqualTo(30_000);
        assertThat(report.get("counts").get("accepted").asLong()
                        + report.get("counts").get("rejected").asLong())
                .isEqualTo(30_000);
        assertLogsAreJsonWithoutTheToken(work.resolve("serve.log"));
    }

    /** With logging.structured.format.console=ecs every log line is a JSON object; no line has the token. */
    private static void assertLogsAreJsonWithoutTheToken(Path log) throws Exception {
        List<String> lines = Files.readAllLines(log);
        List<JsonNode> events = lines.stream()
                .filter(line -> line.startsWith("{"))
                .map(line -> ApiClient.JSON.readTree(line))
                .toList();
        assertThat(events)
                .anySatisfy(event -> assertThat(event.get("message").asString()).contains("stopping execution"));
        assertThat(events)
                .allSatisfy(event -> assertThat(event.has("@timestamp")).isTrue());
        assertThat(lines).noneMatch(line -> line.contains(TOKEN));
    }

    private static Process serve(Path work, int port) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(ChildJvm.command(
                List.of(
                        "-Dtokentally.data-dir=" + work.resolve("data"),
                        "-Dtokentally.runs-dir=" + work.resolve("runs"),
                        "-Dtokentally.ingest.threads=1",
                        "-Dlogging.structured.format.console=ecs"),
                List.of("serve", "--port=" + port, "--no-scheduler")));
        builder.environment().put("TOKENTALLY_API_TOKENS", TOKEN);
        builder.redirectErrorStream(true);
        builder.redirectOutput(work.resolve("serve.log").toFile());
        builder.directory(new File("."));
        return builder.start();
    }

    private static void awaitUp(ApiClient api, Process serve) throws Exception {
        for (int attempt = 0; attempt < 600 && serve.isAlive(); attempt++) {
            try {
                if (api.get("/actuator/health").statusCode() == 200) {
                    return;
                }
            } catch (java.io.IOException notYet) {
                // the server is still starting
            }
            Thread.sleep(100);
        }
        throw new AssertionError("serve did not come up");
    }

    private static String status(Path work, long id) throws Exception {
        try (Connection connection = h2(work);
                Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery(
                        "SELECT STATUS FROM BATCH_JOB_EXECUTION WHERE JOB_EXECUTION_ID = " + id)) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static long lastExecution(Path work) throws Exception {
        try (Connection connection = h2(work);
                Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery("SELECT MAX(JOB_EXECUTION_ID) FROM BATCH_JOB_EXECUTION")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static Connection h2(Path work) throws Exception {
        return DriverManager.getConnection("jdbc:h2:file:" + work.resolve("data/tokentally"), "sa", "");
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
