package io.tokentally.reconcile;

import io.tokentally.shared.Amounts;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * Provider vs usage: per provider, model, token type and UTC day, the tokens and list-price cost of the
 * cost-role sources against those of the billable-role sources. Only provider days that a cost-role
 * source covers with usage the provider bills itself are compared. A pure function of the two sides and the tolerances.
 */
final class ProviderUsageCheck {

    static final String MISMATCH = "PROVIDER_USAGE_MISMATCH";
    static final String NOT_BILLED = "PROVIDER_USAGE_NOT_BILLED";
    static final String NO_BILLABLE_USAGE = "no-billable-usage";

    private final Tolerance tokens;
    private final Tolerance usd;

    ProviderUsageCheck(Tolerance tokens, Tolerance usd) {
        this.tokens = tokens;
        this.usd = usd;
    }

    /** One compared key, and its finding when outside tolerance. */
    record Checked(ReconciliationLine line, Finding finding) {}

    List<Checked> check(Map<ReconcileKey, UsageSide> provider, Map<ReconcileKey, UsageSide> billable) {
        // a provider day is covered by usage the provider bills itself: a day of which a billing export reports
        // only another party's (Claude on Vertex AI in Google's) would set a part against the gateway's whole
        Set<String> coveredDays = new TreeSet<>();
        provider.forEach((key, side) -> {
            if (side.tokens() > side.elsewhereTokens()) {
                coveredDays.add(key.provider() + "|" + key.day());
            }
        });
        Set<ReconcileKey> keys = new TreeSet<>();
        Stream.concat(provider.keySet().stream(), billable.keySet().stream())
                .filter(key -> coveredDays.contains(key.provider() + "|" + key.day()))
                .forEach(keys::add);
        List<Checked> checked = new ArrayList<>();
        for (ReconcileKey key : keys) {
            checked.add(check(
                    key, provider.getOrDefault(key, new UsageSide()), billable.getOrDefault(key, new UsageSide())));
        }
        return checked;
    }

    Checked check(ReconcileKey key, UsageSide provider, UsageSide billable) {
        long tokenDifference = provider.tokens() - billable.tokens();
        BigDecimal usdDifference = provider.listUsd().subtract(billable.listUsd());
        String tolerance = tokens.describe("tokens") + "; " + usd.describe("USD");
        String verdict = verdict(provider, billable);
        Evidence evidence = evidence(provider, billable, verdict);
        Finding finding = finding(key, provider, billable, verdict, tolerance, evidence);
        Set<String> files = new TreeSet<>(provider.files());
        files.addAll(billable.files());
        return new Checked(
                new ReconciliationLine(
                        ReconciliationLine.USAGE,
                        key.day(),
                        key.provider(),
                        key.model(),
                        key.tokenType(),
                        provider.tokens(),
                        billable.tokens(),
                        provider.listUsd(),
                        billable.listUsd(),
                        usdDifference,
                        tokenDifference,
                        tolerance,
                        verdict,
                        finding == null ? null : finding.key(),
                        String.join(" ", files),
                        evidence.toJson()),
                finding);
    }

    /** {@code within-tolerance}, {@code no-billable-usage}, {@code provider-higher} or {@code billable-higher}. */
    private String verdict(UsageSide provider, UsageSide billable) {
        if (tokens.within(provider.tokens(), billable.tokens()) && usd.within(provider.listUsd(), billable.listUsd())) {
            return ReconciliationLine.WITHIN;
        }
        if (billable.tokens() == 0 && provider.tokens() > 0) {
            return NO_BILLABLE_USAGE;
        }
        // the side the tokens say, unless they are within tolerance: then the side the dollars say
        long tokenDifference = provider.tokens() - billable.tokens();
        boolean providerHigher = tokenDifference != 0 && !tokens.within(provider.tokens(), billable.tokens())
                ? tokenDifference > 0
                : provider.listUsd().compareTo(billable.listUsd()) > 0;
        return providerHigher ? "provider-higher" : "billable-higher";
    }

    private Evidence evidence(UsageSide provider, UsageSide billable, String verdict) {
        Evidence evidence = new Evidence()
                .number("provider_tokens", provider.tokens())
                .number("billable_tokens", billable.tokens())
                .number("difference_tokens", provider.tokens() - billable.tokens())
                .number(
                        "allowed_difference_tokens",
                        tokens.allowed(BigDecimal.valueOf(provider.tokens()), BigDecimal.valueOf(billable.tokens())))
                .number("provider_list_usd", provider.listUsd())
                .number("billable_list_usd", billable.listUsd())
                .number("difference_usd", provider.listUsd().subtract(billable.listUsd()))
                .number("allowed_difference_usd", usd.allowed(provider.listUsd(), billable.listUsd()))
                .number("verdict", verdict);
        if (provider.repricedUsd().signum() != 0) {
            evidence.number("provider_list_repriced_usd", provider.repricedUsd());
        }
        provider.addSources(evidence, "provider");
        billable.addSources(evidence, "billable");
        return evidence;
    }

