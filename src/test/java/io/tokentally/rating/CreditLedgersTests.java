package io.tokentally.rating;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokentally.plans.CreditGrant;
import io.tokentally.plans.Customer;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class CreditLedgersTests {

    static final Customer CUSTOMER = new Customer("chain", "cus_chain", "usage", "Chain Co");

    @Test
    void theLedgerStartsAtTheFirstGrantOfAChainOfOverlappingGrantsStillUsable() {
        // given a promotion from 5 August that expired on 15 October, and a pack from 10 September that never expires
        CreditGrant promotion = grant("promo", "2026-08-05T00:00:00Z", "2026-10-15T00:00:00Z");
        CreditGrant pack = grant("pack", "2026-09-10T00:00:00Z", null);

        // when December's ledger is asked for
        Instant start = CreditLedgers.start(CUSTOMER, List.of(promotion, pack), Instant.parse("2026-12-01T00:00:00Z"));

        // then it starts in August: the promotion paid usage beside the pack in September and October, so what the
        // pack has left depends on it
        assertThat(start).isEqualTo(Instant.parse("2026-08-01T00:00:00Z"));
    }

    @Test
    void aGrantThatEndedBeforeTheOthersBeganIsLeftOut() {
        // given a promotion of July, and a pack from 10 September
        CreditGrant promotion = grant("promo", "2026-07-05T00:00:00Z", "2026-07-31T00:00:00Z");
        CreditGrant pack = grant("pack", "2026-09-10T00:00:00Z", null);

        // when
        Instant start = CreditLedgers.start(CUSTOMER, List.of(promotion, pack), Instant.parse("2026-12-01T00:00:00Z"));

        // then
        assertThat(start).isEqualTo(Instant.parse("2026-09-01T00:00:00Z"));
    }

    private static CreditGrant grant(String id, String from, String expires) {
        return new CreditGrant(
                "purchase:" + id,
                CUSTOMER.customerId(),
                CreditGrant.Category.PROMOTIONAL,
                new BigDecimal("10"),
                Instant.parse(from),
                expires == null ? null : Instant.parse(expires),
                null,
                CreditGrant.End.NONE);
    }
}
