package io.tokentally.stripe;

import io.tokentally.reconcile.Evidence;
import io.tokentally.reconcile.Finding;
import io.tokentally.reconcile.FindingRepository;
import io.tokentally.shared.Amounts;
import io.tokentally.shared.SqlTime;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.scope.context.ChunkContext;
import org.springframework.batch.core.step.StepContribution;
import org.springframework.batch.core.step.tasklet.Tasklet;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * After the upload, asks Stripe what it recorded: for every Stripe customer, meter and UTC day the run sent
 * meter events for, Stripe's meter event summary against the sum of every event the outbox has sent
 * for them, whichever customer's they were (after two customers swapped Stripe ids, a day of each id holds both
 * customers' events). Summaries are eventually consistent, so a mismatch is asked again every few seconds up to
 * a bounded wait; what still differs then is an error finding of each customer whose events the day holds, that
 * says how long it waited.
 */
class StripeReadBackTasklet implements Tasklet {

    static final String CHECKED = "readBack.checked";
    static final String MISMATCHED = "readBack.mismatched";
    /** The kind of a customer, meter and day whose Stripe total differs from what the outbox sent. */
    static final String MISMATCH = "STRIPE_READBACK_MISMATCH";

    private static final Logger log = LoggerFactory.getLogger(StripeReadBackTasklet.class);

    private final JdbcTemplate jdbc;
    private final StripeProperties properties;
    private final FindingRepository findings;
    private final long run;

    StripeReadBackTasklet(JdbcTemplate jdbc, StripeProperties properties, FindingRepository findings, long run) {
        this.jdbc = jdbc;
        this.properties = properties;
        this.findings = findings;
        this.run = run;
    }

    /** One Stripe customer, meter and UTC day: what one meter event summary of Stripe's shows. */
    record Key(String stripeCustomerId, String meter, LocalDate day) {

        Instant dayStart() {
            return day.atStartOfDay(ZoneOffset.UTC).toInstant();
        }
    }

    /**
     * What the outbox sent for one {@link Key}.
     *
     * @param total the sum of every event sent, in the meter's unit
     * @param customerIds the customers whose events they were, in id order
     */
    record Sent(BigDecimal total, Set<String> customerIds) {}

    @Override
    public RepeatStatus execute(StepContribution contribution, ChunkContext chunkContext) throws Exception {
        if (properties.dryRun() || !properties.readBack()) {
            return RepeatStatus.FINISHED;
        }
        Map<Key, Sent> expected = sentTotals();
        if (expected.isEmpty()) {
            return RepeatStatus.FINISHED;
        }
        try {
            readBack(expected, contribution, chunkContext);
        } catch (com.stripe.exception.StripeException e) {
            findings.record(
                    new Finding(
                            "stripe-readback-incomplete:" + run,
                            "STRIPE_READBACK_INCOMPLETE",
                            Finding.Severity.WARNING,
                            "run " + run + ": Stripe's meter event summaries could not be read back (" + e.getMessage()
                                    + "); the upload stands, the comparison was not made"),
                    run);
        }
        return RepeatStatus.FINISHED;
    }

    private void readBack(Map<Key, Sent> expected, StepContribution contribution, ChunkContext chunkContext)
            throws Exception {
        StripeSender stripe = new StripeSender(properties);
        Map<String, String> meterIds = StripeLookups.meterIds(stripe);
        Map<Key, BigDecimal> differing = compare(stripe, meterIds, expected, expected.keySet());
        int waited = 0;
        while (!differing.isEmpty() && waited < properties.readBackMaxWaitSeconds()) {
            int pause = Math.min(properties.readBackPollSeconds(), properties.readBackMaxWaitSeconds() - waited);
            log.info(
                    "Stripe's summaries differ for {} Stripe customer/meter/day(s); asking again in {} s",
                    differing.size(),
                    pause);
            Thread.sleep(pause * 1_000L);
            waited += pause;
            differing = compare(stripe, meterIds, expected, differing.keySet());
        }
        for (Map.Entry<Key, BigDecimal> mismatch : differing.entrySet()) {
            Sent sent = expected.get(mismatch.getKey());
            for (String customerId : sent.customerIds()) {
                findings.record(finding(mismatch.getKey(), customerId, sent, mismatch.getValue(), waited), run);
            }
        }
        resolveAgreeing(expected, differing.keySet());
        var context = chunkContext
                .getStepContext()
                .getStepExecution()
                .getJobExecution()
                .getExecutionContext();
        context.putInt(CHECKED, expected.size());
        context.putInt(MISMATCHED, differing.size());
        for (int i = 0; i < expected.size(); i++) {
            contribution.incrementReadCount();
        }
        contribution.incrementWriteCount(differing.size());
        log.info(
                "Stripe read-back: {} Stripe customer/meter/day(s) checked, {} differ",
                expected.size(),
                differing.size());
    }

    /**
     * Resolves the mismatch findings of the keys this read-back found in agreement, for every customer whose events
     * they hold: an open error left after Stripe and the outbox agree (a row resent by a later run, summaries that
     * caught up) would send someone after nothing.
     */
    private void resolveAgreeing(Map<Key, Sent> checked, Set<Key> differing) {
        Set<String> agreeing = new HashSet<>();
        checked.forEach((key, sent) -> {
            if (!differing.contains(key)) {
                sent.customerIds().forEach(customerId -> agreeing.add(findingKey(key, customerId)));
            }
        });
        for (FindingRepository.Stored open : findings.unresolvedOfKind(MISMATCH)) {
            if (agreeing.contains(keyOf(open)) && findings.resolve(open.key(), run)) {
                log.info("Stripe read-back: {} agrees now; its finding is resolved", open.key());
            }
        }
    }

