package io.tokentally.schedule;

import io.tokentally.job.BillingJobParameters;
import io.tokentally.job.BillingRuns;
import io.tokentally.reconcile.FindingRepository;
import io.tokentally.shared.StorableText;
import java.nio.file.Files;
import java.time.Clock;
import javax.sql.DataSource;
import net.javacrumbs.shedlock.core.DefaultLockingTaskExecutor;
import net.javacrumbs.shedlock.core.LockProvider;
import net.javacrumbs.shedlock.core.LockingTaskExecutor;
import net.javacrumbs.shedlock.provider.jdbctemplate.JdbcTemplateLockProvider;
import net.javacrumbs.shedlock.support.Utils;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.scheduling.annotation.SchedulingConfigurer;
import org.springframework.scheduling.config.FixedDelayTask;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * The scheduler, on when {@code tokentally.schedules.enabled} is true ({@code serve} turns it on): it
 * reads {@code jobs/} at start-up (a bad file stops the start with the file's name and what is wrong) and
 * ticks every poll interval. ShedLock's JDBC provider, on database time, keeps replicas from running the
 * same schedule twice.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnBooleanProperty("tokentally.schedules.enabled")
@EnableScheduling
public class ScheduleConfiguration {

    /** The width of the lock table's {@code locked_by} (V31). */
    private static final int LOCKED_BY_LENGTH = 255;

    @Bean
    JobSchedules jobSchedules(ScheduleProperties properties) {
        if (!Files.isDirectory(properties.dir())) { // a fault of a job file is the file's, said by load
            throw new InvalidConfigurationPropertyValueException(
                    "tokentally.schedules.dir",
                    properties.dir(),
                    "the jobs folder " + properties.dir().toAbsolutePath() + " does not exist");
        }
        try {
            return JobSchedules.load(properties.dir());
        } catch (IllegalArgumentException e) { // said in one line, as a bad setting, not after the bean's trace
            throw new InvalidConfigurationPropertyValueException(
                    "tokentally.schedules.dir", properties.dir(), e.getMessage());
        }
    }

    /**
     * The schedules' locks, each held by the replica named in {@code locked_by}: its host and process id, so that two
     * replicas of one host (or pod name) are told apart.
     */
    @Bean
    LockProvider scheduleLockProvider(DataSource dataSource) {
        return new JdbcTemplateLockProvider(JdbcTemplateLockProvider.Configuration.builder()
                .withJdbcTemplate(new JdbcTemplate(dataSource))
                .usingDbTime()
                .withLockedByValue(StorableText.cut(
                        Utils.getHostname() + " (pid " + ProcessHandle.current().pid() + ")", LOCKED_BY_LENGTH))
                .build());
    }

    /**
     * Starts a schedule's run of a usage day, unless that UTC day has not begun (a {@code same-day} window in a zone
     * ahead of UTC): refused as the API and the command line refuse it, and recorded as not started.
     */
    @Bean
    ScheduledLauncher scheduledLauncher(BillingRuns billingRuns, Clock clock) {
        return (schedule, date) -> {
            BillingJobParameters.notYetBegun(date, clock).ifPresent(why -> {
                throw new IllegalStateException(why);
            });
            return billingRuns.run(schedule.parametersFor(date)).getId();
        };
    }

    @Bean
    ScheduleRunner scheduleRunner(
            JobSchedules schedules,
            ScheduleFireRepository fires,
            LockProvider scheduleLockProvider,
            ScheduledLauncher launcher,
            FindingRepository findings,
            ScheduleProperties properties,
            Clock clock,
            PlatformTransactionManager transactions) {
        LockingTaskExecutor locks = new DefaultLockingTaskExecutor(scheduleLockProvider);
        return new ScheduleRunner(schedules, fires, locks, launcher, findings, properties, clock, transactions);
    }

    @Bean
    SchedulingConfigurer scheduleTicker(ScheduleRunner runner, ScheduleProperties properties) {
        return registrar -> registrar.addFixedDelayTask(
                new FixedDelayTask(runner::tick, properties.pollInterval(), properties.pollInterval()));
    }
}
