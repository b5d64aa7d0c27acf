package io.tokentally.shared;

import java.util.Locale;
import java.util.Map;

/** Providers written by other names: Google's Gemini under its API's, AI Studio's and Vertex's names. */
public final class ProviderNames {

    private static final Map<String, String> ALIASES = Map.of(
            "gemini", "google",
            "google-ai-studio", "google",
            "vertex_ai", "google",
            "vertex", "google",
            "google-vertex", "google");

    private ProviderNames() {}

    /** The provider as prices name it: lower case, an alias replaced ({@code Gemini} is {@code google}). */
    public static String canonical(String provider) {
        String lower = provider.toLowerCase(Locale.ROOT);
        return ALIASES.getOrDefault(lower, lower);
    }
}
