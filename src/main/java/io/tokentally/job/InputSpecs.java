package io.tokentally.job;

import io.tokentally.ingest.InputSource;
import io.tokentally.ingest.RegisterFilesStepConfiguration;
import io.tokentally.ingest.S3Source;
import io.tokentally.ingest.provider.ProviderApiSource;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The usage inputs a run is given (the command line's {@code --input}, the REST API's {@code input}): a local
 * folder ({@code [NAME[:ROLE]=]FOLDER}), an S3 prefix or a provider's Admin API. One reading for both callers,
 * so an S3 prefix is never taken for a local path.
 */
public final class InputSpecs {

    private InputSpecs() {}

    /** The local folder an input reads, or empty for an S3 prefix or a provider's API. */
    public static Optional<Path> folder(String spec) {
        requireNoSeparator(spec);
        if (ProviderApiSource.parse(spec).isPresent() || S3Source.parse(spec).isPresent()) {
            return Optional.empty();
        }
        return Optional.of(InputSource.parse(spec).root());
    }

    /** The input as a run keeps it: a folder's path made absolute (a restart may run elsewhere), the rest as given. */
    public static String absolute(String spec) {
        requireNoSeparator(spec);
        Optional<ProviderApiSource> api = ProviderApiSource.parse(spec);
        if (api.isPresent()) {
            return api.get().spec();
        }
        return S3Source.parse(spec).map(S3Source::spec).orElseGet(() -> {
            InputSource source = InputSource.parse(spec);
            return source.withRoot(source.root().toAbsolutePath().normalize()).spec();
        });
    }

    /** @throws IllegalArgumentException for a spec holding {@code ;}, which separates the inputs a run keeps */
    private static void requireNoSeparator(String spec) {
        if (spec.indexOf(RegisterFilesStepConfiguration.INPUT_SEPARATOR) >= 0) {
            throw new IllegalArgumentException("holds '" + RegisterFilesStepConfiguration.INPUT_SEPARATOR
                    + "', which separates a run's inputs in its job parameters");
        }
    }
}
