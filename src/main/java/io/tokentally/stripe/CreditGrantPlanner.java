package io.tokentally.stripe;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * Decides which credit grant rows the outbox needs: a pure function of the grants a customer should
 * have and what the outbox already holds for it. A grant is created once (revision 1, idempotency key
 * from its purchase or plan period); a refund adds a void, a cancellation an expire. A grant whose
 * amount can grow (the value of a token allowance consumed so far) gets the increase as a further grant
 * of the same key; a grant cannot shrink in Stripe, so a decrease is left as it is. A grant that would
 * already have expired is not created.
 */
public final class CreditGrantPlanner {

    /** What the outbox holds for one grant: highest revision, micro-USD granted, and whether it was ended. */
    public record Held(int revision, long grantedMicros, boolean ended) {}

    /** How a grant should end in Stripe. */
    public enum Ending {
        NONE,
        VOID,
        EXPIRE
    }

    /**
     * A grant the customer should have.
     *
     * @param key the purchase or plan period it comes from: {@code purchase:<id>} or {@code included:...}
     * @param amountMicros its amount (for a growing grant, the total so far), in whole cents as micro-USD
     * @param grows whether later runs may raise the amount
     */
    public record Wanted(
            String key,
            String category,
            long amountMicros,
            Instant effectiveAt,
            Instant expiresAt,
            Ending ending,
            int priority,
            String name,
            boolean grows) {}

    private final Instant now;

    public CreditGrantPlanner(Instant now) {
        this.now = now;
    }

    public List<OutboxRow> plan(
            String customerId, String stripeCustomerId, List<Wanted> wanted, Map<String, Held> held) {
        List<OutboxRow> rows = new ArrayList<>();
        for (Wanted grant : wanted) {
            String meter = meterOf(customerId, grant.key());
            Held before = held.getOrDefault(meter, new Held(0, 0, false));
            int revision = before.revision();
            boolean expired = grant.expiresAt() != null && !grant.expiresAt().isAfter(now);
            long missing = grant.amountMicros() - before.grantedMicros();
            boolean create =
                    revision == 0 ? grant.amountMicros() > 0 && !expired : grant.grows() && missing > 0 && !expired;
            if (create) {
                revision++;
                rows.add(row(
                        customerId, stripeCustomerId, meter, grant, OutboxRow.Kind.CREDIT_GRANT, revision, missing));
            }
            if (grant.ending() != Ending.NONE && !before.ended() && revision > 0) {
                OutboxRow.Kind kind = grant.ending() == Ending.VOID
                        ? OutboxRow.Kind.CREDIT_GRANT_VOID
                        : OutboxRow.Kind.CREDIT_GRANT_EXPIRE;
                revision++;
                rows.add(row(customerId, stripeCustomerId, meter, grant, kind, revision, 0));
            }
        }
        return rows;
    }

    private OutboxRow row(
            String customerId,
            String stripeCustomerId,
            String meter,
            Wanted grant,
            OutboxRow.Kind kind,
            int revision,
            long micros) {
        String identifier = "tt-" + meter + "-r" + revision;
        Instant effectiveAt = grant.effectiveAt().isAfter(now) ? grant.effectiveAt() : null;
        return new OutboxRow(
                0,
                kind,
                customerId,
                stripeCustomerId,
                meter,
                grant.effectiveAt(),
                revision,
                identifier,
                "tokentally-" + identifier,
                micros,
                now,
                OutboxRow.State.PENDING,
                0,
                null,
                new OutboxRow.GrantTerms(
                        grant.category(), grant.priority(), effectiveAt, grant.expiresAt(), name(grant.name()), null));
    }

    private static String name(String name) {
        return name.length() <= 100 ? name : name.substring(0, 100);
    }

    /** {@code grant-<24 hex of sha256(customer|key)>}: the grant's stable column value, whatever the key's length. */
    static String meterOf(String customerId, String key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest((customerId + "|" + key).getBytes(StandardCharsets.UTF_8));
            return "grant-" + HexFormat.of().formatHex(digest, 0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
