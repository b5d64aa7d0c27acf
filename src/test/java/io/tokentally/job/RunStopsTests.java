package io.tokentally.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.TimeZone;
import org.junit.jupiter.api.Test;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.repository.support.ResourcelessJobRepository;
import org.springframework.batch.infrastructure.item.ExecutionContext;

class RunStopsTests {

    @Test
    void aStopIsTimedInTheJvmsZoneAsSpringBatchTimesTheRest() throws Exception {
        // given a running execution, and a JVM whose zone is not UTC
        Instant now = Instant.parse("2026-12-03T10:00:00Z");
        JobRepository repository = new ResourcelessJobRepository();
        JobExecution execution = repository.createJobExecution(
                repository.createJobInstance("nightlyBillingJob", new JobParameters()),
                new JobParameters(),
                new ExecutionContext());
        execution.setStatus(BatchStatus.STARTED);
        TimeZone jvmZone = TimeZone.getDefault();
        TimeZone.setDefault(TimeZone.getTimeZone("Asia/Tokyo"));
        try {
            // when
            new RunStops(repository, Clock.fixed(now, ZoneOffset.UTC)).ask(execution);

            // then: 19:00 in Tokyo, which the API reads back as 10:00 UTC
            assertThat(execution.getStatus()).isEqualTo(BatchStatus.STOPPING);
            assertThat(execution.getEndTime()).isEqualTo(LocalDateTime.ofInstant(now, ZoneId.of("Asia/Tokyo")));
        } finally {
            TimeZone.setDefault(jvmZone);
        }
    }
}
