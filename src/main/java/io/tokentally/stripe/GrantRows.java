package io.tokentally.stripe;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One credit grant's outbox rows, replayed in revision order: each void or expire row Stripe did not refuse ends the
 * earliest create before it that Stripe did not refuse and no earlier end row ended; the creates left are live in
 * Stripe. The planner adds one end row per live create, so the replay pairs them as it meant them; and an end row
 * whose create Stripe refused afterwards finds none (nothing to end) rather than the next one.
 */
final class GrantRows {

    private final List<OutboxRow> rows;
    private final Map<Integer, OutboxRow> endedBy = new HashMap<>();
    private final List<OutboxRow> live;
    private final int ends;

    /** @param rows one grant's rows (one customer and meter), in revision order */
    GrantRows(List<OutboxRow> rows) {
        this.rows = rows;
        Deque<OutboxRow> open = new ArrayDeque<>();
        int endRows = 0;
        for (OutboxRow row : rows) {
            if (row.kind() != OutboxRow.Kind.CREDIT_GRANT && row.state() == OutboxRow.State.FAILED) {
                continue; // Stripe refused the end: the grant it meant to end is still live
            }
            if (row.kind() != OutboxRow.Kind.CREDIT_GRANT) {
                endRows++;
                OutboxRow create = open.poll();
                if (create != null) {
                    endedBy.put(row.revision(), create);
                }
            } else if (row.state() != OutboxRow.State.FAILED) {
                open.add(row);
            }
        }
        this.live = List.copyOf(open);
        this.ends = endRows;
    }

    /** The create the end row of {@code revision} ends, or null if it has none to end. */
    OutboxRow createEndedBy(int revision) {
        return endedBy.get(revision);
    }

    /** Whether an end row ends this create. */
    boolean ends(OutboxRow create) {
        return endedBy.values().stream().anyMatch(ended -> ended.outboxId() == create.outboxId());
    }

    /**
     * What the rows hold, for the planner. A grant counts as ended when end rows ended every create and its latest
     * create was not refused; one whose latest create Stripe refused, with none live, counts as refused, and the
     * planner creates it again.
     */
    CreditGrantPlanner.Held held() {
        OutboxRow last = rows.get(rows.size() - 1);
        OutboxRow latestCreate = rows.stream()
                .filter(row -> row.kind() == OutboxRow.Kind.CREDIT_GRANT)
                .reduce((first, second) -> second)
                .orElse(last);
        boolean refused = latestCreate.kind() == OutboxRow.Kind.CREDIT_GRANT
                && latestCreate.state() == OutboxRow.State.FAILED
                && live.isEmpty();
        boolean ended = ends > 0 && live.isEmpty() && !refused;
        return new CreditGrantPlanner.Held(
                last.revision(),
                live.size(),
                live.stream().mapToLong(OutboxRow::valueMicros).sum(),
                ended,
                refused,
                last.windowStart(),
                latestCreate.grant(),
                latestCreate.stripeCustomerId());
    }
}
