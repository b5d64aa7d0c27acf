package io.tokentally.reconcile;

import io.tokentally.shared.SqlTime;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/** Cost and billed amount of attributed usage, per customer, model and UTC day, from the rated aggregates. */
@Repository
public class MarginRepository {

    private final JdbcTemplate jdbc;

    public MarginRepository(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** One line per customer, model and day of the hours in [from, to). */
    public List<MarginLine> daily(Instant from, Instant to) {
        Map<String, MarginLine> lines = new TreeMap<>();
        jdbc.query(
                "SELECT customer_id, model, hour_start, SUM(cost_usd), SUM(billed_usd) FROM rated_aggregate"
                        + " WHERE attributed = TRUE AND hour_start >= ? AND hour_start < ?"
                        + " GROUP BY customer_id, model, hour_start",
                rs -> {
                    LocalDate day = LocalDate.ofInstant(SqlTime.read(rs, "hour_start"), ZoneOffset.UTC);
                    MarginLine hour = new MarginLine(
                            rs.getString(1), rs.getString(2), day, rs.getBigDecimal(4), rs.getBigDecimal(5));
                    lines.merge(
                            hour.customerId() + '\u0000' + hour.model() + '\u0000' + day, hour, MarginRepository::add);
                },
                SqlTime.utc(from),
                SqlTime.utc(to));
        return new ArrayList<>(lines.values());
    }

    private static MarginLine add(MarginLine a, MarginLine b) {
        return new MarginLine(
                a.customerId(),
                a.model(),
                a.day(),
                a.costUsd().add(b.costUsd()),
                a.billedUsd().add(b.billedUsd()));
    }
}
