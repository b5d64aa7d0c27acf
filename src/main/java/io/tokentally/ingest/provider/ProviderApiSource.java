package io.tokentally.ingest.provider;

import io.tokentally.ingest.InputSource;
import io.tokentally.ingest.SourceRole;
import java.util.Locale;
import java.util.Optional;

/**
 * A provider's Admin API read as an input source: {@code name=api://openai} or {@code api://anthropic}
 * for the usage report (then the source is named {@code openai-api} or {@code anthropic-api}), and
 * {@code api://openai/costs} or {@code api://anthropic/costs} for the cost report (named
 * {@code openai-costs-api}, {@code anthropic-costs-api}), and {@code api://openai/embeddings} for OpenAI's
 * embeddings usage ({@code openai-embeddings-api}). The name may carry a role as a folder's does
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
        USAGE(""),
        COSTS("costs"),
        /** OpenAI's embeddings usage, a report of its own. */
        EMBEDDINGS("embeddings");

        /** The path after {@code api://<provider>/} that names it; none for the usage report. */
        private final String path;

        Report(String path) {
            this.path = path;
        }
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
                    + " api://anthropic, api://openai/costs, api://anthropic/costs or api://openai/embeddings, not '"
                    + location + "'");
        }
        Report report = parts.length == 1 ? Report.USAGE : report(parts[1]);
        boolean known =
                parts.length <= 2 && report != null && (report != Report.EMBEDDINGS || provider == Provider.OPENAI);
        if (!known) {
            throw new IllegalArgumentException("input '" + spec + "': after api://" + parts[0] + " only /costs (the"
                    + " cost report)" + (provider == Provider.OPENAI ? " or /embeddings (the embeddings usage)" : "")
                    + " may follow, not '" + location + "'");
        }
        String defaultName = provider.code() + (report.path.isEmpty() ? "" : "-" + report.path) + "-api";
        return Optional.of(
                new ProviderApiSource(name.name() != null ? name.name() : defaultName, provider, report, name.role()));
    }

    private static Report report(String path) {
        for (Report report : Report.values()) {
            if (!report.path.isEmpty() && report.path.equals(path)) {
                return report;
            }
        }
        return null;
    }

    /** The name of the format reader that reads this report's pages. */
    public String format() {
        return switch (report) {
            case USAGE ->
                provider == Provider.OPENAI ? OpenAiCompletionsUsageFormat.NAME : AnthropicMessagesUsageFormat.NAME;
            case COSTS -> provider == Provider.OPENAI ? OpenAiCostsFormat.NAME : AnthropicCostReportFormat.NAME;
            case EMBEDDINGS -> OpenAiEmbeddingsUsageFormat.NAME;
        };
    }

    public String spec() {
        return role.suffixed(name) + "=" + SCHEME + provider.code() + (report.path.isEmpty() ? "" : "/" + report.path);
    }
}
