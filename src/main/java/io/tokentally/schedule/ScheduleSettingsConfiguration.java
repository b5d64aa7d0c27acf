package io.tokentally.schedule;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Configuration;

/**
 * Binds the schedule settings wherever the engine starts, not only where the scheduler runs: {@code run} refuses a
 * bad one ({@code poll-interval=30}, without a unit) as {@code serve} does.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(ScheduleProperties.class)
class ScheduleSettingsConfiguration {}
