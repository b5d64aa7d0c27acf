package io.tokentally.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokentally.TcpProxy;
import io.tokentally.TempFolders;
import io.tokentally.TestPostgres;
import io.tokentally.TestRabbitMq;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A worker's web server (the {@code worker} profile, RabbitMQ at 127.0.0.1:5672, PostgreSQL): its liveness for the
 * chart's probe, down once its queue listener has stopped for good and up while the broker is out of reach, and
 * nothing else served.
 */
@ExtendWith(OutputCaptureExtension.class)
class WorkerHealthIntegrationTests {

    static final Path WORK = TempFolders.create("tokentally-worker-health-");
    static final String SCHEMA = "worker_health_" + Long.toString(System.nanoTime(), 36);
    static final String QUEUE = "tokentally-test-" + SCHEMA;
    private static final String LIVENESS = "/actuator/health/liveness";

    private ConfigurableApplicationContext worker;
    private TcpProxy broker;

    @AfterEach
    void stopWorkerAndDrop() throws Exception {
        if (worker != null) {
            worker.close();
        }
        if (broker != null) {
            broker.close();
        }
        TestRabbitMq.deleteQueue(QUEUE);
        TestPostgres.dropSchema(SCHEMA);
    }

    @Test
    void aWorkerServesItsLivenessWithoutATokenAndRefusesEveryOtherPath(CapturedOutput output) throws Exception {
        // given
        worker = RemotePartitionsTesting.startWorker(SCHEMA, QUEUE, WORK);

        // when, then: its liveness, and nothing else (the whole health would call Stripe and S3 with its keys)
        assertThat(get(LIVENESS).statusCode()).isEqualTo(200);
        assertThat(get(LIVENESS).body()).isEqualTo("{\"status\":\"UP\"}");
        for (String refused : new String[] {
            "/actuator/health", "/actuator/health/readiness", "/actuator/env", "/api/runs", "/v3/api-docs"
        }) {
            assertThat(get(refused).statusCode()).as(refused).isEqualTo(403);
        }
        assertThat(output.getAll()).doesNotContain("generated security password");
    }

    @Test
    void aWorkerWhoseQueueListenerStoppedForGoodIsNotLive() throws Exception {
        // given a live worker
        worker = RemotePartitionsTesting.startWorker(SCHEMA, QUEUE, WORK);
        assertThat(get(LIVENESS).statusCode()).isEqualTo(200);

        // when its queue is deleted under it (its consumers try the queue again, a few times, then stop)
        TestRabbitMq.deleteQueue(QUEUE);

        // then its liveness is down, with no details shown
        HttpResponse<String> liveness = awaitLiveness(503, Duration.ofSeconds(60));
        assertThat(liveness.body()).isEqualTo("{\"status\":\"DOWN\"}");
    }

    @Test
    void aWorkerWhoseBrokerIsOutOfReachStaysLiveAndConsumesAgainOnceItIsBack(CapturedOutput output) throws Exception {
        // given a worker that reaches the broker through a proxy
        URI direct = URI.create(TestRabbitMq.BROKER);
        broker = new TcpProxy(InetSocketAddress.createUnresolved(direct.getHost(), direct.getPort()));
        worker = RemotePartitionsTesting.startWorker(
                SCHEMA,
                QUEUE,
                WORK,
                Map.of(
                        "tokentally.ingest.broker-uri",
                        direct.getScheme() + "://" + direct.getRawUserInfo() + "@127.0.0.1:" + broker.port()));
        assertThat(RemotePartitionsTesting.consumers(QUEUE)).isEqualTo(2);

        // when the broker is out of reach (connections refused) for two of the listener's 5 s reconnection rounds
        broker.cut();
        RemotePartitionsTesting.awaitOutput(output, "Connection refused");
        Thread.sleep(11_000);

        // then the worker stayed live, and once the broker is back it consumes the queue again
        assertThat(get(LIVENESS).statusCode()).isEqualTo(200);
        broker.restore();
        assertThat(RemotePartitionsTesting.await(
                        () -> RemotePartitionsTesting.consumers(QUEUE), count -> count >= 2, Duration.ofSeconds(30)))
                .isEqualTo(2);
        assertThat(get(LIVENESS).statusCode()).isEqualTo(200);
    }

    /** The liveness response once its status is {@code status}, asked until {@code within}. */
    private HttpResponse<String> awaitLiveness(int status, Duration within) throws Exception {
        HttpResponse<String> response =
                RemotePartitionsTesting.await(() -> get(LIVENESS), read -> read.statusCode() == status, within);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        return response;
    }

    private HttpResponse<String> get(String path) throws Exception {
        return RemotePartitionsTesting.get(worker, path);
    }
}
