package io.tokentally.job;

import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.dao.ConcurrencyFailureException;
import org.springframework.stereotype.Component;
import org.springframework.util.ClassUtils;
import org.springframework.util.ReflectionUtils;

/**
 * Tries the creation of a run's next step again when the database cancels it as a serialization failure. Spring
 * Batch creates step executions at its isolation for creation, serializable, and PostgreSQL cancels one of several
 * runs that start at the same moment as a pivot of their read/write dependencies, at the commit ("The transaction
 * might succeed if retried"): the run failed between two steps (hunt EK: 2 of 8 waves of five runs). The creation's
 * transaction rolled back, so it is tried again, as a run's start is ({@link BillingRuns}); the step execution the
 * failed attempt added to the run's execution in memory, whose row is gone, is taken out of it first.
 */
@Component
class StepCreationRetries implements BeanPostProcessor {

    static final int ATTEMPTS = 5;
    private static final Logger log = LoggerFactory.getLogger(StepCreationRetries.class);
    private static final Field STEP_EXECUTIONS = stepExecutionsField();

    @Override
    public Object postProcessAfterInitialization(Object bean, String beanName) {
        return bean instanceof JobRepository repository ? retrying(repository) : bean;
    }

    /** The repository, its step creations tried up to {@link #ATTEMPTS} times on a concurrency failure. */
    static JobRepository retrying(JobRepository repository) {
        return (JobRepository) Proxy.newProxyInstance(
                StepCreationRetries.class.getClassLoader(),
                ClassUtils.getAllInterfaces(repository),
                (proxy, method, args) -> {
                    boolean stepCreation = method.getName().equals("createStepExecution")
                            && args != null
                            && args.length == 2
                            && args[1] instanceof JobExecution;
                    for (int attempt = 1; ; attempt++) {
                        Set<StepExecution> before = stepCreation ? steps((JobExecution) args[1]) : Set.of();
                        try {
                            return method.invoke(repository, args);
                        } catch (InvocationTargetException e) {
                            Throwable failure = e.getCause();
                            if (!stepCreation
                                    || !(failure instanceof ConcurrencyFailureException)
                                    || attempt == ATTEMPTS) {
                                throw failure;
                            }
                            forgetAddedSince((JobExecution) args[1], before);
                            log.info(
                                    "Creating step {} again after the job repository's {}",
                                    args[0],
                                    failure.getMessage());
                        }
                    }
                });
    }

    private static Set<StepExecution> steps(JobExecution execution) {
        Set<StepExecution> steps = Collections.newSetFromMap(new IdentityHashMap<>());
        steps.addAll(execution.getStepExecutions());
        return steps;
    }

    /** Takes out of the run's execution the step executions added to it since {@code before}. */
    @SuppressWarnings("unchecked")
    private static void forgetAddedSince(JobExecution execution, Set<StepExecution> before) {
        List<StepExecution> held = (List<StepExecution>) ReflectionUtils.getField(STEP_EXECUTIONS, execution);
        held.removeIf(step -> !before.contains(step));
    }

    private static Field stepExecutionsField() {
        Field field = ReflectionUtils.findField(JobExecution.class, "stepExecutions", List.class);
        if (field == null) {
            throw new IllegalStateException("JobExecution holds no stepExecutions list: Spring Batch changed");
        }
        ReflectionUtils.makeAccessible(field);
        return field;
    }
}
