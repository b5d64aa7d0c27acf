package io.tokentally.cli;

import io.tokentally.job.LoadPricesStepConfiguration;
import io.tokentally.plans.Plan;
import io.tokentally.plans.PlanRepository;
import io.tokentally.plans.PlansFile;
import io.tokentally.plans.PriceChangePolicy;
import io.tokentally.pricing.PriceCatalogs;
import io.tokentally.pricing.PriceRepository;
import io.tokentally.pricing.PricesFile;
import io.tokentally.shared.Repeats;
import io.tokentally.shared.SettingWords;
import io.tokentally.shared.StepLock;
import io.tokentally.stripe.StripeProperties;
import io.tokentally.stripe.StripeSetup;
import io.tokentally.stripe.TokenLayoutSetup;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.springframework.context.ConfigurableApplicationContext;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code tokentally stripe ...}: Stripe set-up. */
@Command(
        name = "stripe",
        mixinStandardHelpOptions = true,
        description = "Stripe set-up commands.",
        subcommands = {StripeCommand.Setup.class})
class StripeCommand {

    /** {@code tokentally stripe setup}: creates the meters and metered prices of a layout when missing. */
    @Command(
            name = "setup",
            mixinStandardHelpOptions = true,
            description = {
                "Creates a meter layout's meters and metered prices in Stripe when they are missing; meters are"
                        + " found by event name and prices by lookup key, so it can run any number of times.",
                "--layout amount (default): the amount layout's meters, priced at 0.0001 cents per micro-USD.",
                "--layout tokens: one meter per (model, token type) for the --models listed and a price per"
                        + " meter and catalog price version with the --plan's markup included; a new price"
                        + " version gets a new price next to the old one.",
                "Needs STRIPE_API_KEY (except a tokens --dry-run). Then attach the prices to your customers'"
                        + " subscriptions."
            })
    static class Setup implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Option(
                names = "--layout",
                defaultValue = "amount",
                description = "amount or tokens. Default: ${DEFAULT-VALUE}.")
        String layout;

        @Option(
                names = "--models",
                split = ",",
                paramLabel = "MODEL",
                description = "tokens layout: the canonical models to provision, e.g."
                        + " openai/gpt-4o,anthropic/claude-sonnet-4-5.")
        List<String> models = List.of();

        @Option(
                names = "--plan",
                paramLabel = "PLAN",
                description = "tokens layout: the plan whose markup the prices include (default: none, the"
                        + " provider's price).")
        String plan;

        @Option(
                names = "--prices",
                paramLabel = "FILE",
                description = "tokens layout: a prices CSV to add to the price catalog first, as the nightly job does.")
        Path prices;

        @Option(
                names = "--plans",
                paramLabel = "FILE",
                description = "tokens layout: a plans YAML to store first, as the nightly job does.")
        Path plans;

        @Option(
                names = "--tiers",
                split = ",",
                paramLabel = "TIER",
                description = "tokens layout: tiers besides standard whose prices get meters of their own: batch,"
                        + " priority, flex, long (default: tokentally.stripe.token-tiers, none).")
        List<String> tiers;

        @Option(names = "--dry-run", description = "tokens layout: show what would be created; create nothing.")
        boolean dryRun;

        @Option(
                names = "--move-subscriptions",
                description = "tokens layout: move the subscription items on superseded prices to the price in"
                        + " force now (no proration); without it they are only listed.")
        boolean moveSubscriptions;

        @Override
        public Integer call() throws Exception {
            layout = SettingWords.lower(layout);
            tiers = SettingWords.lower(tiers);
            if (layout.equals("tokens")) {
                return tokens();
            }
            if (!layout.equals("amount")) {
                throw new ParameterException(spec.commandLine(), "--layout must be amount or tokens, not " + layout);
            }
            refuseTokenLayoutOptions();
            return amount();
        }

        /** Refuses, for the amount layout, the options that belong to the tokens layout. */
        private void refuseTokenLayoutOptions() {
            if (!models.isEmpty()
                    || plan != null
                    || dryRun
                    || moveSubscriptions
                    || prices != null
                    || plans != null
                    || tiers != null) {
                throw new ParameterException(
                        spec.commandLine(),
                        "--models, --plan, --prices, --plans, --tiers, --dry-run and --move-subscriptions belong to"
                                + " --layout tokens");
            }
        }

