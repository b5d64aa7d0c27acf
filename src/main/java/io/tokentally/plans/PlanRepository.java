package io.tokentally.plans;

import io.tokentally.shared.SqlTime;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

/** Plans and their markup overrides; loading a plans file replaces the plans it names. */
@Repository
public class PlanRepository {

    private final JdbcTemplate jdbc;
    private final Clock clock;

    public PlanRepository(JdbcTemplate jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    @Transactional
    public void saveAll(List<Plan> plans) {
        Instant now = Instant.now(clock);
        for (Plan plan : plans) {
            int updated = jdbc.update(
                    "UPDATE plan SET plan_type = ?, markup_percent = ?, currency = ?, price_changes = ?, updated_at = ?"
                            + " WHERE plan_id = ?",
                    plan.type().code(),
                    plan.markupPercent(),
                    plan.currency(),
                    plan.priceChanges().code(),
                    SqlTime.utc(now),
                    plan.planId());
            if (updated == 0) {
                jdbc.update(
                        "INSERT INTO plan (plan_id, plan_type, markup_percent, currency, price_changes, updated_at)"
                                + " VALUES (?, ?, ?, ?, ?, ?)",
                        plan.planId(),
                        plan.type().code(),
                        plan.markupPercent(),
                        plan.currency(),
                        plan.priceChanges().code(),
                        SqlTime.utc(now));
            }
            jdbc.update("DELETE FROM plan_markup_override WHERE plan_id = ?", plan.planId());
            for (MarkupOverride override : plan.overrides()) {
                jdbc.update(
                        "INSERT INTO plan_markup_override (plan_id, provider, model, markup_percent) VALUES (?, ?, ?, ?)",
                        plan.planId(),
                        override.provider(),
                        override.model(),
                        override.markupPercent());
            }
        }
    }

    public Map<String, Plan> findAll() {
        Map<String, List<MarkupOverride>> overrides = new HashMap<>();
        jdbc.query("SELECT plan_id, provider, model, markup_percent FROM plan_markup_override", rs -> {
            overrides
                    .computeIfAbsent(rs.getString(1), id -> new ArrayList<>())
                    .add(new MarkupOverride(
                            rs.getString(2),
                            rs.getString(3),
                            rs.getBigDecimal(4).stripTrailingZeros()));
        });
        Map<String, Plan> plans = new HashMap<>();
        jdbc.query("SELECT plan_id, plan_type, currency, markup_percent, price_changes FROM plan", rs -> {
            String id = rs.getString(1);
            plans.put(
                    id,
                    new Plan(
                            id,
                            PlanType.valueOf(rs.getString(2).toUpperCase(java.util.Locale.ROOT)),
                            rs.getString(3),
                            rs.getBigDecimal(4).stripTrailingZeros(),
                            overrides.getOrDefault(id, List.of()),
                            PriceChangePolicy.valueOf(rs.getString(5).toUpperCase(java.util.Locale.ROOT))));
        });
        return plans;
    }
}
