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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.scope.context.ChunkContext;
import org.springframework.batch.core.step.StepContribution;
import org.springframework.batch.core.step.tasklet.Tasklet;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * After the upload, asks Stripe what it recorded: for every customer, meter and UTC day the run sent
 * meter events for, Stripe's meter event summary against the sum of every event the outbox has sent
 * for them. Summaries are eventually consistent, so a mismatch is asked again every few seconds up to
 * a bounded wait; what still differs then is an error finding that says how long it waited.
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

    /** One customer, meter and UTC day. */
    record Key(String stripeCustomerId, String customerId, String meter, LocalDate day) {

        Instant dayStart() {
            return day.atStartOfDay(ZoneOffset.UTC).toInstant();
        }
    }

    @Override
    public RepeatStatus execute(StepContribution contribution, ChunkContext chunkContext) throws Exception {
        if (properties.dryRun() || !properties.readBack()) {
            return RepeatStatus.FINISHED;
        }
        Map<Key, BigDecimal> expected = sentTotals();
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

    private void readBack(Map<Key, BigDecimal> expected, StepContribution contribution, ChunkContext chunkContext)
            throws Exception {
        StripeSender stripe = new StripeSender(properties);
        Map<String, String> meterIds = stripe.meterIds();
        Map<Key, BigDecimal> differing = compare(stripe, meterIds, expected, expected.keySet());
        int waited = 0;
        while (!differing.isEmpty() && waited < properties.readBackMaxWaitSeconds()) {
            int pause = Math.min(properties.readBackPollSeconds(), properties.readBackMaxWaitSeconds() - waited);
            log.info(
                    "Stripe's summaries differ for {} customer/meter/day(s); asking again in {} s",
                    differing.size(),
                    pause);
            Thread.sleep(pause * 1_000L);
            waited += pause;
            differing = compare(stripe, meterIds, expected, differing.keySet());
        }
        for (Map.Entry<Key, BigDecimal> mismatch : differing.entrySet()) {
            findings.record(
                    finding(mismatch.getKey(), expected.get(mismatch.getKey()), mismatch.getValue(), waited), run);
        }
        resolveAgreeing(expected.keySet(), differing.keySet());
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
        log.info("Stripe read-back: {} customer/meter/day(s) checked, {} differ", expected.size(), differing.size());
    }

    /**
     * Resolves the mismatch findings of the keys this read-back found in agreement: an open error left after Stripe
     * and the outbox agree (a row resent by a later run, summaries that caught up) would send someone after nothing.
     */
    private void resolveAgreeing(Set<Key> checked, Set<Key> differing) {
        Set<String> agreeing = new HashSet<>();
        checked.forEach(key -> agreeing.add(findingKey(key)));
        differing.forEach(key -> agreeing.remove(findingKey(key)));
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
    private static String findingKey(Key key) {
        return "stripe-readback:" + key.customerId() + ":" + key.stripeCustomerId() + ":" + key.meter() + ":"
                + key.day();
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
        return findingKey(new Key(stripeCustomerId, customerId, meter, LocalDate.parse(day)));
    }

    /** Stripe's totals of the keys that differ from the outbox (null when the meter does not exist). */
    private static Map<Key, BigDecimal> compare(
            StripeSender stripe, Map<String, String> meterIds, Map<Key, BigDecimal> expected, Set<Key> keys)
            throws Exception {
        Map<Key, BigDecimal> differing = new LinkedHashMap<>();
        for (Key key : keys) {
            String meterId = meterIds.get(key.meter());
            BigDecimal actual =
                    meterId == null ? null : stripe.dayTotal(meterId, key.stripeCustomerId(), key.dayStart());
            if (actual == null || actual.compareTo(expected.get(key)) != 0) {
                differing.put(key, actual);
            }
        }
        return differing;
    }

    private static Finding finding(Key key, BigDecimal sent, BigDecimal actual, int waited) {
        String where = key.customerId() + " (" + key.stripeCustomerId() + ") meter " + key.meter() + " on " + key.day();
        String seen = actual == null
                ? "Stripe has no active meter with that event name"
                : "Stripe's summary shows " + actual.toPlainString();
        return new Finding(
                findingKey(key),
                MISMATCH,
                Finding.Severity.ERROR,
                where + ": the outbox sent " + sent.toPlainString() + unit(key.meter()) + ", " + seen
                        + " (gave up after waiting " + waited + " s for Stripe to catch up)",
                new Evidence()
                        .number("customer_id", key.customerId())
                        .number("stripe_customer_id", key.stripeCustomerId())
                        .number("meter", key.meter())
                        .number("day", key.day().toString())
                        .number("sent_value", sent)
                        .number("stripe_value", actual)
                        .number("difference", actual == null ? null : actual.subtract(sent))
                        .number("waited_seconds", waited));
    }

    /** Amount meters count micro-USD; the tokens layout's meters count tokens (or units). */
    private static String unit(String meter) {
        return meter.endsWith(Amounts.AMOUNT_METER_SUFFIX) ? " micro-USD" : " units";
    }

    /** For each customer, meter and day this run sent events for: the sum of every event sent for them. */
    private Map<Key, BigDecimal> sentTotals() {
        Map<Key, BigDecimal> totals = new HashMap<>();
        jdbc.query(
                "SELECT DISTINCT stripe_customer_id, customer_id, meter, event_timestamp FROM outbox WHERE kind ="
                        + " 'METER_EVENT' AND state = 'SENT' AND sent_run = ? AND stripe_customer_id IS NOT NULL",
                rs -> {
                    totals.put(
                            key(rs.getString(1), rs.getString(2), rs.getString(3), SqlTime.read(rs, "event_timestamp")),
                            BigDecimal.ZERO);
                },
                run);
        if (totals.isEmpty()) {
            return totals;
        }
        jdbc.query(
                "SELECT o.stripe_customer_id, o.customer_id, o.meter, o.event_timestamp, o.value_micros FROM outbox o"
                        + " WHERE o.kind = 'METER_EVENT' AND o.state = 'SENT' AND o.customer_id IN (SELECT DISTINCT"
                        + " customer_id FROM outbox WHERE sent_run = ?)",
                rs -> {
                    Key key =
                            key(rs.getString(1), rs.getString(2), rs.getString(3), SqlTime.read(rs, "event_timestamp"));
                    BigDecimal sum = totals.get(key);
                    if (sum != null) {
                        totals.put(key, sum.add(BigDecimal.valueOf(rs.getLong(5))));
                    }
                },
                run);
        return totals;
    }

    private static Key key(String stripeCustomerId, String customerId, String meter, Instant timestamp) {
        return new Key(stripeCustomerId, customerId, meter, LocalDate.ofInstant(timestamp, ZoneOffset.UTC));
    }
}
