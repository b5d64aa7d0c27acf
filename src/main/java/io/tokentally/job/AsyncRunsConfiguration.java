package io.tokentally.job;

import io.tokentally.ingest.IngestProperties;
import jakarta.validation.constraints.Min;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.batch.autoconfigure.BatchTaskExecutor;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Profile;
import org.springframework.core.env.Environment;
import org.springframework.core.task.TaskExecutor;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;
import org.springframework.validation.annotation.Validated;

/**
 * Where the job operator executes runs: in {@code serve}, on a small pool of its own, so that a REST call or
 * the scheduler gets the execution id at once; on the command line, in the calling thread, which waits. Both
 * count the runs they execute ({@link RunningJobs}), so a closing process waits for them.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(AsyncRunsConfiguration.ServeProperties.class)
class AsyncRunsConfiguration {

    /**
     * @param maxConcurrentRuns how many runs one {@code serve} process executes at once; more wait their turn
     */
    @Validated
    @ConfigurationProperties("tokentally.serve")
    record ServeProperties(@DefaultValue("2") @Min(1) int maxConcurrentRuns) {}

    /** Checks the pool for the runs set here (and the settings a run needs) before anything takes a connection. */
    @Bean
    static DataSourceChecks dataSourceChecks(
            Environment environment,
            ObjectProvider<TokentallyProperties> tokentally,
            ObjectProvider<IngestProperties> ingest,
            ObjectProvider<ServeProperties> serve) {
        return new DataSourceChecks(environment, tokentally, ingest, serve);
    }

    @Bean
    @BatchTaskExecutor
    @Profile("serve")
    TaskExecutor runTaskExecutor(ServeProperties properties, RunningJobs runningJobs) {
        ThreadPoolTaskExecutor executor = new ThreadPoolTaskExecutor();
        executor.setCorePoolSize(properties.maxConcurrentRuns());
        executor.setMaxPoolSize(properties.maxConcurrentRuns());
        executor.setThreadNamePrefix("run-");
        executor.setTaskDecorator(runningJobs);
        return executor;
    }

    @Bean
    @BatchTaskExecutor
    @Profile("!serve")
    TaskExecutor callingThreadTaskExecutor(RunningJobs runningJobs) {
        return job -> runningJobs.decorate(job).run();
    }
}
