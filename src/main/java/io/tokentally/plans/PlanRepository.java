package io.tokentally.plans;

import io.tokentally.shared.ContextTier;
import io.tokentally.shared.ServiceTier;
import io.tokentally.shared.SqlDialect;
import io.tokentally.shared.SqlTime;
import io.tokentally.shared.TokenType;
import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

/**
 * Plans with their markup overrides, custom rates and allowances; loading a plans file replaces the plans it names.
 */
@Repository
public class PlanRepository {

    private final JdbcTemplate jdbc;
    private final Clock clock;
    private final String insertIfAbsent;

    public PlanRepository(JdbcTemplate jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.insertIfAbsent = SqlDialect.of(jdbc.getDataSource())
                .insertIfAbsent(
                        "plan",
                        List.of(
                                "plan_type",
                                "markup_percent",
                                "currency",
                                "updated_at",
                                "fixed_fee_usd",
                                "consumption_order",
                                "allow_overage",
                                "price_changes",
                                "stripe_price_moves",
                                "plan_id"),
                        List.of("plan_id"));
    }

    @Transactional
    public void saveAll(List<Plan> plans) {
        Instant now = Instant.now(clock);
        // in the order of their ids, as customers are (CustomerRepository#saveAll): no deadlock between two runs
        for (Plan plan :
                plans.stream().sorted(Comparator.comparing(Plan::planId)).toList()) {
            Object[] values = {
                plan.type().code(),
                plan.markupPercent(),
                plan.currency(),
                SqlTime.utc(now),
                plan.fixedFeeUsd(),
                plan.consumptionOrder().stream().map(CreditSource::code).collect(Collectors.joining(",")),
                plan.allowOverage(),
                plan.priceChanges().code(),
                plan.stripePriceMoves().code(),
                plan.planId()
            };
            // inserted first: a run loading the same new plan at the same moment waits for this one's insert
            // (PostgreSQL), then updates it, where an update first found no row in either and one insert failed
            if (!SqlDialect.inserted(jdbc, insertIfAbsent, values)
                    && jdbc.update(
                                    "UPDATE plan SET plan_type = ?, markup_percent = ?, currency = ?, updated_at = ?,"
                                            + " fixed_fee_usd = ?, consumption_order = ?, allow_overage = ?,"
                                            + " price_changes = ?, stripe_price_moves = ? WHERE plan_id = ?",
                                    values)
                            == 0) {
                throw new IllegalStateException("plan " + plan.planId() + " was neither inserted nor found to update");
            }
            saveOverrides(plan);
            saveAllowances(plan);
        }
    }

    private void saveOverrides(Plan plan) {
        jdbc.update("DELETE FROM plan_markup_override WHERE plan_id = ?", plan.planId());
        jdbc.update("DELETE FROM plan_custom_rate WHERE plan_id = ?", plan.planId());
        for (MarkupOverride override : plan.overrides()) {
            jdbc.update(
                    "INSERT INTO plan_markup_override (plan_id, provider, model, markup_percent) VALUES (?, ?, ?, ?)",
                    plan.planId(),
                    override.provider(),
                    override.model(),
                    override.markupPercent());
            for (CustomRate rate : override.rates()) {
                jdbc.update(
                        "INSERT INTO plan_custom_rate (plan_id, model, token_type, service_tier, context_tier,"
                                + " usd_per_million) VALUES (?, ?, ?, ?, ?, ?)",
                        plan.planId(),
                        override.model(),
                        rate.tokenType().code(),
                        rate.serviceTier().code(),
                        rate.contextTier().code(),
                        rate.usdPerMillion());
            }
        }
    }

    private void saveAllowances(Plan plan) {
        jdbc.update("DELETE FROM plan_allowance WHERE plan_id = ?", plan.planId());
        for (int i = 0; i < plan.allowances().size(); i++) {
            Allowance allowance = plan.allowances().get(i);
            jdbc.update(
                    "INSERT INTO plan_allowance (plan_id, position, name, usd, tokens, models) VALUES (?, ?, ?, ?, ?, ?)",
                    plan.planId(),
                    i,
                    allowance.name(),
                    allowance.usd(),
                    allowance.tokens(),
                    String.join(",", allowance.models()));
        }
    }

