package io.tokentally.rating;

import io.tokentally.plans.CustomerRepository;
import io.tokentally.plans.PlanRepository;
import io.tokentally.pricing.PriceCatalogs;
import io.tokentally.shared.SqlTime;
import io.tokentally.shared.TokenType;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * What re-rating a stretch of history at today's catalog would change, before it is done: per
 * customer, model and token type, the stored cost and billed amount against the new ones.
 */
@Component
public class RatingPreview {

    private static final String USAGE = HourlyUsage.query("hour_start >= ? AND hour_start < ?");
    private static final String STORED = "SELECT customer_id, model, token_type, SUM(tokens), SUM(cost_usd),"
            + " SUM(billed_usd) FROM rated_aggregate WHERE hour_start >= ? AND hour_start < ?"
            + " GROUP BY customer_id, model, token_type";

    private final JdbcTemplate jdbc;
    private final PriceCatalogs catalogs;
    private final CustomerRepository customers;
    private final PlanRepository plans;

    public RatingPreview(
            JdbcTemplate jdbc, PriceCatalogs catalogs, CustomerRepository customers, PlanRepository plans) {
        this.jdbc = jdbc;
        this.catalogs = catalogs;
        this.customers = customers;
        this.plans = plans;
    }

    /**
     * One customer, model and token type whose amounts or tokens would change.
     *
     * @param tokensBefore the tokens billed now
     * @param tokensAfter the tokens a re-rating would bill (none where it would bill none of them): more where it bills
     *     usage held for want of a price of its tier or token type
     */
    public record Line(
            String customerId,
            String model,
            TokenType tokenType,
            long tokensBefore,
            long tokensAfter,
            BigDecimal costBefore,
            BigDecimal costAfter,
            BigDecimal billedBefore,
            BigDecimal billedAfter) {

        public BigDecimal billedDelta() {
            return billedAfter.subtract(billedBefore);
        }
    }

    /** The lines that would change if the hours in [from, to) were rated again now. */
    public List<Line> between(Instant from, Instant to) {
        Map<String, Line> lines = new TreeMap<>();
        addStored(lines, from, to);
        Rater rater = new Rater(catalogs.current(), catalogs.held(), customers.findAll(), plans.findAll());
        addRatedNow(lines, rater, from, to);
        return changed(lines);
    }

    /** Puts in the lines what {@code rated_aggregate} holds for [from, to), before any re-rating. */
    private void addStored(Map<String, Line> lines, Instant from, Instant to) {
        jdbc.query(
                STORED,
                rs -> {
                    Line line = new Line(
                            rs.getString(1),
                            rs.getString(2),
                            TokenType.fromCode(rs.getString(3)),
                            rs.getLong(4),
                            0,
                            rs.getBigDecimal(5),
                            BigDecimal.ZERO,
                            rs.getBigDecimal(6),
                            BigDecimal.ZERO);
                    lines.put(key(line.customerId(), line.model(), line.tokenType()), line);
                },
                SqlTime.utc(from),
                SqlTime.utc(to));
    }

    /** Adds to the lines what the rater makes of the hourly usage in [from, to) now. */
    private void addRatedNow(Map<String, Line> lines, Rater rater, Instant from, Instant to) {
        jdbc.query(
                USAGE,
                rs -> {
                    for (RatedAggregate rated : rater.rate(HourlyUsage.read(rs, 0))) {
                        lines.merge(
                                key(rated.customerId(), rated.model(), rated.tokenType()),
                                ratedLine(rated),
                                RatingPreview::addAfter);
                    }
                },
                SqlTime.utc(from),
                SqlTime.utc(to));
    }

    /** A line holding only what a re-rated aggregate would bill: its tokens, cost and billed amount. */
    private static Line ratedLine(RatedAggregate rated) {
        return new Line(
                rated.customerId(),
                rated.model(),
                rated.tokenType(),
                0,
                rated.tokens(),
                BigDecimal.ZERO,
                rated.costUsd(),
                BigDecimal.ZERO,
                rated.billedUsd());
    }

    /** The lines whose cost, billed amount or tokens would change, in key order. */
    private static List<Line> changed(Map<String, Line> lines) {
        List<Line> changed = new ArrayList<>();
        for (Line line : lines.values()) {
            if (line.costBefore().compareTo(line.costAfter()) != 0
                    || line.billedBefore().compareTo(line.billedAfter()) != 0
                    || line.tokensBefore() != line.tokensAfter()) {
                changed.add(line);
            }
        }
        return changed;
    }

    private static Line addAfter(Line stored, Line rated) {
        return new Line(
                stored.customerId(),
                stored.model(),
                stored.tokenType(),
                stored.tokensBefore(),
                stored.tokensAfter() + rated.tokensAfter(),
                stored.costBefore(),
                stored.costAfter().add(rated.costAfter()),
                stored.billedBefore(),
                stored.billedAfter().add(rated.billedAfter()));
    }

    private static String key(String customer, String model, TokenType type) {
        return customer + '\u0000' + model + '\u0000' + type.code();
    }
}
