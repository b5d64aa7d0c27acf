package io.tokentally.job;

import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.core.task.TaskDecorator;
import org.springframework.stereotype.Component;

/**
 * Counts the jobs this process is executing, from the moment one starts on its thread until it returns, its
 * last job repository update included. A stop request marks a run STOPPED in the repository at once, while
 * its steps still finish their chunk, so the repository cannot tell a closing process when it may close the
 * database; this count can ({@link StopRunsOnShutdown}).
 */
@Component
public class RunningJobs implements TaskDecorator {

    private final AtomicInteger running = new AtomicInteger();

    @Override
    public Runnable decorate(Runnable job) {
        return () -> {
            running.incrementAndGet();
            try {
                job.run();
            } finally {
                running.decrementAndGet();
            }
        };
    }

    int count() {
        return running.get();
    }
}