        /** Ensures the amount layout's meters and prices and prints them, with what is still to do in Stripe. */
        private int amount() throws Exception {
            try (ConfigurableApplicationContext context = SpringContexts.start(Map.of())) {
                List<StripeSetup.Item> items =
                        context.getBean(StripeSetup.class).ensure();
                PrintWriter out = spec.commandLine().getOut();
                printItems(out, items);
                out.println();
                out.println("Still to do in Stripe: add these prices to each customer's subscription (one subscription"
                        + " item per price), so that the meter events tokentally sends are invoiced.");
                out.flush();
                return 0;
            }
        }

        /** One line per meter: its id, its price and lookup key, and whether each was created or existed. */
        private static void printItems(PrintWriter out, List<StripeSetup.Item> items) {
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
        }

        /** Ensures the tokens layout's meters and prices for the --models and prints the report. */
        private int tokens() throws Exception {
            checkTokenLayoutOptions();
            try (ConfigurableApplicationContext context = SpringContexts.start(Map.of())) {
                storeReferenceFiles(context);
                Plan chosen = chosenPlan(context);
                PriceCatalogs catalogs = context.getBean(PriceCatalogs.class);
                TokenLayoutSetup setup = context.getBean(TokenLayoutSetup.class);
                TokenLayoutSetup.Report report = setup.ensure(
                        models,
                        chosen != null && chosen.priceChanges() == PriceChangePolicy.HOLD
                                ? catalogs.heldVersions()
                                : catalogs.versions(),
                        chosen,
                        dryRun,
                        moveSubscriptions,
                        tiers != null
                                ? tiers
                                : context.getBean(StripeProperties.class).tokenTiers());
                // without a key (a dry run) Stripe is not asked
                List<String> amountPricesMissing =
                        context.getBean(StripeProperties.class).dryRun()
                                ? List.of()
                                : context.getBean(StripeSetup.class).missingPrices();
                TokenLayoutReport.print(spec.commandLine().getOut(), report, chosen, dryRun, amountPricesMissing);
                return 0;
            }
        }

        /**
         * Refuses a tokens layout without --models, a model or tier listed twice (as the settings of the same lists
         * are), or a tier that has no prices of its own.
         */
        private void checkTokenLayoutOptions() {
            if (models.isEmpty()) {
                throw new ParameterException(spec.commandLine(), "--layout tokens needs --models");
            }
            refuseRepeats("--models", models);
            refuseRepeats("--tiers", tiers == null ? List.of() : tiers);
            if (prices != null) {
                RequiredFiles.requireFile(spec, "--prices", prices);
            }
            if (plans != null) {
                RequiredFiles.requireFile(spec, "--plans", plans);
            }
            for (String tier : tiers == null ? List.<String>of() : tiers) {
                if (!List.of("batch", "priority", "flex", "long").contains(tier)) {
                    throw new ParameterException(
                            spec.commandLine(), "--tiers: " + tier + " is not batch, priority, flex or long");
                }
            }
        }

        private void refuseRepeats(String option, List<String> list) {
            Repeats.refusal(option, list).ifPresent(refusal -> {
                throw new ParameterException(spec.commandLine(), refusal);
            });
        }

        /** Adds the --prices file to the price catalog and stores the --plans file, when given. */
        private void storeReferenceFiles(ConfigurableApplicationContext context) throws Exception {
            if (prices != null) {
                // in turn with the runs' price loads and syncs: one adding the same version at once would fail
                try (StepLock.Held turn = context.getBean(
                                LoadPricesStepConfiguration.PRICE_CATALOG_LOCK, StepLock.class)
                        .hold("stripe setup --prices")) {
                    context.getBean(PriceRepository.class).load(PricesFile.read(prices));
                } catch (PriceRepository.ChangedVersion e) {
                    throw PricesFile.refusal(prices, e);
                }
            }
            if (plans != null) {
                context.getBean(PlanRepository.class).saveAll(PlansFile.read(plans));
            }
        }

        /** The --plan, or null without one; a plan not stored is refused. */
        private Plan chosenPlan(ConfigurableApplicationContext context) {
            Plan chosen = null;
            if (plan != null) {
                chosen = context.getBean(PlanRepository.class).findAll().get(plan);
                if (chosen == null) {
                    throw new ParameterException(
                            spec.commandLine(), "--plan " + plan + ": no such plan (load the plans file with --plans)");
                }
            }
            return chosen;
        }
    }
}