    /**
     * {@code stripe-readback:<customer>:<Stripe customer>:<meter>:<day>}: after a change of Stripe customer, the new
     * one's agreement does not resolve the old one's mismatch of the same day, nor does one overwrite the other.
     */
    private static String findingKey(Key key, String customerId) {
        return "stripe-readback:" + customerId + ":" + key.stripeCustomerId() + ":" + key.meter() + ":" + key.day();
    }

    /**
     * A stored finding's key as this version gives it, from its evidence: an earlier version's key names no Stripe
     * customer, and its day agrees only when the Stripe customer its evidence names agrees.
     */
    private static String keyOf(FindingRepository.Stored finding) {
        if (finding.evidence() == null
                || !(finding.evidence().get("numbers") instanceof Map<?, ?> evidence)
                || !(evidence.get("stripe_customer_id") instanceof String stripeCustomerId)
                || !(evidence.get("customer_id") instanceof String customerId)
                || !(evidence.get("meter") instanceof String meter)
                || !(evidence.get("day") instanceof String day)) {
            return finding.key();
        }
        return findingKey(new Key(stripeCustomerId, meter, LocalDate.parse(day)), customerId);
    }

    /** Stripe's totals of the keys that differ from the outbox (null when the meter does not exist). */
    private static Map<Key, BigDecimal> compare(
            StripeSender stripe, Map<String, String> meterIds, Map<Key, Sent> expected, Set<Key> keys)
            throws Exception {
        Map<Key, BigDecimal> differing = new LinkedHashMap<>();
        for (Key key : keys) {
            String meterId = meterIds.get(key.meter());
            BigDecimal actual = meterId == null
                    ? null
                    : StripeLookups.dayTotal(stripe, meterId, key.stripeCustomerId(), key.dayStart());
            if (actual == null || actual.compareTo(expected.get(key).total()) != 0) {
                differing.put(key, actual);
            }
        }
        return differing;
    }

    /** The finding of one customer whose events a differing day holds; the message names the others too. */
    private static Finding finding(Key key, String customerId, Sent sent, BigDecimal actual, int waited) {
        String where = customerId + " (" + key.stripeCustomerId() + ") meter " + key.meter() + " on " + key.day();
        String whose = sent.customerIds().size() == 1
                ? ""
                : " (the events of " + String.join(", ", sent.customerIds()) + ", which shared that Stripe customer)";
        String seen = actual == null
                ? "Stripe has no active meter with that event name"
                : "Stripe's summary shows " + actual.toPlainString();
        return new Finding(
                findingKey(key, customerId),
                MISMATCH,
                Finding.Severity.ERROR,
                where + ": the outbox sent " + sent.total().toPlainString() + unit(key.meter()) + whose + ", " + seen
                        + " (gave up after waiting " + waited + " s for Stripe to catch up)",
                new Evidence()
                        .number("customer_id", customerId)
                        .number("stripe_customer_id", key.stripeCustomerId())
                        .number("meter", key.meter())
                        .number("day", key.day().toString())
                        .number("sent_value", sent.total())
                        .number("stripe_value", actual)
                        .number("difference", actual == null ? null : actual.subtract(sent.total()))
                        .number("waited_seconds", waited));
    }

    /** Amount meters count micro-USD; the tokens layout's meters count tokens (or units). */
    private static String unit(String meter) {
        return meter.endsWith(Amounts.AMOUNT_METER_SUFFIX) ? " micro-USD" : " units";
    }

    /**
     * For each Stripe customer, meter and day this run sent events for: the sum of every event sent for them, and
     * whose events they were.
     */
    private Map<Key, Sent> sentTotals() {
        Map<Key, BigDecimal> totals = new HashMap<>();
        Map<Key, Set<String>> customers = new HashMap<>();
        jdbc.query(
                "SELECT DISTINCT stripe_customer_id, meter, event_timestamp FROM outbox WHERE kind = 'METER_EVENT'"
                        + " AND state = 'SENT' AND sent_run = ? AND stripe_customer_id IS NOT NULL",
                rs -> {
                    totals.put(
                            key(rs.getString(1), rs.getString(2), SqlTime.read(rs, "event_timestamp")),
                            BigDecimal.ZERO);
                },
                run);
        if (totals.isEmpty()) {
            return Map.of();
        }
        jdbc.query(
                "SELECT o.stripe_customer_id, o.customer_id, o.meter, o.event_timestamp, o.value_micros FROM outbox o"
                        + " WHERE o.kind = 'METER_EVENT' AND o.state = 'SENT' AND o.stripe_customer_id IN (SELECT"
                        + " DISTINCT stripe_customer_id FROM outbox WHERE sent_run = ?)",
                rs -> {
                    Key key = key(rs.getString(1), rs.getString(3), SqlTime.read(rs, "event_timestamp"));
                    BigDecimal sum = totals.get(key);
                    if (sum != null) {
                        totals.put(key, sum.add(BigDecimal.valueOf(rs.getLong(5))));
                        customers
                                .computeIfAbsent(key, ignored -> new TreeSet<>())
                                .add(rs.getString(2));
                    }
                },
                run);
        Map<Key, Sent> sent = new LinkedHashMap<>();
        totals.forEach((key, micros) -> sent.put(key, new Sent(micros, customers.get(key))));
        return sent;
    }

    private static Key key(String stripeCustomerId, String meter, Instant timestamp) {
        return new Key(stripeCustomerId, meter, LocalDate.ofInstant(timestamp, ZoneOffset.UTC));
    }
}
