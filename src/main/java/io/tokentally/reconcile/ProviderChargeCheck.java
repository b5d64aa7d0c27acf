package io.tokentally.reconcile;

import io.tokentally.shared.Amounts;
import io.tokentally.shared.TokenType;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Provider cost vs list price: per provider, model and UTC day where the cost export names models (per
 * provider and day where it does not), what the provider charged for tokens against the catalog's list
 * price of the usage the cost-role sources report for the same key, or, on a provider day no cost-role
 * source covers, of the billable usage. Only provider days a cost export covers are compared. A pure
 * function.
 */
final class ProviderChargeCheck {

    static final String KIND = "PROVIDER_CHARGE_VS_LIST";
    static final String ANY = "*";

    private final Tolerance tolerance;

    ProviderChargeCheck(Tolerance tolerance) {
        this.tolerance = tolerance;
    }

    List<ProviderUsageCheck.Checked> check(
            List<ChargedCost> charges,
            Map<ReconcileKey, UsageSide> providerUsage,
            Map<ReconcileKey, UsageSide> billableUsage) {
        Map<String, List<ChargedCost>> byProviderDay = new TreeMap<>();
        charges.stream()
                .filter(ChargedCost::forTokens)
                .forEach(charge -> byProviderDay
                        .computeIfAbsent(charge.provider() + "|" + charge.day(), k -> new ArrayList<>())
                        .add(charge));
        List<ProviderUsageCheck.Checked> checked = new ArrayList<>();
        for (List<ChargedCost> lines : byProviderDay.values()) {
            if (lines.stream().noneMatch(ChargedCost::isUsd)) {
                continue; // a day charged in another currency is not compared
            }
            String provider = lines.get(0).provider();
            LocalDate day = lines.get(0).day();
            boolean byModel = lines.stream().allMatch(line -> line.model() != null);
            boolean reported = reportsTokens(providerUsage, provider, day);
            Map<String, Charged> keys = charged(lines, byModel);
            addUsage(keys, reported ? providerUsage : billableUsage, provider, day, byModel);
            if (!reported) {
                addBilledElsewhere(keys, providerUsage, provider, day, byModel);
            }
            keys.forEach((model, charged) -> {
                // not compared: a key charged partly in another currency, as margin leaves it at list; and a key
                // nothing charged whose own list price is nothing (another party bills all of it, or it has no price)
                boolean nothingToCompare =
                        charged.lines.isEmpty() && charged.usage.ownListUsd().signum() == 0;
                if (charged.lines.stream().allMatch(ChargedCost::isUsd) && !nothingToCompare) {
                    checked.add(check(provider, model, day, charged, reported));
                }
            });
        }
        return checked;
    }

    /**
     * Whether cost-role sources report tokens of the provider's day that it bills itself: a day they report only web
     * search requests (or other units) of, or only usage another party bills (Claude on Vertex AI in Google's
     * billing export), is compared with the billable usage, as a day they do not report.
     */
    static boolean reportsTokens(Map<ReconcileKey, UsageSide> providerUsage, String provider, LocalDate day) {
        return tokenUsage(providerUsage, provider, day).values().stream()
                .anyMatch(side -> side.tokens() > side.elsewhereTokens());
    }

    /**
     * The provider day's token usage: non-token units (web search requests, images, audio seconds) are left out, as
     * their charges are.
     */
    static Map<ReconcileKey, UsageSide> tokenUsage(Map<ReconcileKey, UsageSide> usage, String provider, LocalDate day) {
        Map<ReconcileKey, UsageSide> tokens = new TreeMap<>();
        usage.forEach((key, side) -> {
            if (key.provider().equals(provider)
                    && key.day().equals(day)
                    && !TokenType.fromCode(key.tokenType()).isUnit()) {
                tokens.put(key, side);
            }
        });
        return tokens;
    }

    /** A provider day's charges for tokens, summed per model (or under {@link #ANY} where a line names none). */
    private static Map<String, Charged> charged(List<ChargedCost> lines, boolean byModel) {
        Map<String, Charged> keys = new TreeMap<>();
        for (ChargedCost line : lines) {
            Charged charged = chargedUnder(keys, line.model(), byModel);
            charged.amount = charged.amount.add(line.amount());
            charged.files.add(line.file());
            charged.lines.add(line);
        }
        return keys;
    }

    /**
     * Adds the provider day's token usage ({@link #tokenUsage}) to the key it was charged under, adding a key for usage
     * nothing charged.
     */
    private static void addUsage(
            Map<String, Charged> keys,
            Map<ReconcileKey, UsageSide> usage,
            String provider,
            LocalDate day,
            boolean byModel) {
        tokenUsage(usage, provider, day)
                .forEach((key, side) ->
                        chargedUnder(keys, key.model(), byModel).usage.addAll(side));
    }

    /**
     * Marks, in the billable usage a day's charges are compared with, the usage the cost-role sources say another
     * party bills: the gateway's usage holds it too, not saying which channel served it.
     */
    private static void addBilledElsewhere(
            Map<String, Charged> keys,
            Map<ReconcileKey, UsageSide> providerUsage,
            String provider,
            LocalDate day,
            boolean byModel) {
        tokenUsage(providerUsage, provider, day).forEach((key, side) -> {
            if (side.elsewhereTokens() > 0) {
                chargedUnder(keys, key.model(), byModel)
                        .usage
                        .billedElsewhere(side.elsewhereTokens(), side.elsewhereUsd());
            }
        });
    }