    /** The finding of a key outside tolerance; null within it. */
    private static Finding finding(
            ReconcileKey key,
            UsageSide provider,
            UsageSide billable,
            String verdict,
            String tolerance,
            Evidence evidence) {
        if (verdict.equals(ReconciliationLine.WITHIN)) {
            return null;
        }
        if (verdict.equals(NO_BILLABLE_USAGE)) {
            return notBilled(key, provider, evidence);
        }
        return new Finding(
                "provider-usage-mismatch:" + key.text(),
                MISMATCH,
                Finding.Severity.ERROR,
                mismatchMessage(key, provider, billable, verdict, tolerance),
                evidence);
    }

    /** The finding of usage the provider reports and no billable source has. */
    private static Finding notBilled(ReconcileKey key, UsageSide provider, Evidence evidence) {
        return new Finding(
                "provider-usage-not-billed:" + key.text(),
                NOT_BILLED,
                Finding.Severity.ERROR,
                subject(key) + ": the provider reports " + provider.tokens() + " tokens ($"
                        + Amounts.toText(provider.listUsd()) + " at list price) that no billable source has;"
                        + " provider files: " + String.join(", ", provider.files()),
                evidence);
    }

    /** Which side is higher and by how much, both sides, the tolerance and the files of each side. */
    private static String mismatchMessage(
            ReconcileKey key, UsageSide provider, UsageSide billable, String verdict, String tolerance) {
        long tokenDifference = provider.tokens() - billable.tokens();
        BigDecimal usdDifference = provider.listUsd().subtract(billable.listUsd());
        String difference;
        if (tokenDifference == 0) {
            // the same tokens in other context tiers or hours (tiers the provider's usage tells, or usage held)
            difference = "both sides have " + tokens(provider.tokens()) + ", priced differently: "
                    + (verdict.equals("provider-higher") ? "the provider's usage" : "billable usage")
                    + " is higher by $";
        } else {
            // the dollars may point the other way than the tokens: a token more at a lower price, or a different mix
            boolean opposite = Long.signum(tokenDifference) * usdDifference.signum() < 0;
            difference = (tokenDifference > 0 ? "the provider's usage" : "billable usage") + " is higher by "
                    + tokens(Math.abs(tokenDifference)) + percentOf(tokenDifference, provider, billable)
                    + (opposite
                            ? " and " + (usdDifference.signum() > 0 ? "the provider's" : "billable usage") + " by $"
                            : " and $");
        }
        return subject(key) + ": " + difference + Amounts.toText(usdDifference.abs())
                + " at list price (provider " + provider.tokens() + " tokens, $"
                + Amounts.toText(provider.listUsd()) + "; billable " + billable.tokens() + " tokens, $"
                + Amounts.toText(billable.listUsd())
                + (billable.unpricedTokens() == 0
                        ? ""
                        : ", " + billable.unpricedTokens() + " of them without a list price, at $0")
                + "); tolerance " + tolerance + "; provider files: "
                + files(provider) + "; billable files: " + files(billable);
    }

    private static String tokens(long count) {
        return count == 1 ? "1 token" : count + " tokens";
    }

    private static String subject(ReconcileKey key) {
        return key.model() + " " + key.tokenType() + " on " + key.day();
    }

    private static String files(UsageSide side) {
        return side.files().isEmpty() ? "none" : String.join(", ", side.files());
    }

    /** The difference, not zero, as a percent of the larger side, e.g. " (9.09%)" or " (under 0.01%)". */
    private static String percentOf(long difference, UsageSide provider, UsageSide billable) {
        long larger = Math.max(provider.tokens(), billable.tokens());
        if (larger == 0) {
            return "";
        }
        BigDecimal percent = BigDecimal.valueOf(Math.abs(difference))
                .movePointRight(2)
                .divide(BigDecimal.valueOf(larger), 2, RoundingMode.HALF_UP);
        return " ("
                + (percent.signum() == 0
                        ? "under 0.01"
                        : percent.stripTrailingZeros().toPlainString()) + "%)";
    }
}
