package io.tokentally.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokentally.TempFolders;
import io.tokentally.TestPostgres;
import io.tokentally.TestRabbitMq;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A worker's web server (the {@code worker} profile, RabbitMQ at 127.0.0.1:5672, PostgreSQL): its liveness for the
 * chart's probe, down once its queue listener has stopped for good, and nothing but its health served.
 */
class WorkerHealthIntegrationTests {

    static final Path WORK = TempFolders.create("tokentally-worker-health-");
    static final String SCHEMA = "worker_health_" + Long.toString(System.nanoTime(), 36);
    static final String QUEUE = "tokentally-test-" + SCHEMA;

    private ConfigurableApplicationContext worker;

    @AfterEach
    void stopWorkerAndDrop() throws Exception {
        if (worker != null) {
            worker.close();
        }
        TestRabbitMq.deleteQueue(QUEUE);
        TestPostgres.dropSchema(SCHEMA);
    }

    @Test
    void aWorkerServesItsHealthWithoutATokenAndRefusesEveryOtherPath() throws Exception {
        // given
        worker = RemotePartitionsTesting.startWorker(SCHEMA, QUEUE, WORK);

        // when, then
        assertThat(get("/actuator/health/liveness").statusCode()).isEqualTo(200);
        assertThat(get("/actuator/health/liveness").body()).contains("\"status\":\"UP\"");
        assertThat(get("/actuator/health").statusCode()).isEqualTo(200);
        assertThat(get("/actuator/env").statusCode()).isEqualTo(403);
        assertThat(get("/api/runs").statusCode()).isEqualTo(403);
        assertThat(get("/v3/api-docs").statusCode()).isEqualTo(403);
    }

    @Test
    void aWorkerWhoseQueueListenerStoppedForGoodIsNotLive() throws Exception {
        // given a live worker
        worker = RemotePartitionsTesting.startWorker(SCHEMA, QUEUE, WORK);
        assertThat(get("/actuator/health/liveness").statusCode()).isEqualTo(200);

        // when its queue is deleted under it (its consumers try the queue again, a few times, then stop)
        TestRabbitMq.deleteQueue(QUEUE);

        // then its liveness is down, with no details shown
        HttpResponse<String> liveness = awaitStatus(503, Duration.ofSeconds(60));
        assertThat(liveness.body()).isEqualTo("{\"status\":\"DOWN\"}");
    }

    /** The liveness response once its status is {@code status}, asked each half second until {@code within}. */
    private HttpResponse<String> awaitStatus(int status, Duration within) throws Exception {
        Instant deadline = Instant.now().plus(within);
        HttpResponse<String> response = get("/actuator/health/liveness");
        while (response.statusCode() != status && Instant.now().isBefore(deadline)) {
            Thread.sleep(500);
            response = get("/actuator/health/liveness");
        }
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        return response;
    }

    private HttpResponse<String> get(String path) throws Exception {
        return RemotePartitionsTesting.get(worker, path);
    }
}
