package io.tokentally.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class MarginChartTests {

    private static final LocalDate DAY = LocalDate.parse("2026-11-02");

    @Test
    void drawsCostBilledAndMarginOnOneScaleWhoseTopIsTheLargestAmount() {
        // given: cost 1, billed 3, so margin 2; the billed bar is the tallest
        List<MarginLine> days = List.of(line(DAY, "1.00", "3.00"));

        // when
        String svg = MarginChart.svg(days);

        // then: 200 px for $3, HALF_UP to whole pixels, bars standing on the axis at y=200
        assertThat(svg)
                .startsWith("<svg width=\"240\" height=\"240\"")
                .contains("<rect x=\"0\" y=\"133\" width=\"5\" height=\"67\" fill=\"#d62728\">"
                        + "<title>2026-11-02 cost $1.00</title></rect>")
                .contains("<rect x=\"6\" y=\"0\" width=\"5\" height=\"200\" fill=\"#1f77b4\">"
                        + "<title>2026-11-02 billed $3.00</title></rect>")
                .contains("<rect x=\"12\" y=\"67\" width=\"5\" height=\"133\" fill=\"#2ca02c\">"
                        + "<title>2026-11-02 margin $2.00</title></rect>")
                .endsWith("</svg>");
    }

    @Test
    void hangsANegativeMarginBelowTheAxisCutTo30Pixels() {
        // given: billed 1 against a cost of 2, a margin of -1 (100 px on the scale of $2)
        List<MarginLine> days = List.of(line(DAY, "2.00", "1.00"));

        // when
        String svg = MarginChart.svg(days);

        // then
        assertThat(svg)
                .contains("<rect x=\"12\" y=\"200\" width=\"5\" height=\"30\" fill=\"#2ca02c\">"
                        + "<title>2026-11-02 margin $-1.00</title></rect>");
    }

    @Test
    void placesEachDay24PixelsRightOfTheOneBeforeAndWidensPast240ForManyDays() {
        // given: ten days
        List<MarginLine> days = new ArrayList<>();
        for (int d = 0; d < 10; d++) {
            days.add(line(DAY.plusDays(d), "1.00", "2.00"));
        }

        // when
        String svg = MarginChart.svg(days);

        // then: 10 x 24 + 40
        assertThat(svg)
                .startsWith("<svg width=\"280\" height=\"240\"")
                .contains("<rect x=\"24\" y=\"100\" width=\"5\" height=\"100\" fill=\"#d62728\">"
                        + "<title>2026-11-03 cost $1.00</title></rect>")
                .contains("<rect x=\"216\" y=\"100\" width=\"5\" height=\"100\" fill=\"#d62728\">"
                        + "<title>2026-11-11 cost $1.00</title></rect>");
    }

    @Test
    void anEmptyChartHasItsAxisAndLegendButNoBars() {
        // when
        String svg = MarginChart.svg(List.of());

        // then
        assertThat(svg)
                .isEqualTo("<svg width=\"240\" height=\"240\" role=\"img\""
                        + " aria-label=\"daily cost, billed amount and margin\">"
                        + "<line x1=\"0\" y1=\"200\" x2=\"240\" y2=\"200\" stroke=\"#999\"/>"
                        + "<text x=\"0\" y=\"230\" fill=\"#d62728\" font-size=\"12\">cost</text>"
                        + "<text x=\"70\" y=\"230\" fill=\"#1f77b4\" font-size=\"12\">billed</text>"
                        + "<text x=\"140\" y=\"230\" fill=\"#2ca02c\" font-size=\"12\">margin</text>"
                        + "</svg>");
    }

    private static MarginLine line(LocalDate day, String cost, String billed) {
        return new MarginLine("acme", "openai/gpt-4o", day, new BigDecimal(cost), new BigDecimal(billed));
    }
}
