package io.tokentally.job;

import jakarta.validation.constraints.Min;
import org.springframework.boot.batch.autoconfigure.BatchTaskExecutor;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Profile;
import org.springframework.core.task.TaskExecutor;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;
import org.springframework.validation.annotation.Validated;

/**
 * In {@code serve}, the job operator starts runs on a small pool of its own, so that a REST call or the
 * scheduler gets the execution id at once (the command line runs them in its own thread and waits).
 */
@Configuration(proxyBeanMethods = false)
@Profile("serve")
@EnableConfigurationProperties(AsyncRunsConfiguration.ServeProperties.class)
class AsyncRunsConfiguration {

    /**
     * @param maxConcurrentRuns how many runs one {@code serve} process executes at once; more wait their turn
     */
    @Validated
    @ConfigurationProperties("tokentally.serve")
    record ServeProperties(@DefaultValue("2") @Min(1) int maxConcurrentRuns) {}

    @Bean
    @BatchTaskExecutor
    TaskExecutor runTaskExecutor(ServeProperties properties) {
        ThreadPoolTaskExecutor executor = new ThreadPoolTaskExecutor();
        executor.setCorePoolSize(properties.maxConcurrentRuns());
        executor.setMaxPoolSize(properties.maxConcurrentRuns());
        executor.setThreadNamePrefix("run-");
        return executor;
    }
}
