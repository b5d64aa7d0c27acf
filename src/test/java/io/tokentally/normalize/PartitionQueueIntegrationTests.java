package io.tokentally.normalize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tokentally.TestRabbitMq;
import java.net.URI;
import java.time.LocalDateTime;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.AmqpException;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitAdmin;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.batch.integration.partition.StepExecutionRequest;

/** Sending partitions to the real RabbitMQ broker of the tests, each test on a queue of its own. */
class PartitionQueueIntegrationTests {

    static final LocalDateTime CREATED = LocalDateTime.parse("2026-11-27T02:00:00.123456");

    private final String name = "tokentally-test-queue-" + Long.toString(System.nanoTime(), 36);
    private final CachingConnectionFactory connections = TestRabbitMq.connections();
    private final RabbitAdmin admin = new RabbitAdmin(connections);

    @AfterEach
    void deleteQueue() {
        admin.deleteQueue(name);
        connections.destroy();
    }

    @Test
    void aPartitionGoesToAQueueTheSendDeclaresWhenItIsMissing() {
        // when a partition is sent to a queue that does not exist
        send(42);

        // then the queue is there, holding the partition's message
        Message message = new RabbitTemplate(connections).receive(name, 5_000);
        assertThat(message).isNotNull();
        PartitionQueue.Partition partition = PartitionQueue.read(message);
        assertThat(partition.request().getStepName()).isEqualTo("ingestFileStep");
        assertThat(partition.request().getStepExecutionId()).isEqualTo(42);
        assertThat(partition.jobExecutionId()).isEqualTo(5);
        assertThat(partition.created()).isEqualTo(CREATED);
    }

    @Test
    void aQueueTheOperatorDeclaredWithArgumentsOfItsOwnIsUsedAsItIs() {
        // given the queue declared beforehand with an argument the worker would not give it
        admin.declareQueue(new Queue(name, true, false, false, Map.of("x-max-length", 100)));

        // when a partition is sent
        send(7);

        // then it is in that queue (declaring it again with other arguments would have been refused)
        assertThat(admin.getQueueInfo(name).getMessageCount()).isEqualTo(1);
    }

    @Test
    void aPartitionTheBrokerRefusesFailsTheSend() throws Exception {
        // given a queue that refuses every message (a length limit of none)
        admin.declareQueue(
                new Queue(name, true, false, false, Map.of("x-max-length", 0, "x-overflow", "reject-publish")));

        // when partitions are sent until the broker refuses one: on a loaded machine the broker was seen taking a
        // message past the limit (a limit of one, filled first, took a second; once, a limit of none took the
        // first), which no send can tell from a message taken
        AmqpException refused = null;
        long partition = 9;
        for (; partition < 14 && refused == null; partition++) {
            try {
                send(partition);
            } catch (AmqpException e) {
                refused = e;
            }
        }

        // then that send fails (without a publisher confirm it returned as if sent)
        assertThat(refused)
                .isNotNull()
                .hasMessageStartingWith("the broker did not take partition " + (partition - 1) + " of job execution 5"
                        + " on queue " + name + ": ")
                .hasMessageContaining("nack");
    }

    @Test
    void aBrokerThatRefusesTheLoginFailsTheSendSayingSoAndNamingTheSetting() throws Exception {
        // given the tests' broker, its password wrong (the run said only "Dispatcher failed to deliver Message")
        URI broker = URI.create(TestRabbitMq.BROKER);
        String user = broker.getUserInfo().split(":")[0];
        URI wrongPassword = new URI(
                broker.getScheme(),
                user + ":not-the-password",
                broker.getHost(),
                broker.getPort(),
                broker.getPath(),
                null,
                null);

        // when, then
        assertThatThrownBy(() -> send(wrongPassword, 3))
                .isInstanceOf(AmqpException.class)
                .hasMessageStartingWith("the broker refused the login of tokentally.ingest.broker-uri (its user and"
                        + " password): ACCESS_REFUSED");
    }

    @Test
    void aWorkerWhoseBrokerHasNoSuchVirtualHostFailsToStartNamingTheSetting() {
        // given the tests' broker, with a virtual host it does not have (the worker said only "java.io.IOException")
        URI broker = URI.create(TestRabbitMq.BROKER + "/no-such-vhost");
        PartitionQueue queue = new PartitionQueue(broker, name);

        // when, then
        try {
            assertThatThrownBy(() -> queue.listener(1, message -> {}))
                    .isInstanceOf(AmqpException.class)
                    .hasMessageStartingWith("the broker of tokentally.ingest.broker-uri refused queue " + name + ": ")
                    .hasMessageContaining("no-such-vhost");
        } finally {
            queue.destroy();
        }
    }

    private void send(long stepExecutionId) {
        send(URI.create(TestRabbitMq.BROKER), stepExecutionId);
    }

    private void send(URI broker, long stepExecutionId) {
        PartitionQueue queue = new PartitionQueue(broker, name);
        try {
            queue.send(new StepExecutionRequest("ingestFileStep", stepExecutionId), 5, CREATED);
        } finally {
            queue.destroy();
        }
    }
}
