package io.tokentally.normalize;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.ShutdownSignalException;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.time.format.DateTimeParseException;
import org.apache.commons.logging.Log;
import org.springframework.amqp.AmqpAuthenticationException;
import org.springframework.amqp.AmqpConnectException;
import org.springframework.amqp.AmqpException;
import org.springframework.amqp.AmqpIOException;
import org.springframework.amqp.AmqpTimeoutException;
import org.springframework.amqp.core.AcknowledgeMode;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageDeliveryMode;
import org.springframework.amqp.core.MessageListener;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.rabbit.connection.AbstractConnectionFactory;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitAdmin;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.amqp.rabbit.listener.ConditionalRejectingErrorHandler;
import org.springframework.amqp.rabbit.listener.SimpleMessageListenerContainer;
import org.springframework.amqp.support.ConditionalExceptionLogger;
import org.springframework.batch.integration.partition.StepExecutionRequest;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.core.NestedExceptionUtils;

/**
 * The RabbitMQ queue that carries the ingest step's file partitions from a run to the worker processes. A message
 * is one partition: its step execution id as text, and the worker step's name, the job execution's id and the time
 * the partition was created in headers (a worker checks them against its database: two databases with alike
 * histories hold partitions of the same ids, not created at the same time); no Java serialization, so a worker never
 * deserializes objects from the broker. The queue is durable and its messages persistent, so a partition sent
 * survives a broker restart, and a send returns only once the broker has confirmed it took the message (a publisher
 * confirm). A queue the operator declared beforehand (a quorum queue, a queue with arguments of its own) is used as
 * it is; a missing one is declared as a durable classic queue. A worker takes one message at a time and acknowledges
 * it when its file's step has ended (completed or failed), so a worker that dies while reading a file leaves the
 * message to another, which reads the file again (a file is one transaction).
 */
final class PartitionQueue implements DisposableBean {

    static final String STEP_HEADER = "tokentally-step";
    static final String JOB_EXECUTION_HEADER = "tokentally-job-execution";
    static final String CREATED_HEADER = "tokentally-partition-created";
    private static final String ID = "[0-9]{1,18}";
    /** How long a stopping worker waits for the files it is reading; past it, their messages go to another worker. */
    private static final long SHUTDOWN_MILLIS = 60_000;
    /** How long a send waits for the broker to confirm that it took the message. */
    private static final long CONFIRM_MILLIS = 30_000;

    static final String BROKER_URI = "tokentally.ingest.broker-uri";

    private static final ConditionalExceptionLogger DEFAULT_CLOSE_LOGGER =
            new AbstractConnectionFactory.DefaultChannelCloseLogger();

    private final CachingConnectionFactory connections;
    private final RabbitTemplate template;
    private final String queue;

    /** @throws IllegalArgumentException if the broker's URI is unusable (its message may hold the password) */
    PartitionQueue(URI broker, String queue) {
        this.connections = new CachingConnectionFactory(broker);
        connections.setPublisherConfirmType(CachingConnectionFactory.ConfirmType.SIMPLE);
        connections.setCloseExceptionLogger(PartitionQueue::logChannelClose);
        this.template = new RabbitTemplate(connections);
        // a publisher blocked by a broker alarm must not hold up the consumers of the same process
        template.setUsePublisherConnection(true);
        this.queue = queue;
    }

    String name() {
        return queue;
    }

