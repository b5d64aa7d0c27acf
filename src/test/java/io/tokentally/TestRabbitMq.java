package io.tokentally;

import java.net.URI;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitAdmin;

/** Where the tests find RabbitMQ, and the queues they make there; overridable for machines that run it elsewhere. */
public final class TestRabbitMq {

    public static final String BROKER =
            System.getenv().getOrDefault("TOKENTALLY_TEST_AMQP", "amqp://guest:guest@127.0.0.1:5672");

    private TestRabbitMq() {}

    /** A connection factory of the test broker; the caller destroys it. */
    public static CachingConnectionFactory connections() {
        return new CachingConnectionFactory(URI.create(BROKER));
    }

    public static void deleteQueue(String queue) {
        CachingConnectionFactory connections = connections();
        try {
            new RabbitAdmin(connections).deleteQueue(queue);
        } finally {
            connections.destroy();
        }
    }
}
