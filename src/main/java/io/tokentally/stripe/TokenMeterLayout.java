package io.tokentally.stripe;

import io.tokentally.plans.Plan;
import io.tokentally.pricing.Price;
import io.tokentally.shared.Amounts;
import io.tokentally.shared.ContextTier;
import io.tokentally.shared.ServiceTier;
import io.tokentally.shared.Sha256;
import io.tokentally.shared.TokenType;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The {@code tokens} meter layout: one meter per (model, token type) whose value is the token count,
 * and one metered Stripe price per meter and price version with the plan's markup included. Names
 * and lookup keys are derived only from the model, the token type, the version's effective instant,
 * the plan and the unit amount, so every run finds what an earlier run created.
 */
public final class TokenMeterLayout {

    /** Stripe's limit on a meter's event name. */
    static final int MAX_EVENT_NAME = 100;
    /** Stripe's limit on a price's lookup key. */
    static final int MAX_LOOKUP_KEY = 200;
    /** Stripe's limit on the items of one subscription. */
    public static final int MAX_SUBSCRIPTION_ITEMS = 20;
    /** The plan part of lookup keys when no plan is named: the provider's price, no markup. */
    public static final String NO_PLAN = "list";

    private static final Pattern PLAIN_MODEL = Pattern.compile("[a-z0-9-]+/[a-z0-9-]+");
    private static final DateTimeFormatter VERSION =
            DateTimeFormatter.ofPattern("uuuuMMddHHmmss").withZone(ZoneOffset.UTC);

    private final String prefix;
    private final Set<String> tiers;

    /** The layout of standard-tier, standard-context prices only. */
    public TokenMeterLayout(String prefix) {
        this(prefix, Set.of());
    }

    /**
     * @param tiers the other tiers that get meters and prices of their own: {@code batch},
     *     {@code priority}, {@code flex} (service tiers) and {@code long} (long-context prices)
     */
    public TokenMeterLayout(String prefix, Collection<String> tiers) {
        this.prefix = prefix;
        this.tiers = Set.copyOf(tiers);
    }

    /** Whether prices (and usage) of this service and context tier have meters in this layout. */
    public boolean provisions(ServiceTier serviceTier, ContextTier contextTier) {
        return (serviceTier == ServiceTier.STANDARD || tiers.contains(serviceTier.code()))
                && (contextTier == ContextTier.STANDARD || tiers.contains("long"));
    }

    /**
     * One Stripe price of the layout.
     *
     * @param current whether this version is in force at the instant asked for (a later one is scheduled)
     */
    public record TokenPrice(
            String model,
            TokenType tokenType,
            ServiceTier serviceTier,
            ContextTier contextTier,
            String eventName,
            String displayName,
            long priceVersionId,
            Instant effectiveFrom,
            BigDecimal usdPerMillion,
            BigDecimal markupPercent,
            BigDecimal centsPerUnit,
            String lookupKey,
            boolean current) {}

    /**
     * The meter of a model's token type: {@code <prefix>_<provider>_<model>_<token type>}, where every
     * character but a-z, 0-9 and '-' becomes '_'. When that could be ambiguous (the model has other
     * characters than a lower-case provider/name of a-z, 0-9 and '-') or too long for Stripe, eight hex
     * digits of the model id's SHA-256 follow the model part, so two models never share a meter.
     */
    public String eventName(String model, TokenType tokenType) {
        return eventName(model, tokenType, ServiceTier.STANDARD, ContextTier.STANDARD);
    }

