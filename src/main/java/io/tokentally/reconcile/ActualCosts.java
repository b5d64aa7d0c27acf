package io.tokentally.reconcile;

import io.tokentally.shared.Amounts;
import io.tokentally.shared.TokenType;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The providers' actual token charges, as buckets that usage's list-price cost is apportioned by (ADR 0022). A
 * bucket is what the provider's export splits a provider's day by: model and token type where every token
 * line of the day names both and a model's lines charge exactly the token types of its usage, model alone where
 * every line names a model (and for a model whose charged token types and used ones differ: a charge for a type
 * nobody used, or usage of a type nothing charged, is shared over the model's usage, as the charge check compares
 * them), else the whole provider day. Non-token units (web search requests, images, audio seconds) share no token
 * charge and are no part of a reference, as their lines are no part of a charge. A
 * bucket's charge is shared in proportion to list-price cost: usage of list cost {@code c} in a bucket charged
 * {@code A} whose reference usage costs {@code L} at list price costs {@code A x c / L}. The reference is the
 * provider's own usage of the bucket (cost-role sources), or, on a provider day no cost-role source reports,
 * all billable usage of the bucket (attributed or not): the same list price the charge check compares the
 * charge with, so margin applies exactly the discount that check reports. The provider's usage that another party
 * bills (Claude on Vertex AI in Google's Cloud Billing export) is in the reference at its list price and stays there:
 * the bucket's usage costs the charge plus that list price. A provider day charged per customer's project is split
 * per customer too ({@link #of(List, Map, Map, Map)}). A pure function of its inputs.
 */
final class ActualCosts {

    static final String ANY = ProviderChargeCheck.ANY;
    static final ActualCosts NONE = new ActualCosts(Map.of());

    /**
     * One bucket's charge, the list price of its reference usage, and the export lines it came from.
     *
     * @param elsewhereListUsd the list price of the reference usage another party bills ({@link
     *     UsageSide#billedElsewhere}), which stays at list: it is shared with the charge
     */
    record Charge(
            String bucket,
            BigDecimal chargedUsd,
            BigDecimal elsewhereListUsd,
            BigDecimal referenceListUsd,
            List<ChargedCost> lines) {

        /** The actual cost of usage whose list-price cost is {@code listUsd}. */
        BigDecimal actual(BigDecimal listUsd) {
            return Amounts.share(chargedUsd.add(elsewhereListUsd), listUsd, referenceListUsd);
        }
    }

    private final Map<String, Charge> charges;

    private ActualCosts(Map<String, Charge> charges) {
        this.charges = charges;
    }

    static ActualCosts of(
            List<ChargedCost> lines, Map<ReconcileKey, UsageSide> provider, Map<ReconcileKey, UsageSide> billable) {
        return of(lines, provider, billable, Map.of(), Map.of());
    }

    static ActualCosts of(
            List<ChargedCost> lines,
            Map<ReconcileKey, UsageSide> provider,
            Map<ReconcileKey, UsageSide> billable,
            Map<String, Map<ReconcileKey, UsageSide>> byCustomer) {
        return of(lines, provider, billable, byCustomer, Map.of());
    }

    /**
     * The charges of the lines, shared as the class says; a provider day whose every token line is for a known
     * customer ({@link ChargedCost#customerId}: the export is grouped by projects or workspaces the customers own), the
     * customers with token usage of the provider that day being exactly those, is shared per customer, each
     * customer's lines over that customer's billable usage in {@code byCustomer} ({@link #byOwner}): a project's
     * charge is its customer's cost, which a charge shared over every customer's usage misplaced (a customer charged
     * list showed a loss, and another's loss was hidden). The reference is then the customer's billable usage, not
     * the provider's: usage of its project that no gateway billed is its cost, of a model it used or not.
     *
     * @param byCustomer the attributed billable usage of those days, per customer
     * @param unattributed the billable usage of those days of customer ids in no customers file: a day with token
     *     usage of theirs stays shared, its users not all known
     */
    static ActualCosts of(
            List<ChargedCost> lines,
            Map<ReconcileKey, UsageSide> provider,
            Map<ReconcileKey, UsageSide> billable,
            Map<String, Map<ReconcileKey, UsageSide>> byCustomer,
            Map<ReconcileKey, UsageSide> unattributed) {
        Map<String, List<ChargedCost>> byProviderDay = new TreeMap<>();
        lines.stream()
                .filter(ChargedCost::forTokens)
                .forEach(line -> byProviderDay
                        .computeIfAbsent(line.provider() + "|" + line.day(), k -> new ArrayList<>())
                        .add(line));
        Map<String, Charge> charges = new TreeMap<>();
        for (List<ChargedCost> day : byProviderDay.values()) {
            Map<String, List<ChargedCost>> byOwner = byOwner(day, provider, byCustomer, unattributed);
            if (byOwner.isEmpty()) {
                addDay(day, provider, billable, charges, "");
            } else {
                byOwner.forEach(
                        (customer, own) -> addDay(own, Map.of(), byCustomer.get(customer), charges, owner(customer)));
            }
        }
        return new ActualCosts(charges);
    }

    /**
     * A provider day's lines by their customer, where the day is split per customer; empty where it is shared: a line
     * of no known customer, usage of the day that another party bills (it stays at list price beside the charge,
     * which only the shared day keeps), or customers of the lines other than those with token usage of the provider
     * that day (a customer's usage no line of its own charges would stay at list price, and a line of a customer
     * without usage would charge nobody: the projects and the usage's customers do not match, as when the mapping
     * file changed since the usage was read), unknown customers among them (a known customer's project charged for
     * their usage would be that customer's cost).
     */
    private static Map<String, List<ChargedCost>> byOwner(
            List<ChargedCost> day,
            Map<ReconcileKey, UsageSide> provider,
            Map<String, Map<ReconcileKey, UsageSide>> byCustomer,
            Map<ReconcileKey, UsageSide> unattributed) {
        String providerName = day.get(0).provider();
        LocalDate date = day.get(0).day();
        if (ProviderChargeCheck.tokenUsage(unattributed, providerName, date).values().stream()
                .anyMatch(side -> side.listUsd().signum() > 0)) {
            return Map.of();
        }
        Map<String, List<ChargedCost>> byOwner = new TreeMap<>();
        for (ChargedCost line : day) {
            if (line.customerId() == null) {
                return Map.of();
            }
            byOwner.computeIfAbsent(line.customerId(), k -> new ArrayList<>()).add(line);
        }
        boolean billedElsewhere = ProviderChargeCheck.tokenUsage(provider, providerName, date).values().stream()
                .anyMatch(side -> side.elsewhereTokens() > 0);
        Set<String> users = new TreeSet<>();
        byCustomer.forEach((customer, usage) -> {
            if (ProviderChargeCheck.tokenUsage(usage, providerName, date).values().stream()
                    .anyMatch(side -> side.listUsd().signum() > 0)) {
                users.add(customer);
            }
        });
        return billedElsewhere || !users.equals(byOwner.keySet()) ? Map.of() : byOwner;
    }

    /** What a customer's buckets' keys end with. */
    private static String owner(String customerId) {
        return "|" + customerId;
    }

    /**
     * Adds the provider day's charges, each bucket's key ending with {@code owner}. A customer's own lines (an {@code
     * owner}) charging a model it has no billable usage of are its cost too, where the day's shared lines leave them
     * to no one ({@link #spreadUnused}).
     */
    private static void addDay(
            List<ChargedCost> lines,
            Map<ReconcileKey, UsageSide> provider,
            Map<ReconcileKey, UsageSide> billable,
            Map<String, Charge> charges,
            String owner) {
        String providerName = lines.get(0).provider();
        LocalDate day = lines.get(0).day();
        boolean byModel = lines.stream().allMatch(line -> line.model() != null);
        boolean byType = byModel && lines.stream().allMatch(line -> line.tokenType() != null);
        boolean reported = ProviderChargeCheck.reportsTokens(provider, providerName, day);
        Map<ReconcileKey, UsageSide> usage =
                ProviderChargeCheck.tokenUsage(reported ? provider : billable, providerName, day);
        Set<String> typed = byType ? typedModels(lines, usage) : Set.of();
        Map<String, List<ChargedCost>> buckets = new TreeMap<>();
        for (ChargedCost line : lines) {
            String model = byModel ? line.model() : ANY;
            String bucket = bucket(providerName, model, typed.contains(model) ? line.tokenType() : ANY, day) + owner;
            buckets.computeIfAbsent(bucket, k -> new ArrayList<>()).add(line);
        }
        Map<String, BigDecimal> reference = new TreeMap<>();
        usage.forEach((key, side) -> reference.merge(
                bucket(providerName, key, byModel, typed, day) + owner, side.listUsd(), BigDecimal::add));
        // what another party bills is known from the cost-role sources alone, also where the reference is billable
        Map<String, BigDecimal> elsewhere = new TreeMap<>();
        ProviderChargeCheck.tokenUsage(provider, providerName, day)
                .forEach((key, side) -> elsewhere.merge(
                        bucket(providerName, key, byModel, typed, day) + owner, side.elsewhereUsd(), BigDecimal::add));
        if (!owner.isEmpty()) {
            spreadUnused(buckets, reference, bucket(providerName, ANY, ANY, day) + owner);
        }
        addCharges(buckets, reference, elsewhere, charges);
    }

    /**
     * Moves a customer's buckets charged in USD alone that no usage of its own falls in (a model it has no billable
     * usage of) into its other buckets charged in USD alone, each taking a share of their charge in proportion to
     * its usage's list price; where it has none such, into a bucket of its whole day, which covers its usage of models
     * no line charges. A bucket in another currency shares nothing, as {@link #addCharges} says.
     */
    private static void spreadUnused(
            Map<String, List<ChargedCost>> buckets, Map<String, BigDecimal> reference, String wholeDay) {
        List<String> unused = new ArrayList<>();
        BigDecimal receivingList = BigDecimal.ZERO;
        for (Map.Entry<String, List<ChargedCost>> bucket : buckets.entrySet()) {
            if (!bucket.getValue().stream().allMatch(ChargedCost::isUsd)) {
                continue;
            }
            BigDecimal list = reference.getOrDefault(bucket.getKey(), BigDecimal.ZERO);
            if (list.signum() > 0) {
                receivingList = receivingList.add(list);
            } else {
                unused.add(bucket.getKey());
            }
        }
        if (unused.isEmpty()) {
            return;
        }
        List<ChargedCost> unusedLines = new ArrayList<>();
        unused.forEach(key -> unusedLines.addAll(buckets.remove(key)));
        if (receivingList.signum() == 0) {
            buckets.put(wholeDay, unusedLines);
            reference.put(wholeDay, reference.values().stream().reduce(BigDecimal.ZERO, BigDecimal::add));
            return;
        }
        BigDecimal receivers = receivingList;
        buckets.replaceAll((key, bucketLines) -> {
            BigDecimal list = reference.getOrDefault(key, BigDecimal.ZERO);
            if (list.signum() <= 0 || !bucketLines.stream().allMatch(ChargedCost::isUsd)) {
                return bucketLines;
            }
            List<ChargedCost> more = new ArrayList<>(bucketLines);
            unusedLines.forEach(line -> more.add(line.withAmount(Amounts.share(line.amount(), list, receivers))));
            return more;
        });
    }

    /** The bucket a key's usage falls in: its model's (or the day's) and, for a typed model, its token type's. */
    private static String bucket(String provider, ReconcileKey key, boolean byModel, Set<String> typed, LocalDate day) {
        String model = byModel ? key.model() : ANY;
        return bucket(provider, model, typed.contains(model) ? key.tokenType() : ANY, day);
    }

    /** The models whose lines charge exactly the token types of their usage at list price: shared per token type. */
    private static Set<String> typedModels(List<ChargedCost> lines, Map<ReconcileKey, UsageSide> usage) {
        Map<String, Set<String>> charged = new TreeMap<>();
        lines.forEach(line ->
                charged.computeIfAbsent(line.model(), k -> new TreeSet<>()).add(line.tokenType()));
        Map<String, Set<String>> used = new TreeMap<>();
        usage.forEach((key, side) -> {
            if (side.listUsd().signum() > 0) {
                used.computeIfAbsent(key.model(), k -> new TreeSet<>()).add(key.tokenType());
            }
        });
        Set<String> typed = new TreeSet<>();
        charged.forEach((model, types) -> {
            if (types.equals(used.get(model))) {
                typed.add(model);
            }
        });
        return typed;
    }

    /**
     * Adds the charge of each bucket whose reference usage has a list price and whose lines are all in USD; a bucket
     * without one, or charged partly in another currency, shares nothing (its usage stays at list price). Reference
     * usage another party bills is shared at its list price beside the charge, so that the bucket's usage costs the
     * charge and that list price together.
     */
    private static void addCharges(
            Map<String, List<ChargedCost>> buckets,
            Map<String, BigDecimal> reference,
            Map<String, BigDecimal> elsewhere,
            Map<String, Charge> charges) {
        buckets.forEach((bucket, bucketLines) -> {
            BigDecimal list = reference.getOrDefault(bucket, BigDecimal.ZERO);
            if (list.signum() > 0 && bucketLines.stream().allMatch(ChargedCost::isUsd)) {
                BigDecimal charged =
                        bucketLines.stream().map(ChargedCost::amount).reduce(BigDecimal.ZERO, BigDecimal::add);
                // never more than the reference: the gateway may lack some of the usage another party bills
                BigDecimal billedElsewhere =
                        elsewhere.getOrDefault(bucket, BigDecimal.ZERO).min(list);
                charges.put(bucket, new Charge(bucket, charged, billedElsewhere, list, List.copyOf(bucketLines)));
            }
        });
    }

    /**
     * The charge that covers the customer's usage of this provider, model, token type and day, if an export charged
     * for it: the customer's own buckets, then those of every customer, the finest bucket first.
     */
    Optional<Charge> covering(String customerId, String provider, String model, String tokenType, LocalDate day) {
        if (TokenType.fromCode(tokenType).isUnit()) {
            return Optional.empty();
        }
        for (String owner : List.of(owner(customerId), "")) {
            for (String bucket : List.of(
                    bucket(provider, model, tokenType, day),
                    bucket(provider, model, ANY, day),
                    bucket(provider, ANY, ANY, day))) {
                Charge charge = charges.get(bucket + owner);
                if (charge != null) {
                    return Optional.of(charge);
                }
            }
        }
        return Optional.empty();
    }

    private static String bucket(String provider, String model, String tokenType, LocalDate day) {
        return provider + "|" + model + "|" + tokenType + "|" + day;
    }
}
