package io.tokentally.plans;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PlanTests {

    static final MarkupOverride OPENAI = new MarkupOverride("openai", MarkupOverride.ANY, new BigDecimal("40"));
    static final MarkupOverride ANTHROPIC = new MarkupOverride("anthropic", MarkupOverride.ANY, new BigDecimal("25"));
    static final MarkupOverride MINI = new MarkupOverride("openai", "openai/gpt-4o-mini", new BigDecimal("50"));

    @Test
    void usesTheDefaultMarkupWithoutOverrides() {
        // given
        Plan plan = plan(List.of());

        // when
        BigDecimal markup = plan.markupFor("openai", "openai/gpt-4o");

        // then
        assertThat(markup).isEqualByComparingTo("20");
    }

    @Test
    void usesTheProviderOverrideForEveryModelOfThatProvider() {
        // given
        Plan plan = plan(List.of(OPENAI, ANTHROPIC));

        // when, then
        assertThat(plan.markupFor("openai", "openai/gpt-4o")).isEqualByComparingTo("40");
        assertThat(plan.markupFor("anthropic", "anthropic/claude-sonnet-4-5")).isEqualByComparingTo("25");
        assertThat(plan.markupFor("google", "google/gemini-2.5-pro")).isEqualByComparingTo("20");
    }

    @Test
    void modelOverrideBeatsProviderOverrideWhateverTheirOrder() {
        // given the same overrides in both orders
        Plan providerFirst = plan(List.of(OPENAI, MINI));
        Plan modelFirst = plan(List.of(MINI, OPENAI));

        // when, then
        assertThat(providerFirst.markupFor("openai", "openai/gpt-4o-mini")).isEqualByComparingTo("50");
        assertThat(modelFirst.markupFor("openai", "openai/gpt-4o-mini")).isEqualByComparingTo("50");
        assertThat(providerFirst.markupFor("openai", "openai/gpt-4o")).isEqualByComparingTo("40");
        assertThat(modelFirst.markupFor("openai", "openai/gpt-4o")).isEqualByComparingTo("40");
    }

    @Test
    void modelOverrideAppliesToThatModelOnly() {
        // given a model override and no provider override
        Plan plan = plan(List.of(MINI));

        // when, then
        assertThat(plan.markupFor("openai", "openai/gpt-4o-mini")).isEqualByComparingTo("50");
        assertThat(plan.markupFor("openai", "openai/gpt-4o")).isEqualByComparingTo("20");
        assertThat(plan.markupFor("openai", "openai/gpt-4o-mini-2024-07-18")).isEqualByComparingTo("20");
    }

    @Test
    void keepsItsOwnCopyOfTheOverrides() {
        // given
        List<MarkupOverride> overrides = new ArrayList<>(List.of(OPENAI));
        Plan plan = plan(overrides);

        // when
        overrides.add(MINI);

        // then
        assertThat(plan.overrides()).containsExactly(OPENAI);
        assertThat(plan.markupFor("openai", "openai/gpt-4o-mini")).isEqualByComparingTo("40");
    }

    private static Plan plan(List<MarkupOverride> overrides) {
        return new Plan("growth", PlanType.USAGE, "USD", new BigDecimal("20"), overrides);
    }
}
