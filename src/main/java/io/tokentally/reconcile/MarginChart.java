package io.tokentally.reconcile;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;

/** An inline SVG bar chart of daily cost, billed amount and margin: three bars per day, one scale. */
final class MarginChart {

    private static final int HEIGHT = 200;
    private static final int BAR = 6;
    private static final int DAY = 3 * BAR + 6;
    private static final String[] COLORS = {"#d62728", "#1f77b4", "#2ca02c"};
    private static final String[] NAMES = {"cost", "billed", "margin"};

    private MarginChart() {}

    static String svg(List<MarginLine> days) {
        BigDecimal max = largest(days);
        int width = Math.max(Math.max(days.size(), 1) * DAY + 40, 240);
        StringBuilder svg = new StringBuilder("<svg width=\"")
                .append(width)
                .append("\" height=\"")
                .append(HEIGHT + 40)
                .append("\" role=\"img\" aria-label=\"daily cost, billed amount and margin\">");
        appendAxis(svg, width);
        for (int d = 0; d < days.size(); d++) {
            appendDay(svg, d, days.get(d), max);
        }
        appendLegend(svg);
        return svg.append("</svg>").toString();
    }

    /** The scale's top: the largest absolute cost, billed amount or margin of any day, at least one cent. */
    private static BigDecimal largest(List<MarginLine> days) {
        BigDecimal max = BigDecimal.ONE.movePointLeft(2);
        for (MarginLine day : days) {
            max = max.max(day.costUsd().abs())
                    .max(day.billedUsd().abs())
                    .max(day.marginUsd().abs());
        }
        return max;
    }

    /** The zero line, across the chart. */
    private static void appendAxis(StringBuilder svg, int width) {
        svg.append("<line x1=\"0\" y1=\"")
                .append(HEIGHT)
                .append("\" x2=\"")
                .append(width)
                .append("\" y2=\"")
                .append(HEIGHT)
                .append("\" stroke=\"#999\"/>");
    }

    /** The d-th day's three bars (a negative one hangs below the zero line, at most 30 high), titled. */
    private static void appendDay(StringBuilder svg, int d, MarginLine day, BigDecimal max) {
        BigDecimal[] values = {day.costUsd(), day.billedUsd(), day.marginUsd()};
        for (int v = 0; v < values.length; v++) {
            int height = scaled(values[v].abs(), max);
            int x = d * DAY + v * BAR;
            int y = values[v].signum() < 0 ? HEIGHT : HEIGHT - height;
            svg.append("<rect x=\"")
                    .append(x)
                    .append("\" y=\"")
                    .append(y)
                    .append("\" width=\"")
                    .append(BAR - 1)
                    .append("\" height=\"")
                    .append(Math.min(height, values[v].signum() < 0 ? 30 : height))
                    .append("\" fill=\"")
                    .append(COLORS[v])
                    .append("\"><title>")
                    .append(day.day())
                    .append(' ')
                    .append(NAMES[v])
                    .append(" $")
                    .append(ReconciliationReport.money(values[v]))
                    .append("</title></rect>");
        }
    }

    /** The names of the three bars, in their colours, under the chart. */
    private static void appendLegend(StringBuilder svg) {
        for (int v = 0; v < NAMES.length; v++) {
            svg.append("<text x=\"")
                    .append(v * 70)
                    .append("\" y=\"")
                    .append(HEIGHT + 30)
                    .append("\" fill=\"")
                    .append(COLORS[v])
                    .append("\" font-size=\"12\">")
                    .append(NAMES[v])
                    .append("</text>");
        }
    }

    private static int scaled(BigDecimal value, BigDecimal max) {
        return value.multiply(BigDecimal.valueOf(HEIGHT))
                .divide(max, 0, RoundingMode.HALF_UP)
                .intValue();
    }
}