    public Map<String, Plan> findAll() {
        Map<String, List<MarkupOverride>> overrides = markupOverrides();
        Map<String, List<Allowance>> allowances = allowances();
        Map<String, Plan> plans = new HashMap<>();
        jdbc.query(
                "SELECT plan_id, plan_type, currency, markup_percent, fixed_fee_usd, consumption_order, allow_overage,"
                        + " price_changes, stripe_price_moves FROM plan",
                rs -> {
                    String id = rs.getString(1);
                    plans.put(id, plan(id, rs, overrides, allowances));
                });
        return plans;
    }

    private static Plan plan(
            String id,
            ResultSet rs,
            Map<String, List<MarkupOverride>> overrides,
            Map<String, List<Allowance>> allowances)
            throws SQLException {
        BigDecimal fee = rs.getBigDecimal(5);
        return new Plan(
                id,
                PlanType.valueOf(rs.getString(2).toUpperCase(Locale.ROOT)),
                rs.getString(3),
                rs.getBigDecimal(4).stripTrailingZeros(),
                overrides.getOrDefault(id, List.of()),
                fee == null ? BigDecimal.ZERO : fee.stripTrailingZeros(),
                allowances.getOrDefault(id, List.of()),
                Arrays.stream(rs.getString(6).split(","))
                        .map(CreditSource::parse)
                        .toList(),
                rs.getBoolean(7),
                PriceChangePolicy.valueOf(rs.getString(8).toUpperCase(Locale.ROOT)),
                StripePriceMoves.parse(rs.getString(9)));
    }

    private Map<String, List<MarkupOverride>> markupOverrides() {
        Map<String, List<CustomRate>> rates = customRates();
        Map<String, List<MarkupOverride>> overrides = new HashMap<>();
        jdbc.query("SELECT plan_id, provider, model, markup_percent FROM plan_markup_override", rs -> {
            BigDecimal markup = rs.getBigDecimal(4);
            overrides
                    .computeIfAbsent(rs.getString(1), id -> new ArrayList<>())
                    .add(new MarkupOverride(
                            rs.getString(2),
                            rs.getString(3),
                            markup == null ? null : markup.stripTrailingZeros(),
                            rates.getOrDefault(rs.getString(1) + '\u0000' + rs.getString(3), List.of())));
        });
        return overrides;
    }

    /** The custom rates of every plan's model overrides, by plan id and model joined with a NUL. */
    private Map<String, List<CustomRate>> customRates() {
        Map<String, List<CustomRate>> rates = new HashMap<>();
        jdbc.query(
                "SELECT plan_id, model, token_type, service_tier, context_tier, usd_per_million FROM plan_custom_rate"
                        + " ORDER BY plan_id, model, token_type, service_tier, context_tier",
                rs -> {
                    rates.computeIfAbsent(rs.getString(1) + '\u0000' + rs.getString(2), key -> new ArrayList<>())
                            .add(new CustomRate(
                                    TokenType.fromCode(rs.getString(3)),
                                    ServiceTier.parse(rs.getString(4)).orElseThrow(),
                                    ContextTier.fromCode(rs.getString(5)),
                                    rs.getBigDecimal(6).stripTrailingZeros()));
                });
        return rates;
    }

    private Map<String, List<Allowance>> allowances() {
        Map<String, List<Allowance>> allowances = new HashMap<>();
        jdbc.query("SELECT plan_id, name, usd, tokens, models FROM plan_allowance ORDER BY plan_id, position", rs -> {
            long tokens = rs.getLong(4);
            Long tokenAllowance = rs.wasNull() ? null : tokens;
            String models = rs.getString(5);
            allowances
                    .computeIfAbsent(rs.getString(1), id -> new ArrayList<>())
                    .add(new Allowance(
                            rs.getString(2),
                            rs.getBigDecimal(3),
                            tokenAllowance,
                            models.isEmpty() ? List.of() : List.of(models.split(","))));
        });
        return allowances;
    }
}
