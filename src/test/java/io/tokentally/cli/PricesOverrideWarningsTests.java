package io.tokentally.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokentally.pricing.Price;
import io.tokentally.shared.ContextTier;
import io.tokentally.shared.ServiceTier;
import io.tokentally.shared.TokenType;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code prices override} warns of a version loaded before an override that takes over from it later (hunt DL). */
class PricesOverrideWarningsTests {

    static final Instant MIDNIGHT = Instant.parse("2026-12-07T00:00:00Z");
    static final Instant HALF_PAST_TEN = Instant.parse("2026-12-07T10:30:00Z");

    @Test
    void anOverrideThatASyncedVersionOfALaterInstantTakesOverFromIsWarnedOfOnceNamingThatVersion() {
        // given: a sync announced gpt-5 output at 12 from 10:30; the override says 9 from midnight and 10 from noon,
        // and, for input, 1.25 from midnight and 1.5 from ten, before a synced 2 from 10:30
        Price synced = price(TokenType.OUTPUT, HALF_PAST_TEN, "12", "litellm: f3");
        Price override = price(TokenType.OUTPUT, MIDNIGHT, "9", "override: o.csv");
        Price noon = price(TokenType.OUTPUT, Instant.parse("2026-12-07T12:00:00Z"), "10", "override: o.csv");
        Price input = price(TokenType.INPUT, MIDNIGHT, "1.25", "override: o.csv");
        Price inputAtTen = price(TokenType.INPUT, Instant.parse("2026-12-07T10:00:00Z"), "1.5", "override: o.csv");
        Price syncedInput = price(TokenType.INPUT, HALF_PAST_TEN, "2", "litellm: f3");

        // when
        List<String> warnings = PricesCommand.takenOverLater(
                List.of(override, noon, input, inputAtTen),
                List.of(synced, override, noon, input, inputAtTen, syncedInput));

        // then: the midnight output override gives way to the sync's 10:30 version, before its own noon one; of input,
        // the ten o'clock override does, not the midnight one, which its own ten o'clock one ends (review 84)
        assertThat(warnings)
                .containsExactly(
                        "warning: the output price of openai/gpt-5 (standard, standard) overridden as 9 per 1M from"
                                + " 2026-12-07T00:00:00Z gives way at 2026-12-07T10:30:00Z to the version in force from"
                                + " then (12 per 1M, litellm: f3), loaded before it; to keep the override, override it"
                                + " again from after that instant",
                        "warning: the input price of openai/gpt-5 (standard, standard) overridden as 1.5 per 1M from"
                                + " 2026-12-07T10:00:00Z gives way at 2026-12-07T10:30:00Z to the version in force from"
                                + " then (2 per 1M, litellm: f3), loaded before it; to keep the override, override it"
                                + " again from after that instant");
    }

    private static Price price(TokenType type, Instant from, String usdPerMillion, String origin) {
        return new Price(
                0,
                "openai/gpt-5",
                type,
                ServiceTier.STANDARD,
                ContextTier.STANDARD,
                from,
                new BigDecimal(usdPerMillion),
                null,
                origin);
    }
}
