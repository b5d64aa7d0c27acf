package io.tokentally.normalize;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Turns a start-up whose RabbitMQ broker cannot be used (a worker's, or a run's with remote partitions) into a short
 * report naming the setting, in place of the bean-creation stack trace above the one-line reason (hunt EF: 76 lines of
 * stack frames for a broker that was not running).
 */
public class BrokerRefusedFailureAnalyzer extends AbstractFailureAnalyzer<PartitionQueue.BrokerRefused> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, PartitionQueue.BrokerRefused cause) {
        return new FailureAnalysis(
                cause.getMessage(),
                "Check " + PartitionQueue.BROKER_URI + " (TOKENTALLY_INGEST_BROKER_URI): its host and port, user and"
                        + " password and virtual host, and that RabbitMQ is running and reachable from here; a queue"
                        + " refused: tokentally.ingest.queue and the user's permissions on it.",
                cause);
    }
}
