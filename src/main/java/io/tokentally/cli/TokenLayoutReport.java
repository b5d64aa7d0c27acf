package io.tokentally.cli;

import io.tokentally.plans.Plan;
import io.tokentally.plans.PriceChangePolicy;
import io.tokentally.plans.StripePriceMoves;
import io.tokentally.shared.Amounts;
import io.tokentally.stripe.TokenLayoutSetup;
import io.tokentally.stripe.TokenMeterLayout.TokenPrice;
import java.io.PrintWriter;
import java.util.List;

/** Prints what {@code stripe setup --layout tokens} did, or would do in a dry run. */
final class TokenLayoutReport {

    private TokenLayoutReport() {}

    /**
     * @param amountPricesMissing the lookup keys of the amount layout's prices Stripe lacks: the tokens layout sends
     *     what Stripe cannot bill in tokens (unlisted models, other tiers, inexact prices) to their meters
     */
    static void print(
            PrintWriter out,
            TokenLayoutSetup.Report report,
            Plan plan,
            boolean dryRun,
            List<String> amountPricesMissing) {
        if (dryRun) {
            out.println("Dry run: nothing was created in Stripe.");
        }
        for (TokenLayoutSetup.Item item : report.items()) {
            printItem(out, item);
        }
        String when = whenMoved(plan);
        for (TokenLayoutSetup.Move move : report.moves()) {
            printMove(out, move, when);
        }
        for (String warning : report.warnings()) {
            out.println("warning: " + warning);
        }
        if (!amountPricesMissing.isEmpty()) {
            out.println("warning: the amount layout's prices " + String.join(", ", amountPricesMissing) + " are not in"
                    + " Stripe: usage Stripe cannot bill in tokens (unlisted models, other tiers, prices with more"
                    + " decimals than Stripe takes) goes on their meters; 'stripe setup' (the amount layout) creates"
                    + " them");
        }
        out.println();
        out.println("Still to do in Stripe: add the current prices, and the amount layout's four ('stripe setup'), to"
                + " each customer's subscription (one subscription item per price; at most 20 items per"
                + " subscription).");
        out.flush();
    }

    /** One line per meter and price: its ids, its cents per unit and the USD price and markup it comes from. */
    private static void printItem(PrintWriter out, TokenLayoutSetup.Item item) {
        TokenPrice price = item.price();
        out.printf(
                "meter %s %s %s; price %s (lookup key %s) %s: %s cents per unit = %s USD/1M x (1 + %s%%),"
                        + " effective %s%s%n",
                price.eventName(),
                item.meterId() == null ? "-" : item.meterId(),
                item.meter().text(),
                item.priceId() == null ? "-" : item.priceId(),
                price.lookupKey(),
                item.stripePrice().text(),
                Amounts.toText(price.centsPerUnit()),
                Amounts.toText(price.usdPerMillion()),
                Amounts.toText(price.markupPercent()),
                price.effectiveFrom(),
                price.current() ? "" : " (scheduled)");
    }

    /** When subscription items move to a new price, as the plan's price change policy and Stripe price moves say. */
    private static String whenMoved(Plan plan) {
        boolean held = plan != null && plan.priceChanges() == PriceChangePolicy.HOLD;
        String change =
                held ? "the first whole hour after the approval of the change" : "the change's effective instant";
        if (plan != null && plan.stripePriceMoves() == StripePriceMoves.NEXT_PERIOD) {
            return "at the start of each subscription's first billing period after " + change + " (plan "
                    + plan.planId() + (held ? " holds price changes;" : ":") + " stripe_price_moves next_period)";
        }
        return held ? "from " + change + " (plan " + plan.planId() + " holds price changes)" : "at " + change;
    }

    /** A move's line, then one line per subscription item: moved, waiting or when it moves. */
    private static void printMove(PrintWriter out, TokenLayoutSetup.Move move, String when) {
        out.printf(
                "move: subscription items on price %s (%s) move to %s (%s) %s, %s; the old price stays in"
                        + " Stripe%n",
                move.fromPriceId() == null ? "-" : move.fromPriceId(),
                move.fromLookupKey(),
                move.toPriceId() == null ? "-" : move.toPriceId(),
                move.to().lookupKey(),
                when,
                move.to().effectiveFrom());
        String state = state(move);
        for (String item : move.items()) {
            out.printf(
                    "  subscription item %s %s%n",
                    item,
                    move.waiting().contains(item)
                            ? "waits for its next billing period (its current one started before the change)"
                            : state);
        }
    }

    /** What the move did, or when it will, for the subscription items that do not wait for their next period. */
    private static String state(TokenLayoutSetup.Move move) {
        return move.moved()
                ? "moved"
                : move.to().current()
                        ? "would move now (run again with --move-subscriptions)"
                        : "moves at " + move.to().effectiveFrom() + " (run again then with --move-subscriptions)";
    }
}
