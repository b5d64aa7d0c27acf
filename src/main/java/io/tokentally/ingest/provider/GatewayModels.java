package io.tokentally.ingest.provider;

import java.util.regex.Pattern;

/** Gateway model slugs ({@code provider/model}) as the usage format's provider and model. */
public final class GatewayModels {

    private static final Pattern DOTTED_VERSION = Pattern.compile("(\\d)\\.(\\d)");

    private GatewayModels() {}

    /**
     * Splits a slug; Anthropic versions written with dots ({@code claude-sonnet-4.5}) are read with
     * dashes, as Anthropic writes them. Other providers keep their dots ({@code gpt-4.1}).
     */
    static String[] split(String slug) {
        if (slug == null) {
            throw new RecordProblem("no model (a provider/model slug)");
        }
        int slash = slug.indexOf('/');
        if (slash <= 0 || slash == slug.length() - 1) {
            throw new RecordProblem("model '" + slug + "' is not a provider/model slug");
        }
        String provider = slug.substring(0, slash);
        String model = slug.substring(slash + 1);
        if (provider.equals("anthropic")) {
            model = dashedVersions(model);
        }
        return new String[] {provider, model};
    }

    /** An Anthropic model id with its dotted version written with dashes ({@code claude-sonnet-4.5} -> {@code 4-5}). */
    public static String dashedVersions(String model) {
        return DOTTED_VERSION.matcher(model).replaceAll("$1-$2");
    }
}