    /**
     * Sends one partition of the job execution, declaring the queue first if it is missing, and waits until the broker
     * confirms it took the message.
     *
     * @param created when the partition was created, as the job repository holds it
     * @throws AmqpException if the broker cannot be reached, refuses the message (a full queue that rejects new
     *     messages) or does not confirm it in time; its message names the queue and the partition
     */
    void send(StepExecutionRequest request, long jobExecutionId, LocalDateTime created) {
        declare();
        MessageProperties properties = new MessageProperties();
        properties.setHeader(STEP_HEADER, request.getStepName());
        properties.setHeader(JOB_EXECUTION_HEADER, Long.toString(jobExecutionId));
        properties.setHeader(CREATED_HEADER, created.toString());
        properties.setContentType(MessageProperties.CONTENT_TYPE_TEXT_PLAIN);
        properties.setDeliveryMode(MessageDeliveryMode.PERSISTENT);
        byte[] body = Long.toString(request.getStepExecutionId()).getBytes(StandardCharsets.US_ASCII);
        Message message = new Message(body, properties);
        String partition = "partition " + request.getStepExecutionId() + " of job execution " + jobExecutionId;
        try {
            template.invoke(operations -> {
                operations.send("", queue, message);
                operations.waitForConfirmsOrDie(CONFIRM_MILLIS);
                return null;
            });
        } catch (AmqpTimeoutException e) {
            throw new AmqpException(
                    "the broker did not confirm " + partition + " on queue " + queue + " within "
                            + CONFIRM_MILLIS / 1000 + " s",
                    e);
        } catch (AmqpException | ShutdownSignalException e) {
            throw new AmqpException(
                    "the broker did not take " + partition + " on queue " + queue + ": " + e.getMessage(), e);
        }
    }

    /**
     * A partition as a message carries it: the request, the job execution it belongs to and when it was created
     * (null in a message of a version that did not send it).
     */
    record Partition(StepExecutionRequest request, long jobExecutionId, LocalDateTime created) {}

    /**
     * The partition a message carries.
     *
     * @throws IllegalArgumentException if it is not a partition message
     */
    static Partition read(Message message) {
        Object step = message.getMessageProperties().getHeader(STEP_HEADER);
        Object job = message.getMessageProperties().getHeader(JOB_EXECUTION_HEADER);
        Object created = message.getMessageProperties().getHeader(CREATED_HEADER);
        String body = new String(message.getBody(), StandardCharsets.US_ASCII);
        if (!(step instanceof String stepName)
                || stepName.isEmpty()
                || !body.matches(ID)
                || !(job instanceof String jobExecution)
                || !jobExecution.matches(ID)
                || (created != null && !(created instanceof String))) {
            throw new IllegalArgumentException("not a partition message (headers " + STEP_HEADER + ": " + step + ", "
                    + JOB_EXECUTION_HEADER + ": " + job + ", " + CREATED_HEADER + ": " + created + ", body of "
                    + message.getBody().length + " bytes)");
        }
        try {
            return new Partition(
                    new StepExecutionRequest(stepName, Long.parseLong(body)),
                    Long.parseLong(jobExecution),
                    created == null ? null : LocalDateTime.parse((String) created));
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(
                    "not a partition message (header " + CREATED_HEADER + ": " + created + ")", e);
        }
    }

    /**
     * A stopped listener of the queue: {@code consumers} messages handled at once, each acknowledged when {@code
     * listener} returns; when it throws, the message goes back to the queue, unless the exception is an {@link
     * org.springframework.amqp.AmqpRejectAndDontRequeueException} (a message no worker could ever run).
     */
    SimpleMessageListenerContainer listener(int consumers, MessageListener listener) {
        declare();
        SimpleMessageListenerContainer container = new SimpleMessageListenerContainer(connections);
        container.setQueueNames(queue);
        container.setConcurrentConsumers(consumers);
        // a worker takes more messages at once only while files wait for a dead worker's file (WorkerStalls), never
        // more than twice its threads; lowering the count back cancels no consumer, whose extra ones end when idle
        container.setMaxConcurrentConsumers(2 * consumers);
        container.setConsecutiveActiveTrigger(Integer.MAX_VALUE);
        container.setPrefetchCount(1);
        container.setAcknowledgeMode(AcknowledgeMode.AUTO);
        container.setDefaultRequeueRejected(true);
        container.setMessageListener(listener);
        container.setErrorHandler(new DropsSaidByTheWorker());
        container.setShutdownTimeout(SHUTDOWN_MILLIS);
        container.afterPropertiesSet();
        return container;
    }

