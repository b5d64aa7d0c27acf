package io.tokentally.api;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.List;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Gauges read from the database when scraped: the outbox backlog by state (pending, in flight, failed
 * uploads, uncertain) and the open findings by severity.
 */
@Component
class BacklogMetrics implements MeterBinder {

    private static final List<String> OUTBOX_STATES = List.of("PENDING", "IN_FLIGHT", "FAILED", "UNCERTAIN");
    private static final List<String> SEVERITIES = List.of("INFO", "WARNING", "ERROR");

    private final JdbcTemplate jdbc;

    BacklogMetrics(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        for (String state : OUTBOX_STATES) {
            Gauge.builder("tokentally.outbox.rows", () -> count("SELECT COUNT(*) FROM outbox WHERE state = ?", state))
                    .tag("state", state.toLowerCase(java.util.Locale.ROOT))
                    .description("Outbox rows in this state: the upload backlog, failed and uncertain uploads")
                    .register(registry);
        }
        for (String severity : SEVERITIES) {
            Gauge.builder(
                            "tokentally.findings.open",
                            () -> count(
                                    "SELECT COUNT(*) FROM finding WHERE status = 'OPEN' AND severity = ?", severity))
                    .tag("severity", severity.toLowerCase(java.util.Locale.ROOT))
                    .description("Open findings of this severity")
                    .register(registry);
        }
    }

    private Long count(String sql, String value) {
        return jdbc.queryForObject(sql, Long.class, value);
    }
}
