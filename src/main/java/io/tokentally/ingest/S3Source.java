package io.tokentally.ingest;

import java.util.Optional;

/**
 * A prefix of an S3 bucket read as an input source: {@code name=s3://bucket/prefix},
 * {@code name:role=s3://bucket/prefix} or {@code s3://bucket/prefix} (then the source is named after the
 * bucket and prefix, and is billable).
 */
public record S3Source(String name, String bucket, String prefix, SourceRole role) {

    static final String SCHEME = "s3://";

    public S3Source {
        InputSource.requireKeptName(name);
    }

    /** A billable source. */
    public S3Source(String name, String bucket, String prefix) {
        this(name, bucket, prefix, SourceRole.BILLABLE);
    }

    /**
     * The S3 source a spec names, or empty when it names a local folder. The name is what comes before the first
     * {@code =} that an {@code s3://} location follows, so the spec of a source named after its bucket and prefix
     * ({@code bucket/prefix=s3://bucket/prefix}, what a run stores of {@code s3://bucket/prefix}) reads back as S3.
     */
    public static Optional<S3Source> parse(String spec) {
        int equals = spec.indexOf('=');
        while (equals >= 0 && !spec.substring(equals + 1).strip().startsWith(SCHEME)) {
            equals = spec.indexOf('=', equals + 1);
        }
        boolean named = equals >= 0;
        String location = named ? spec.substring(equals + 1).strip() : spec.strip();
        if (!location.startsWith(SCHEME)) {
            return Optional.empty();
        }
        SourceRole.Named name =
                named ? SourceRole.split(spec.substring(0, equals)) : new SourceRole.Named(null, SourceRole.BILLABLE);
        String rest = location.substring(SCHEME.length());
        int slash = rest.indexOf('/');
        String bucket = slash < 0 ? rest : rest.substring(0, slash);
        String prefix = slash < 0 ? "" : rest.substring(slash + 1);
        if (bucket.isBlank()) {
            throw new IllegalArgumentException("S3 source '" + spec + "' names no bucket");
        }
        return Optional.of(
                new S3Source(name.name() != null ? name.name() : bucket + "/" + prefix, bucket, prefix, name.role()));
    }

    String uri(String key) {
        return SCHEME + bucket + "/" + key;
    }

    public String spec() {
        return role.suffixed(name) + "=" + SCHEME + bucket + "/" + prefix;
    }
}