    /** The key a model's charges and usage go under, per model or for the whole provider day ({@link #ANY}). */
    private static Charged chargedUnder(Map<String, Charged> keys, String model, boolean byModel) {
        return keys.computeIfAbsent(byModel ? model : ANY, k -> new Charged());
    }

    private ProviderUsageCheck.Checked check(
            String provider, String model, LocalDate day, Charged charged, boolean reported) {
        BigDecimal list = charged.usage.ownListUsd();
        BigDecimal difference = charged.amount.subtract(list);
        Compared compared = new Compared(provider, model, day, charged, list, difference);
        String described = tolerance.describe("USD");
        String key = "provider-charge:" + provider + "|" + model + "|" + day;
        boolean within = tolerance.within(charged.amount, list);
        boolean above = difference.signum() > 0;
        String verdict = within ? ReconciliationLine.WITHIN : above ? "charged-above-list" : "charged-below-list";
        Evidence evidence = evidence(compared, verdict, reported);
        Finding finding = null;
        if (!within) {
            finding =
                    new Finding(key, KIND, Finding.Severity.WARNING, message(compared, reported, described), evidence);
        }
        return new ProviderUsageCheck.Checked(line(compared, described, verdict, finding, evidence), finding);
    }

    /** The amounts compared, the verdict and the charge and usage lines behind them. */
    private Evidence evidence(Compared compared, String verdict, boolean reported) {
        Charged charged = compared.charged();
        BigDecimal list = compared.list();
        Evidence evidence = new Evidence()
                .number("charged_usd", charged.amount)
                .number("list_usd", list)
                .number("difference_usd", compared.difference())
                .number("allowed_difference_usd", tolerance.allowed(charged.amount, list))
                .number("list_of", reported ? "provider usage" : "billable usage")
                .number("verdict", verdict);
        if (charged.usage.repricedUsd().signum() != 0) {
            evidence.number("list_repriced_usd", charged.usage.repricedUsd());
        }
        if (charged.usage.elsewhereUsd().signum() != 0) {
            evidence.number("list_billed_elsewhere_usd", charged.usage.elsewhereUsd());
        }
        for (ChargedCost line : charged.lines) {
            evidence.source("charge", line.file(), Long.toString(line.lineNo()), line.bucketKey());
        }
        charged.usage.addSources(evidence, reported ? "provider" : "billable");
        return evidence;
    }

    /** The finding's message: what was charged against which list price, the tolerance and the files. */
    private static String message(Compared compared, boolean reported, String described) {
        String provider = compared.provider();
        String model = compared.model();
        Charged charged = compared.charged();
        BigDecimal difference = compared.difference();
        BigDecimal list = compared.list();
        return (model.equals(ANY) ? provider : model) + " on " + compared.day() + ": " + provider + " charged $"
                + Amounts.toText(charged.amount) + ", $" + Amounts.toText(difference.abs())
                + percentOf(difference, list) + (difference.signum() > 0 ? " above" : " below")
                + " the list price $" + Amounts.toText(list)
                + (reported
                        ? " of the usage its exports report"
                        : " of the billable usage (no cost-role source reports the provider's own usage of the day)")
                + elsewhere(charged.usage) + ";"
                + " tolerance " + described + "; cost files: "
                + (charged.files.isEmpty()
                        ? "none (no line of the cost export charges for this model)"
                        : String.join(", ", charged.files))
                + "; usage files: "
                + (charged.usage.files().isEmpty() ? "none" : String.join(", ", charged.usage.files()));
    }

    /** What the list price leaves out: the usage another party bills, if any. */
    private static String elsewhere(UsageSide usage) {
        return usage.elsewhereUsd().signum() == 0
                ? ""
                : ", less $" + Amounts.toText(usage.elsewhereUsd()) + " of it that another party bills (a model of"
                        + " this vendor in Google's Cloud Billing export, such as Claude on Vertex AI)";
    }

    /** The key's line of the reconciliation table. */
    private static ReconciliationLine line(
            Compared compared, String described, String verdict, Finding finding, Evidence evidence) {
        Charged charged = compared.charged();
        Set<String> files = new TreeSet<>(charged.files);
        files.addAll(charged.usage.files());
        return new ReconciliationLine(
                ReconciliationLine.CHARGE,
                compared.day(),
                compared.provider(),
                compared.model(),
                ANY,
                null,
                null,
                charged.amount,
                compared.list(),
                compared.difference(),
                null,
                described,
                verdict,
                finding == null ? null : finding.key(),
                String.join(" ", files),
                evidence.toJson());
    }

    /** The difference as a percent of the list price, e.g. " (20%)"; empty without a list price. */
    private static String percentOf(BigDecimal difference, BigDecimal list) {
        if (list.signum() == 0) {
            return "";
        }
        return " ("
                + difference
                        .abs()
                        .movePointRight(2)
                        .divide(list, 2, RoundingMode.HALF_UP)
                        .stripTrailingZeros()
                        .toPlainString()
                + "%)";
    }

    /** One key's charge set against the list price of its usage: {@code difference} is charged minus list. */
    private record Compared(
            String provider, String model, LocalDate day, Charged charged, BigDecimal list, BigDecimal difference) {}

    /** What was charged for one key, and the provider's usage of it. */
    private static final class Charged {
        private BigDecimal amount = BigDecimal.ZERO;
        private final Set<String> files = new TreeSet<>();
        private final List<ChargedCost> lines = new ArrayList<>();
        private final UsageSide usage = new UsageSide();
    }
}
