package io.tokentally.ingest;

import java.nio.file.Path;

/**
 * A folder of usage files. Request ids are unique within a source, so dedup is by (source, request id).
 *
 * @param name the source's name, by default the folder's own name
 * @param root the folder, read recursively
 */
public record InputSource(String name, Path root) {

    /** Parses {@code name=path} or a bare {@code path}. */
    public static InputSource parse(String spec) {
        int equals = spec.indexOf('=');
        if (equals > 0) {
            return new InputSource(
                    spec.substring(0, equals).strip(),
                    Path.of(spec.substring(equals + 1).strip()));
        }
        Path root = Path.of(spec.strip());
        Path fileName = root.toAbsolutePath().normalize().getFileName();
        return new InputSource(fileName == null ? "input" : fileName.toString(), root);
    }

    public String spec() {
        return name + "=" + root;
    }
}
