package io.tokentally.ingest.provider;

import io.tokentally.ingest.InputSource;
import io.tokentally.ingest.SourceRole;
import java.util.Locale;
import java.util.Optional;

/**
 * A provider's Admin API read as an input source: {@code name=api://openai} or {@code api://anthropic}
 * for the usage report (then the source is named {@code openai-api} or {@code anthropic-api}), and
 * {@code api://openai/costs} or {@code api://anthropic/costs} for the cost report (named
 * {@code openai-costs-api}, {@code anthropic-costs-api}). The name may carry a role as a folder's does
 * ({@code providers:cost=api://openai}). Each run pulls the window's buckets, saves the pages into the
 * run folder and reads them like an exported file.
 *
 * @param role what the pulled usage is for (billable unless the spec says otherwise); cost reports are
 *     provider costs whatever the role
 */
public record ProviderApiSource(String name, Provider provider, Report report, SourceRole role) {

    static final String SCHEME = "api://";

    public ProviderApiSource {
        InputSource.requireKeptName(name);
    }

    /** The providers whose usage and cost reports can be pulled. */
    public enum Provider {
        OPENAI,
        ANTHROPIC;

        String code() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Which report of the provider's Admin API. */
    public enum Report {
        USAGE,
        COSTS
    }

    /** The API source a spec names, or empty when it names a folder or an S3 prefix. */
    public static Optional<ProviderApiSource> parse(String spec) {
        int equals = spec.indexOf('=');
        boolean named = equals >= 0 && !spec.substring(0, equals).contains("/");
        String location = named ? spec.substring(equals + 1).strip() : spec.strip();
        if (!location.startsWith(SCHEME)) {
            return Optional.empty();
        }
        SourceRole.Named name = SourceRole.split(named ? spec.substring(0, equals) : "");
        String[] parts =
                location.substring(SCHEME.length()).replaceAll("/+$", "").split("/", -1);
        Provider provider;
        try {
            provider = Provider.valueOf(parts[0].toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("input '" + spec + "': api:// sources are api://openai,"
                    + " api://anthropic, api://openai/costs or api://anthropic/costs, not '" + location + "'");
        }
        if (parts.length > 2 || parts.length == 2 && !parts[1].equals("costs")) {
            throw new IllegalArgumentException("input '" + spec + "': after api://" + parts[0]
                    + " only /costs may follow (the cost report), not '" + location + "'");
        }
        Report report = parts.length == 2 ? Report.COSTS : Report.USAGE;
        String defaultName = provider.code() + (report == Report.COSTS ? "-costs" : "") + "-api";
        return Optional.of(
                new ProviderApiSource(name.name() != null ? name.name() : defaultName, provider, report, name.role()));
    }

    public String spec() {
        return role.suffixed(name) + "=" + SCHEME + provider.code() + (report == Report.COSTS ? "/costs" : "");
    }
}