    /**
     * The meter of a model's token type in a service and context tier: a standard one's name, or with
     * the tiers before the token type ({@code _batch_input}, {@code _long_output},
     * {@code _batch_long_input}).
     */
    public String eventName(String model, TokenType tokenType, ServiceTier serviceTier, ContextTier contextTier) {
        String sanitized = model.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9-]", "_");
        String suffix = "_" + tierPart(serviceTier, contextTier) + tokenType.code();
        boolean plain = PLAIN_MODEL.matcher(model).matches();
        String name = prefix + "_" + sanitized + suffix;
        if (plain && name.length() <= MAX_EVENT_NAME) {
            return name;
        }
        String hash = "_" + Sha256.hex(model).substring(0, 8);
        int room = MAX_EVENT_NAME - prefix.length() - 1 - hash.length() - suffix.length();
        return prefix + "_" + sanitized.substring(0, Math.min(room, sanitized.length())) + hash + suffix;
    }

    /**
     * The token type a meter of this layout counts: its event name ends with the type's code.
     *
     * @throws IllegalArgumentException for an event name that is not one of this layout's meters
     */
    public static TokenType tokenTypeOf(String eventName) {
        TokenType found = null;
        for (TokenType type : TokenType.values()) {
            boolean matches = eventName.endsWith("_" + type.code());
            if (matches && (found == null || type.code().length() > found.code().length())) {
                found = type;
            }
        }
        if (found == null) {
            throw new IllegalArgumentException(eventName + " is not a meter of the tokens layout");
        }
        return found;
    }

    private static String tierPart(ServiceTier serviceTier, ContextTier contextTier) {
        return (serviceTier == ServiceTier.STANDARD ? "" : serviceTier.code() + "_")
                + (contextTier == ContextTier.LONG ? "long_" : "");
    }

    /** Stripe's display name of a meter. */
    public static String displayName(String model, TokenType tokenType) {
        return model + " " + tokenType.code().replace('_', ' ') + (tokenType.isUnit() ? "" : " tokens");
    }

    private static String displayName(Price price) {
        String tiers = (price.serviceTier() == ServiceTier.STANDARD
                        ? ""
                        : ", " + price.serviceTier().code())
                + (price.contextTier() == ContextTier.LONG ? ", long context" : "");
        return displayName(price.model(), price.tokenType()) + (tiers.isEmpty() ? "" : " (" + tiers.substring(2) + ")");
    }

    /**
     * The lookup key of a price: the meter, the version's effective instant, the plan and eight hex
     * digits of the unit amount's SHA-256 (a changed markup is a different price too). Too long for
     * Stripe, it keeps its head and ends with a hash of the whole.
     */
    public static String lookupKey(String eventName, Instant effectiveFrom, String planId, BigDecimal centsPerUnit) {
        String plan = planId.replaceAll("[^A-Za-z0-9_-]", "_");
        String amount = Sha256.hex(Amounts.toText(centsPerUnit)).substring(0, 8);
        String key = eventName + "_" + VERSION.format(effectiveFrom) + "_" + plan + "_" + amount;
        if (key.length() <= MAX_LOOKUP_KEY) {
            return key;
        }
        return key.substring(0, MAX_LOOKUP_KEY - 17) + "_" + Sha256.hex(key).substring(0, 16);
    }

    /**
     * The prices the listed models need under a plan ({@code plan} null: no markup), from the catalog's
     * versions as that plan sees them: for each model and each token type with a price of its own in
     * a tier this layout {@link #provisions}, the version in force at {@code at} and every later one.
     * Fallbacks (a cache read billed at the input price) are not provisioned.
     *
     * @throws IllegalArgumentException naming a listed model the catalog has no price for
     */
    public List<TokenPrice> prices(List<String> models, List<Price> versions, Plan plan, Instant at) {
        List<TokenPrice> prices = new ArrayList<>();
        for (String model : models) {
            Map<String, List<Price>> bySlot = new TreeMap<>();
            boolean standard = false;
            for (Price price : versions) {
                if (price.model().equals(model) && provisions(price.serviceTier(), price.contextTier())) {
                    bySlot.computeIfAbsent(slot(price), slot -> new ArrayList<>())
                            .add(price);
                    standard |=
                            price.serviceTier() == ServiceTier.STANDARD && price.contextTier() == ContextTier.STANDARD;
                }
            }
            if (!standard) {
                throw new IllegalArgumentException("model " + model
                        + " has no standard price in the price catalog; load the prices file (--prices) or"
                        + " sync a feed first");
            }
            bySlot.values().forEach(list -> prices.addAll(forSlot(model, list, plan, at)));
        }
        return prices;
    }

    /** Token type, service tier and context tier, in that order of sorting. */
    private static String slot(Price price) {
        return price.tokenType().ordinal() + "|" + price.serviceTier().ordinal() + "|"
                + price.contextTier().ordinal();
    }

    private List<TokenPrice> forSlot(String model, List<Price> versions, Plan plan, Instant at) {
        Price first = versions.get(0);
        TokenType tokenType = first.tokenType();
        versions.sort(Comparator.comparing(Price::effectiveFrom));
        Instant inForce = inForceSince(versions, at);
        String eventName = eventName(model, tokenType, first.serviceTier(), first.contextTier());
        String planId = plan == null ? NO_PLAN : plan.planId();
        BigDecimal markup = markup(plan, model);
        List<TokenPrice> prices = new ArrayList<>();
        for (Price price : versions) {
            if (inForce != null && price.effectiveFrom().isBefore(inForce)) {
                continue;
            }
            BigDecimal cents = Amounts.centsPerUnit(price.usdPerMillion(), markup);
            prices.add(new TokenPrice(
                    model,
                    tokenType,
                    first.serviceTier(),
                    first.contextTier(),
                    eventName,
                    displayName(price),
                    price.priceId(),
                    price.effectiveFrom(),
                    price.usdPerMillion(),
                    markup,
                    cents,
                    lookupKey(eventName, price.effectiveFrom(), planId, cents),
                    price.effectiveFrom().equals(inForce)));
        }
        return prices;
    }

    /** When the version in force at {@code at} took effect, or null if none had yet; {@code versions} are sorted. */
    private static Instant inForceSince(List<Price> versions, Instant at) {
        Instant inForce = null;
        for (Price price : versions) {
            if (!price.effectiveFrom().isAfter(at)) {
                inForce = price.effectiveFrom();
            }
        }
        return inForce;
    }

    /** The plan's markup on the model (by its provider and id), none without a plan. */
    private static BigDecimal markup(Plan plan, String model) {
        return plan == null ? BigDecimal.ZERO : plan.markupFor(model.substring(0, model.indexOf('/')), model);
    }

    /**
     * The lookup keys of the versions before the one in force at {@code at}: prices an earlier run may
     * have created, which the current ones supersede (meter event name → their keys).
     */
    public Map<String, List<String>> supersededKeys(List<TokenPrice> wanted, List<Price> versions, Plan plan) {
        Map<String, List<String>> superseded = new TreeMap<>();
        String planId = plan == null ? NO_PLAN : plan.planId();
        for (TokenPrice price : wanted) {
            if (!price.current()) {
                continue;
            }
            for (Price older : versions) {
                if (older.model().equals(price.model())
                        && older.tokenType() == price.tokenType()
                        && older.serviceTier() == price.serviceTier()
                        && older.contextTier() == price.contextTier()
                        && older.effectiveFrom().isBefore(price.effectiveFrom())) {
                    BigDecimal cents = Amounts.centsPerUnit(older.usdPerMillion(), price.markupPercent());
                    superseded
                            .computeIfAbsent(price.eventName(), name -> new ArrayList<>())
                            .add(lookupKey(price.eventName(), older.effectiveFrom(), planId, cents));
                }
            }
        }
        return superseded;
    }
}