    /**
     * The container's handling of a listener's failure, less its warning and stack trace for a message the worker
     * dropped (rejected, not put back), whose reason the worker has logged in a line of its own.
     */
    private static final class DropsSaidByTheWorker extends ConditionalRejectingErrorHandler {

        @Override
        protected void log(Throwable failure) {
            if (!causeChainContainsARADRE(failure)) {
                super.log(failure);
            }
        }
    }

    /**
     * Declares the presence queue of this process unless it is there: exclusive to the connection its consumers use
     * (the one {@link RabbitAdmin} uses, not the publisher connection), so the broker deletes it when that connection
     * ends, as it gives the connection's unacknowledged messages back to the queue. Called again now and then, it
     * declares the queue again after the connection was made again.
     */
    void keepPresence(String name) {
        new RabbitAdmin(connections).declareQueue(new Queue(name, false, true, true));
    }

    /** How many messages the queue holds that no worker has taken. */
    long readyMessages() {
        return new RabbitAdmin(connections).getQueueInfo(queue).getMessageCount();
    }

    /**
     * Whether a queue of this name exists, another connection's exclusive queue included (the broker refuses to
     * declare that one again, even passively, as locked; the channel this closes is not logged as an error).
     */
    boolean exists(String name) {
        Boolean exists = template.execute(channel -> {
            try {
                channel.queueDeclarePassive(name);
                return true;
            } catch (IOException e) {
                int code = channelCloseCode(e.getCause());
                if (code == AMQP.NOT_FOUND || code == AMQP.RESOURCE_LOCKED) {
                    return code == AMQP.RESOURCE_LOCKED;
                }
                throw e;
            }
        });
        return Boolean.TRUE.equals(exists);
    }

    /**
     * Logs a channel the broker closed as spring-rabbit does, but at debug level for the answer {@link #exists} gets
     * about another connection's exclusive queue (a queue not found is already at debug).
     */
    private static void logChannelClose(Log logger, String message, Throwable cause) {
        if (channelCloseCode(cause) == AMQP.RESOURCE_LOCKED) {
            logger.debug(message + ": " + cause);
        } else {
            DEFAULT_CLOSE_LOGGER.log(logger, message, cause);
        }
    }

    /** The reply code of the broker's closing of a channel that {@code cause} reports, or -1 if it reports none. */
    private static int channelCloseCode(Throwable cause) {
        return cause instanceof ShutdownSignalException signal && signal.getReason() instanceof AMQP.Channel.Close close
                ? close.getReplyCode()
                : -1;
    }

    /**
     * Declares the queue, durable, unless it exists: a queue declared with other arguments is left as it is. A broker
     * that refuses the login, cannot be reached or refuses the queue (an unknown virtual host) is said with the setting
     * that names it, for the manager's sends and a worker's start alike.
     */
    private void declare() {
        try {
            RabbitAdmin admin = new RabbitAdmin(connections);
            if (admin.getQueueProperties(queue) == null) {
                admin.declareQueue(new Queue(queue, true));
            }
        } catch (AmqpAuthenticationException | AmqpConnectException | AmqpIOException e) {
            String problem = e instanceof AmqpAuthenticationException
                    ? "the broker refused the login of " + BROKER_URI + " (its user and password): "
                    : e instanceof AmqpConnectException
                            ? "the broker of " + BROKER_URI + " cannot be reached: "
                            : "the broker of " + BROKER_URI + " refused queue " + queue + ": ";
            throw new BrokerRefused(
                    problem + NestedExceptionUtils.getMostSpecificCause(e).getMessage(), e);
        }
    }

    @Override
    public void destroy() {
        connections.destroy();
    }

    /** The broker of {@link #BROKER_URI} refused the login, cannot be reached or refused the queue. */
    static final class BrokerRefused extends AmqpException {
        BrokerRefused(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
