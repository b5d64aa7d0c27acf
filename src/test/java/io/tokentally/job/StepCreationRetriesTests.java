package io.tokentally.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Proxy;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.JobInstance;
import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.dao.CannotAcquireLockException;
import org.springframework.dao.DataIntegrityViolationException;

class StepCreationRetriesTests {

    private final AtomicInteger calls = new AtomicInteger();

    /** A repository whose step creations add the step to the run and fail at the commit, {@code n} times. */
    private JobRepository failingAtCommit(int n, RuntimeException failure) {
        return (JobRepository) Proxy.newProxyInstance(
                getClass().getClassLoader(), new Class<?>[] {JobRepository.class}, (proxy, method, args) -> {
                    if (!method.getName().equals("createStepExecution")) {
                        throw new UnsupportedOperationException(method.getName());
                    }
                    StepExecution step = new StepExecution(100 + calls.get(), (String) args[0], (JobExecution) args[1]);
                    ((JobExecution) args[1]).addStepExecution(step);
                    if (calls.incrementAndGet() <= n) {
                        throw failure;
                    }
                    return step;
                });
    }

    @Test
    void aStepCreationPostgresqlCancelledAsASerializationFailureIsTriedAgainAndItsLostStepForgotten() {
        // given a run whose step creation PostgreSQL cancels twice as a pivot (hunt EK: the run failed between steps)
        JobExecution run = new JobExecution(7, new JobInstance(3, "nightlyBillingJob"), new JobParameters());
        JobRepository repository = StepCreationRetries.retrying(
                failingAtCommit(2, new CannotAcquireLockException("could not serialize access")));

        // when
        StepExecution created = repository.createStepExecution("rateStep", run);

        // then the third try's step is the run's only one
        assertThat(calls).hasValue(3);
        assertThat(run.getStepExecutions()).containsExactly(created);
        assertThat(created.getId()).isEqualTo(102);
    }

    @Test
    void anotherFailureIsNotTriedAgainAndNorIsAConcurrencyFailureBeyondTheAttempts() {
        JobExecution run = new JobExecution(8, new JobInstance(4, "nightlyBillingJob"), new JobParameters());
        assertThatThrownBy(() -> StepCreationRetries.retrying(
                                failingAtCommit(1, new DataIntegrityViolationException("a key")))
                        .createStepExecution("rateStep", run))
                .isInstanceOf(DataIntegrityViolationException.class);
        assertThat(calls).hasValue(1);

        calls.set(0);
        assertThatThrownBy(() -> StepCreationRetries.retrying(
                                failingAtCommit(99, new CannotAcquireLockException("could not serialize access")))
                        .createStepExecution("rateStep", run))
                .isInstanceOf(CannotAcquireLockException.class);
        assertThat(calls).hasValue(StepCreationRetries.ATTEMPTS);
    }
}
