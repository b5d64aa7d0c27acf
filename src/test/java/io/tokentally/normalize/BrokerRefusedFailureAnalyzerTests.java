package io.tokentally.normalize;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.BeanCreationException;
import org.springframework.boot.diagnostics.FailureAnalysis;

class BrokerRefusedFailureAnalyzerTests {

    @Test
    void aBrokerThatCannotBeReachedAtStartUpIsReportedWithItsSettingNotAStackTrace() throws IOException {
        // given a worker's start-up that failed as its queue was declared (hunt EF: 76 lines of stack frames)
        BeanCreationException failure = new BeanCreationException(
                "partitionWorker",
                "Failed to instantiate",
                new PartitionQueue.BrokerRefused(
                        "the broker of tokentally.ingest.broker-uri cannot be reached: Connection refused",
                        new ConnectException("Connection refused")));

        // when
        FailureAnalysis analysis = new BrokerRefusedFailureAnalyzer().analyze(failure);

        // then
        assertThat(analysis.getDescription())
                .isEqualTo("the broker of tokentally.ingest.broker-uri cannot be reached: Connection refused");
        assertThat(analysis.getAction())
                .startsWith("Check tokentally.ingest.broker-uri (TOKENTALLY_INGEST_BROKER_URI)");
        try (InputStream factories = getClass().getResourceAsStream("/META-INF/spring.factories")) {
            assertThat(new String(factories.readAllBytes(), StandardCharsets.UTF_8))
                    .contains(BrokerRefusedFailureAnalyzer.class.getName());
        }
    }
}
