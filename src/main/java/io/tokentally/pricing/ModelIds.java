package io.tokentally.pricing;

import io.tokentally.ingest.provider.GatewayModels;
import io.tokentally.shared.ProviderNames;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** The rules that turn provider and model names as written into canonical ids (usage-formats.md §7). */
final class ModelIds {

    /**
     * Providers as written that host or route other vendors' models (gateways and clouds): a model they name
     * by its vendor is that vendor's, priced as the vendor's own.
     */
    private static final Set<String> HOSTS = Set.of(
            "openrouter",
            "vercel_ai_gateway",
            "vercel",
            "bedrock",
            "bedrock_converse", // LiteLLM's provider of Bedrock's Converse API
            "vertex_ai",
            "vertex",
            "google-vertex");

    /** Vendors as gateways prefix their model ids ({@code openai/gpt-4o} on OpenRouter), before aliases. */
    private static final List<String> VENDORS = List.of("openai", "anthropic", "google", "gemini");

    private static final List<String> GATEWAY_PREFIXES = List.of("openrouter/", "vercel_ai_gateway/");

    /** Prefixes a model id may carry before the vendor's own id: gateways', vendors' and others, in any order. */
    private static final List<String> MODEL_PREFIXES = Stream.of(
                    GATEWAY_PREFIXES.stream(),
                    VENDORS.stream().map(vendor -> vendor + "/"),
                    Stream.of("vertex_ai/", "models/", "bedrock/", "bedrock_converse/"))
            .flatMap(prefixes -> prefixes)
            .toList();

    /** Bedrock's cross-region inference prefixes and its vendor prefix: {@code us.anthropic.claude-…}. */
    private static final Pattern BEDROCK_PREFIX = Pattern.compile(
            "^(?:[a-z]{2}(?:-[a-z]+)+-\\d/)?(?:(?:us|eu|global|jp|au|apac|us-gov)\\.)?anthropic\\.(?=claude)");

    private static final List<Pattern> SNAPSHOT_SUFFIXES = List.of(
            Pattern.compile("-\\d{4}-\\d{2}-\\d{2}$"),
            Pattern.compile("-\\d{8}$"),
            Pattern.compile("@\\d{8}$"),
            Pattern.compile("@default$"),
            Pattern.compile("-v\\d+(:\\d+)?$"));

    /** Vertex AI's date of an Anthropic snapshot: {@code claude-sonnet-4@20250514}. */
    private static final Pattern AT_DATE = Pattern.compile("@(\\d{8})$");

    /**
     * The suffix of an id billed at a multiple of its model's price: Anthropic fast mode and US-only inference
     * ({@code claude-opus-4-8:fast}, {@code :us}, {@code :fast:us}). It follows the model as written, after a date.
     */
    private static final Pattern MULTIPLIED = Pattern.compile("(?::fast)?(?::us)?$");

    private ModelIds() {}

    /** The multiplier suffix of a model id ({@code :fast}, {@code :us}, {@code :fast:us}), or "". */
    static String multiplierOf(String model) {
        Matcher suffix = MULTIPLIED.matcher(model);
        return suffix.find() ? suffix.group() : "";
    }

    /**
     * The provider whose prices a model as written takes: for a gateway or cloud host, the vendor its model
     * id names, by prefix ({@code openai/gpt-4o} on OpenRouter, {@code google/gemini-2.5-pro} on Vercel) or,
     * for Claude, by name ({@code us.anthropic.claude-…} on Bedrock, {@code claude-…@20250929} on Vertex);
     * otherwise the provider as written.
     */
    static String vendorOf(String provider, String model) {
        if (!HOSTS.contains(provider.toLowerCase(Locale.ROOT))) {
            return provider;
        }
        String id = model.toLowerCase(Locale.ROOT);
        for (String gateway : GATEWAY_PREFIXES) {
            if (id.startsWith(gateway)) {
                id = id.substring(gateway.length());
            }
        }
        for (String vendor : VENDORS) {
            if (id.startsWith(vendor + "/")) {
                return ProviderNames.canonical(vendor);
            }
        }
        return stripPrefixes(id).startsWith("claude-") ? "anthropic" : provider;
    }

    /**
     * The id usage written as {@code provider/model} is priced under, before snapshot suffixes are resolved; empty
     * when that is the id itself, as a price's model must be for usage to take it. The alias rules move
     * {@code gemini/…} to {@code google/…}, a host's vendor model ({@code openrouter/openai/gpt-4.1},
     * {@code bedrock/claude-…}) to the vendor and drop prefixes such as {@code models/}.
     */
    static Optional<String> pricedElsewhere(String id) {
        int slash = id.indexOf('/');
        String written = id.substring(0, slash);
        String model = id.substring(slash + 1);
        String provider = ProviderNames.canonical(vendorOf(written, model));
        String priced = provider + "/" + bareModel(provider, model);
        // as the catalog's look-up, which also takes the model with its prefixes removed but undashed
        boolean taken = id.equals(priced) || id.equals(provider + "/" + stripPrefixes(model));
        return taken ? Optional.empty() : Optional.of(priced);
    }

    /**
     * The model as written without provider prefixes, lower case, and for Anthropic with its dotted version
     * written with dashes, as Anthropic writes it ({@code claude-sonnet-4.5} from a gateway is
     * {@code claude-sonnet-4-5}).
     */
    static String bareModel(String provider, String model) {
        String id = model.toLowerCase(Locale.ROOT);
        String own = provider + "/";
        // the provider's own prefix, for providers the rules know no prefixes of ("azure/gpt-4o" from azure)
        String bare = stripPrefixes(id.startsWith(own) && id.length() > own.length() ? id.substring(own.length()) : id);
        return provider.equals("anthropic") ? GatewayModels.dashedVersions(bare) : bare;
    }

    /** The model as written without provider prefixes, lower case. */
    static String stripPrefixes(String model) {
        String id = model.toLowerCase(Locale.ROOT);
        boolean stripped = true;
        while (stripped) {
            stripped = false;
            for (String prefix : MODEL_PREFIXES) {
                if (id.startsWith(prefix) && id.length() > prefix.length()) {
                    id = id.substring(prefix.length());
                    stripped = true;
                }
            }
        }
        return BEDROCK_PREFIX.matcher(id).replaceFirst("");
    }

    /**
     * A Claude snapshot written with Vertex AI's date ({@code claude-sonnet-4@20250514}) as Anthropic writes it
     * ({@code claude-sonnet-4-20250514}), so the one snapshot has one price, its own if it has one, however a host
     * writes it; empty for a model written otherwise. (A price of the id as Vertex writes it, the exact key, still
     * comes first: usage-formats.md §7's order.)
     */
    static Optional<String> dashedDate(String model) {
        Matcher date = AT_DATE.matcher(model);
        return date.find() && date.start() > 0
                ? Optional.of(model.substring(0, date.start()) + "-" + date.group(1))
                : Optional.empty();
    }

    /**
     * The model without its last snapshot suffix, if it has one. Bedrock ids carry two
     * ({@code claude-haiku-4-5-20251001-v1:0}): call it again on the result for the next.
     */
    static Optional<String> withoutSnapshot(String model) {
        for (Pattern suffix : SNAPSHOT_SUFFIXES) {
            String base = suffix.matcher(model).replaceFirst("");
            if (!base.equals(model) && !base.isEmpty()) {
                return Optional.of(base);
            }
        }
        return Optional.empty();
    }
}
