package io.tokentally.reconcile;

import io.tokentally.ingest.provider.CustomerAttribution;
import io.tokentally.rating.HeldUsage;
import io.tokentally.shared.Amounts;
import io.tokentally.shared.ContextTier;
import io.tokentally.shared.ServiceTier;
import io.tokentally.shared.ShownText;
import io.tokentally.shared.SqlTime;
import io.tokentally.shared.UsageWindow;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/**
 * Findings about usage itself: usage no customer owns (its customer id is not in the customers file,
 * so nobody is billed for it), late usage whose meter events are stamped after their hours because the hours
 * are older than the meter events' window, and usage dated after the run.
 */
@Repository
class UsageFindings {

    /** The kind of the finding of an unknown customer's day, its key ending with the day. */
    static final String UNATTRIBUTED = "UNATTRIBUTED_USAGE";

    private static final String KEY_PREFIX = "unattributed-usage:";

    private static final int FILES_LISTED = 10;

    private final JdbcTemplate jdbc;

    UsageFindings(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** A customer's UTC day, the unit of the findings below: ordered by customer, then day. */
    private record Day(String customerId, LocalDate day) implements Comparable<Day> {
        @Override
        public int compareTo(Day other) {
            int byCustomer = customerId.compareTo(other.customerId);
            return byCustomer != 0 ? byCustomer : day.compareTo(other.day);
        }
    }

    /**
     * One warning per unknown customer id and UTC day of the window: tokens, requests, list-price cost, files. The
     * usage is the window's {@link ProviderUsageRepository.Sides#unattributed()}.
     */
    List<Finding> unattributed(UsageWindow window, List<ProviderUsageRepository.UnattributedUsage> unattributed) {
        Map<Day, long[]> usage = new TreeMap<>();
        Map<Day, UsageSide> files = new TreeMap<>();
        for (ProviderUsageRepository.UnattributedUsage row : unattributed) {
            Day day = new Day(row.customerId(), LocalDate.ofInstant(row.hour(), ZoneOffset.UTC));
            long[] sums = usage.computeIfAbsent(day, d -> new long[2]);
            sums[0] += row.requests();
            sums[1] += row.tokens();
            files.computeIfAbsent(day, d -> new UsageSide())
                    .add(row.tokens(), BigDecimal.ZERO, row.path(), row.firstLine(), row.lastLine());
        }
        Map<Day, BigDecimal> costs = unattributedCosts(window, usage.keySet());
        List<Finding> found = new ArrayList<>();
        usage.forEach((day, sums) -> {
            if (sums[1] == 0) {
                return;
            }
            found.add(unattributedFinding(day, sums, costs.getOrDefault(day, BigDecimal.ZERO), files.get(day)));
        });
        return found;
    }

    /**
     * The unattributed-usage finding (by its key) of a day that still has usage rated as nobody's though its customer
     * is no longer unknown: the customer was added since, but the day was not rated again. Empty when none is left.
     */
    Optional<Finding> stillBilledToNobody(String findingKey, LocalDate day) {
        String customerId = findingKey.substring(KEY_PREFIX.length(), findingKey.length() - (":" + day).length());
        Instant from = day.atStartOfDay(ZoneOffset.UTC).toInstant();
        return jdbc
                .query(
                        "SELECT SUM(tokens), SUM(cost_usd) FROM rated_aggregate WHERE customer_id = ?"
                                + " AND hour_start >= ? AND hour_start < ? AND attributed = FALSE AND tokens > 0"
                                + " HAVING COUNT(*) > 0",
                        (rs, rowNum) -> {
                            long tokens = rs.getLong(1);
                            BigDecimal cost = rs.getBigDecimal(2);
                            return new Finding(
                                    findingKey,
                                    UNATTRIBUTED,
                                    Finding.Severity.WARNING,
                                    "customer id " + ShownText.quoted(customerId) + " is in the customers file now, but"
                                            + " its usage of " + day + " was rated before it was added: " + tokens
                                            + " tokens, provider cost " + Amounts.toText(cost)
                                            + " USD at list price, billed to nobody until the day is run again",
                                    new Evidence()
                                            .number("customer_id", customerId)
                                            .number("tokens", tokens)
                                            .number("list_cost_usd", cost)
                                            .number("billed_usd", BigDecimal.ZERO));
                        },
                        customerId,
                        SqlTime.utc(from),
                        SqlTime.utc(from.plus(Duration.ofDays(1))))
                .stream()
                .findFirst();
    }

    /** The list-price cost of the unattributed usage of these customers' days in the window, per day. */
    private Map<Day, BigDecimal> unattributedCosts(UsageWindow window, Set<Day> days) {
        Map<Day, BigDecimal> costs = new TreeMap<>();
        // by customer, through the customer index: the unknown customers' rows are few, the window's are not
        days.stream()
                .map(Day::customerId)
                .distinct()
                .forEach(customerId -> jdbc.query(
                        "SELECT hour_start, SUM(cost_usd) FROM rated_aggregate WHERE customer_id = ? AND hour_start >= ?"
                                + " AND hour_start < ? AND attributed = FALSE GROUP BY hour_start",
                        rs -> {
                            costs.merge(
                                    new Day(
                                            customerId,
                                            LocalDate.ofInstant(SqlTime.read(rs, "hour_start"), ZoneOffset.UTC)),
                                    rs.getBigDecimal(2),
                                    BigDecimal::add);
                        },
                        customerId,
                        SqlTime.utc(window.from()),
                        SqlTime.utc(window.to())));
        return costs;
    }

    /** The warning of an unknown customer's day: {@code sums} holds its requests, then its tokens. */
    private static Finding unattributedFinding(Day day, long[] sums, BigDecimal cost, UsageSide files) {
        Evidence evidence = new Evidence()
                .number("customer_id", day.customerId())
                .number("tokens", sums[1])
                .number("requests", sums[0])
                .number("list_cost_usd", cost)
                .number("billed_usd", BigDecimal.ZERO);
        files.addSources(evidence, "billable");
        boolean keyless = day.customerId().equals(CustomerAttribution.UNATTRIBUTED);
        String what = keyless
                ? "records on " + day.day() + " that name no customer key"
                : "customer id " + ShownText.quoted(day.customerId()) + " on " + day.day() + " is in no customers file";
        String remedy = keyless
                ? "Give their source a customer key (README, \"Customer attribution\"), or export them with one; files"
                        + " read after that bill it"
                : "Add a customer of this id and rerun the day to bill it (a key mapped later applies only to files"
                        + " read after it)";
        return new Finding(
                KEY_PREFIX + day.customerId() + ":" + day.day(),
                UNATTRIBUTED,
                Finding.Severity.WARNING,
                what + ": " + sums[1] + " tokens in " + sums[0] + (sums[0] == 1 ? " request" : " requests")
                        + ", provider cost " + Amounts.toText(cost) + " USD at list price, billed to nobody. " + remedy
                        + ". Files: " + listed(files.files()),
                evidence);
    }

    /** The first {@link #FILES_LISTED} paths, space separated, and how many more there are. */
    private static String listed(Collection<String> files) {
        return Listing.firstOf(new ArrayList<>(files), FILES_LISTED, " ");
    }

    /**
     * The files, with their line ranges, behind held usage, by model: the rows of the held model, tiers,
     * customer and hour. A range covers the hour's rows of that customer and model, held or not.
     */
    Map<String, UsageSide> heldSources(List<HeldUsage> held) {
        record Tiers(String model, ServiceTier serviceTier, ContextTier contextTier) {}
        Map<Tiers, Set<String>> customerHours = new HashMap<>();
        Map<Tiers, Instant[]> spans = new HashMap<>();
        for (HeldUsage row : held) {
            Tiers tiers = new Tiers(row.model(), row.serviceTier(), row.contextTier());
            customerHours.computeIfAbsent(tiers, t -> new HashSet<>()).add(row.customerId() + "|" + row.hourStart());
            Instant[] span = spans.computeIfAbsent(tiers, t -> new Instant[] {row.hourStart(), row.hourStart()});
            span[0] = row.hourStart().isBefore(span[0]) ? row.hourStart() : span[0];
            span[1] = row.hourStart().isAfter(span[1]) ? row.hourStart() : span[1];
        }
        Map<String, UsageSide> sources = new TreeMap<>();
        spans.forEach((tiers, span) -> jdbc.query(
                "SELECT f.path, u.customer_id, u.hour_start, MIN(u.first_line), MAX(u.last_line) FROM usage_hourly u"
                        + " JOIN ingested_file f ON f.file_id = u.file_id WHERE u.model = ? AND u.service_tier = ?"
                        + " AND u.context_tier = ? AND u.hour_start >= ? AND u.hour_start <= ?"
                        + " GROUP BY f.path, u.customer_id, u.hour_start",
                rs -> {
                    String customerHour = rs.getString(2) + "|" + SqlTime.read(rs, "hour_start");
                    if (customerHours.get(tiers).contains(customerHour)) {
                        sources.computeIfAbsent(tiers.model(), m -> new UsageSide())
                                .add(0, BigDecimal.ZERO, rs.getString(1), rs.getLong(4), rs.getLong(5));
                    }
                },
                tiers.model(),
                tiers.serviceTier().code(),
                tiers.contextTier().code(),
                SqlTime.utc(span[0]),
                SqlTime.utc(span[1])));
        return sources;
    }

    /**
     * One warning per customer and UTC day with meter events this run queued for hours after the run's time:
     * usage dated in the future. Stripe takes no event from the future, so the planner stamps them with the run's
     * time and Stripe bills them in the period that holds it, while the statements count them in the periods of
     * their own hours. The files and lines of the customer's billable usage in those hours are the evidence.
     */
    List<Finding> datedAfterRun(long run) {
        // per day: the first and last hour, the earliest stamp (the run's time) and the number of events
        Map<Day, Instant[]> spans = new TreeMap<>();
        Map<Day, long[]> events = new HashMap<>();
        jdbc.query(
                "SELECT customer_id, window_start, event_timestamp FROM outbox WHERE kind = 'METER_EVENT'"
                        + " AND created_run = ? AND window_start > event_timestamp",
                rs -> {
                    Instant hour = SqlTime.read(rs, "window_start");
                    Instant stamped = SqlTime.read(rs, "event_timestamp");
                    Day day = new Day(rs.getString(1), LocalDate.ofInstant(hour, ZoneOffset.UTC));
                    Instant[] span = spans.computeIfAbsent(day, d -> new Instant[] {hour, hour, stamped});
                    span[0] = hour.isBefore(span[0]) ? hour : span[0];
                    span[1] = hour.isAfter(span[1]) ? hour : span[1];
                    span[2] = stamped.isBefore(span[2]) ? stamped : span[2];
                    events.computeIfAbsent(day, d -> new long[1])[0]++;
                },
                run);
        List<Finding> found = new ArrayList<>();
        spans.forEach((day, span) -> found.add(datedAfterRunFinding(day, span, events.get(day)[0])));
        return found;
    }

    /**
     * The warning of a customer's day: {@code span} holds its first and last hour and the run's time, {@code count}
     * its meter events.
     */
    private Finding datedAfterRunFinding(Day day, Instant[] span, long count) {
        UsageSide sources = billableSources(day.customerId(), span[0], span[1]);
        Evidence evidence = new Evidence()
                .number("customer_id", day.customerId())
                .number("first_hour", span[0].toString())
                .number("last_hour", span[1].toString())
                .number("run_time", span[2].toString())
                .number("meter_events", count);
        sources.addSources(evidence, "billable");
        return new Finding(
                "dated-after-run:" + day.customerId() + ":" + day.day(),
                "USAGE_DATED_AFTER_RUN",
                Finding.Severity.WARNING,
                day.customerId() + "'s usage of the hours from " + span[0] + " to " + span[1] + " is dated after"
                        + " the run's time (" + span[2] + "): Stripe takes no meter event from the future, so"
                        + " its " + count + " meter event(s) carry the run's time and Stripe bills them in the"
                        + " period that holds it, while the statements count them in the periods of their own"
                        + " hours. Check the clock of the source. Files: " + listed(sources.files()),
                evidence);
    }

    /** The files, with their line ranges, of a customer's billable usage in the hours from {@code first} to {@code last}. */
    private UsageSide billableSources(String customerId, Instant first, Instant last) {
        UsageSide sources = new UsageSide();
        jdbc.query(
                "SELECT f.path, MIN(u.first_line), MAX(u.last_line) FROM usage_hourly u JOIN ingested_file f"
                        + " ON f.file_id = u.file_id WHERE u.customer_id = ? AND u.hour_start >= ?"
                        + " AND u.hour_start <= ? AND u.billable = TRUE GROUP BY f.path",
                rs -> {
                    sources.add(0, BigDecimal.ZERO, rs.getString(1), rs.getLong(2), rs.getLong(3));
                },
                customerId,
                SqlTime.utc(first),
                SqlTime.utc(last));
        return sources;
    }

    /**
     * One notice per customer and UTC day whose usage this run queued as meter events stamped after their hours,
     * because the hours are older than {@code late-after-days} ({@code OutboxPlanner#stamp}): on the amount meters
     * (whose names end {@value Amounts#AMOUNT_METER_SUFFIX}) their micro-USD, on the {@code tokens} layout's token
     * meters the amount their counts stand for. Usage dated after the run's time, stamped earlier than its hours, has
     * a warning of its own ({@link #datedAfterRun}).
     */
    List<Finding> lateUsageRestamped(long run) {
        Map<Day, Long> events = new TreeMap<>();
        Map<Day, BigDecimal> amounts = new HashMap<>();
        Map<Day, Instant> stamps = new HashMap<>();
        jdbc.query(
                // no ORDER BY (the map orders the days): H2 would walk the whole outbox through its revision index
                "SELECT customer_id, window_start, value_micros, event_timestamp, meter, amount_usd FROM outbox"
                        + " WHERE kind = 'METER_EVENT' AND created_run = ? AND event_timestamp > window_start",
                rs -> {
                    boolean amountMeter = rs.getString(5).endsWith(Amounts.AMOUNT_METER_SUFFIX);
                    Day day = new Day(
                            rs.getString(1), LocalDate.ofInstant(SqlTime.read(rs, "window_start"), ZoneOffset.UTC));
                    events.merge(day, 1L, Long::sum);
                    BigDecimal amount = amountMeter
                            ? BigDecimal.valueOf(rs.getLong(3), 6)
                            : Objects.requireNonNullElse(rs.getBigDecimal(6), BigDecimal.ZERO);
                    amounts.merge(day, amount, BigDecimal::add);
                    stamps.merge(day, SqlTime.read(rs, "event_timestamp"), (a, b) -> a.isBefore(b) ? a : b);
                },
                run);
        List<Finding> found = new ArrayList<>();
        events.forEach(
                (day, count) -> found.add(lateUsageRestampedFinding(day, count, amounts.get(day), stamps.get(day))));
        return found;
    }

    /** The notice of a customer's day: its {@code events}, what they stand for in USD, and when they are stamped. */
    private static Finding lateUsageRestampedFinding(Day customerDay, long events, BigDecimal amount, Instant stamped) {
        String customerId = customerDay.customerId();
        String day = customerDay.day().toString();
        return new Finding(
                "late-usage-restamped:" + customerId + ":" + day,
                "LATE_USAGE_RESTAMPED",
                Finding.Severity.INFO,
                customerId + "'s usage of " + day + " is too old to send dated by its hours (late-after-days, inside"
                        + " Stripe's 35-day meter event window): " + events + " meter event(s) of "
                        + Amounts.toText(amount) + " USD in total are stamped at " + stamped
                        + ", in the same billing period, so Stripe bills them on its invoice",
                new Evidence()
                        .number("customer_id", customerId)
                        .number("day", day)
                        .number("meter_events", events)
                        .number("amount_usd", amount)
                        .number("stamped_at", stamped.toString()));
    }
}
