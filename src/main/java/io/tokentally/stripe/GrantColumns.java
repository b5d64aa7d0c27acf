package io.tokentally.stripe;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The outbox columns of credit grants: a grant's rows share the column {@code meterOf(customer, key)}, and its part on
 * another Stripe customer than the one its rows went to has a column of its own.
 */
final class GrantColumns {

    private GrantColumns() {}

    /**
     * The column of the grant of {@code key} on Stripe customer {@code on}: the grant's own ({@link #meterOf(String,
     * String)}) if its rows went to {@code on}, or, without rows, if {@code on} is the customer's Stripe customer
     * {@code current}; else one of its own, {@code meterOf(customer, key|on)}, for its part on another Stripe
     * customer.
     */
    static String meterOf(
            String customerId, String key, String on, Map<String, CreditGrantPlanner.Held> held, String current) {
        String own = meterOf(customerId, key);
        CreditGrantPlanner.Held rows = held.get(own);
        String holder = rows == null || rows.stripeCustomerId() == null ? current : rows.stripeCustomerId();
        return Objects.equals(on, holder) ? own : meterOf(customerId, key + "|" + on);
    }

    /**
     * What the outbox holds of the grant of {@code key} in all its columns, its own and those of its parts on other
     * Stripe customers ({@link #meterOf(String, String, String, Map, String)}), as one: live creates and what they
     * grant summed, the highest revision, ended only if every column is; the terms and window of its own column, or
     * else of the first; {@link CreditGrantPlanner.Held#NONE} without rows.
     *
     * @param held the customer's grants, by column: the Stripe customers their rows name are those parts can be on
     */
    static CreditGrantPlanner.Held heldOfAllColumns(
            String customerId, String key, Map<String, CreditGrantPlanner.Held> held) {
        String own = meterOf(customerId, key);
        List<CreditGrantPlanner.Held> columns = new ArrayList<>();
        if (held.containsKey(own)) {
            columns.add(held.get(own));
        }
        held.values().stream()
                .map(CreditGrantPlanner.Held::stripeCustomerId)
                .filter(Objects::nonNull)
                .distinct()
                .sorted()
                .map(stripeCustomerId -> held.get(meterOf(customerId, key + "|" + stripeCustomerId)))
                .filter(Objects::nonNull)
                .forEach(columns::add);
        if (columns.isEmpty()) {
            return CreditGrantPlanner.Held.NONE;
        }
        CreditGrantPlanner.Held first = columns.get(0);
        return new CreditGrantPlanner.Held(
                columns.stream()
                        .mapToInt(CreditGrantPlanner.Held::revision)
                        .max()
                        .orElse(0),
                columns.stream().mapToInt(CreditGrantPlanner.Held::live).sum(),
                columns.stream()
                        .mapToLong(CreditGrantPlanner.Held::grantedMicros)
                        .sum(),
                columns.stream().allMatch(CreditGrantPlanner.Held::ended),
                columns.stream().allMatch(CreditGrantPlanner.Held::refused),
                first.effectiveAt(),
                first.terms(),
                first.stripeCustomerId());
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
