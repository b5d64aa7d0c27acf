package io.tokentally.cli;

import io.tokentally.stripe.StripeSetup;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.springframework.context.ConfigurableApplicationContext;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code tokentally stripe ...}: Stripe set-up. */
@Command(
        name = "stripe",
        mixinStandardHelpOptions = true,
        description = "Stripe set-up commands.",
        subcommands = {StripeCommand.Setup.class})
class StripeCommand {

    /** {@code tokentally stripe setup}: creates the meters and metered prices of the amount layout when missing. */
    @Command(
            name = "setup",
            mixinStandardHelpOptions = true,
            description = {
                "Creates the amount layout's meters and their metered prices (0.0001 cents per micro-USD) in Stripe"
                        + " when they are missing; meters are found by event name and prices by lookup key, so it"
                        + " can run any number of times.",
                "Needs STRIPE_API_KEY. Then attach the prices to your customers' subscriptions."
            })
    static class Setup implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            try (ConfigurableApplicationContext context = SpringContexts.start(Map.of())) {
                List<StripeSetup.Item> items =
                        context.getBean(StripeSetup.class).ensure();
                PrintWriter out = spec.commandLine().getOut();
                for (StripeSetup.Item item : items) {
                    out.printf(
                            "meter %-32s %s %s; price %s (lookup key %s) %s%n",
                            item.meter(),
                            item.meterId(),
                            item.meterCreated() ? "created" : "exists",
                            item.priceId(),
                            item.lookupKey(),
                            item.priceCreated() ? "created" : "exists");
                }
                out.println();
                out.println("Still to do in Stripe: add these prices to each customer's subscription (one subscription"
                        + " item per price), so that the meter events tokentally sends are invoiced.");
                out.flush();
                return 0;
            }
        }
    }
}
