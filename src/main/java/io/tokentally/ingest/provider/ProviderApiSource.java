package io.tokentally.ingest.provider;

import java.util.Locale;
import java.util.Optional;

/**
 * A provider's Admin API read as an input source: {@code name=api://openai} or {@code api://anthropic}
 * (then the source is named {@code openai-api} or {@code anthropic-api}). Each run pulls the usage
 * buckets of its window, saves the pages into the run folder and reads them like an exported file.
 */
public record ProviderApiSource(String name, Provider provider) {

    static final String SCHEME = "api://";

    /** The providers whose usage API can be pulled. */
    public enum Provider {
        OPENAI,
        ANTHROPIC;

        String code() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** The API source a spec names, or empty when it names a folder or an S3 prefix. */
    public static Optional<ProviderApiSource> parse(String spec) {
        int equals = spec.indexOf('=');
        String name = equals > 0 && !spec.substring(0, equals).contains("/")
                ? spec.substring(0, equals).strip()
                : null;
        String location =
                name == null ? spec.strip() : spec.substring(equals + 1).strip();
        if (!location.startsWith(SCHEME)) {
            return Optional.empty();
        }
        String code = location.substring(SCHEME.length()).replaceAll("/+$", "");
        Provider provider;
        try {
            provider = Provider.valueOf(code.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "input '" + spec + "': api:// sources are api://openai or api://anthropic, not '" + code + "'");
        }
        return Optional.of(new ProviderApiSource(name != null ? name : code + "-api", provider));
    }

    public String spec() {
        return name + "=" + SCHEME + provider.code();
    }
}
