package io.tokentally.rating;

import io.tokentally.shared.SqlTime;
import io.tokentally.shared.UsageWindow;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import org.springframework.batch.infrastructure.item.support.AbstractItemCountingItemStreamItemReader;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Reads the hourly usage to rate one hour at a time, in hour order: every hour of the run's window
 * and every hour of the run's hours ({@code run_hour}: the hours its files touched, and the hours of
 * held usage). One grouped query per hour uses the hour index and groups a few thousand rows in
 * memory, where one query over all the hours scanned the whole usage table and spilled its groups to
 * disk. Items come in the order of {@link #HOUR_SQL}; a restart skips the items read before.
 */
class HourlyUsageItemReader extends AbstractItemCountingItemStreamItemReader<HourlyUsage> {

    static final String HOUR_SQL = HourlyUsage.query("hour_start = ?")
            + " ORDER BY customer_id, model, service_tier, context_tier, price_epoch, newest_price_id, held";

    private final JdbcTemplate jdbc;
    private final long run;
    private final UsageWindow window;
    private Iterator<Instant> hours;
    private Deque<HourlyUsage> current = new ArrayDeque<>();

    HourlyUsageItemReader(JdbcTemplate jdbc, long run, UsageWindow window) {
        this.jdbc = jdbc;
        this.run = run;
        this.window = window;
        setName("hourlyUsageItemReader");
    }

    @Override
    protected void doOpen() {
        hours = RatedHours.of(jdbc, run, window).iterator();
        current = new ArrayDeque<>();
    }

    @Override
    protected HourlyUsage doRead() {
        while (current.isEmpty() && hours.hasNext()) {
            List<HourlyUsage> usage = jdbc.query(HOUR_SQL, HourlyUsage::read, SqlTime.utc(hours.next()));
            current = new ArrayDeque<>(usage);
        }
        return current.poll();
    }

    @Override
    protected void doClose() {
        hours = null;
        current = new ArrayDeque<>();
    }
}
