package io.tokentally.ingest;

import io.tokentally.shared.FieldLength;
import java.nio.file.Path;

/**
 * A folder of usage files. Request ids are unique within a source, so dedup is by (source, request id).
 *
 * @param name the source's name, by default the folder's own name
 * @param root the folder, read recursively
 * @param role what the source's usage is for (billable unless the spec says otherwise)
 */
public record InputSource(String name, Path root, SourceRole role) {

    /** The longest source name tokentally keeps (a folder's, an S3 prefix's or an API's). */
    public static final int MAX_NAME = 200;

    public InputSource {
        requireKeptName(name);
    }

    /** A billable source. */
    public InputSource(String name, Path root) {
        this(name, root, SourceRole.BILLABLE);
    }

    /**
     * Parses {@code name=path}, {@code name:role=path}, {@code :role=path} or a bare {@code path}. The name is what
     * comes before the first {@code =} unless that part holds a path separator: a path holding {@code =} (a Hive-style
     * {@code /data/gateway/date=2026-11-27}) is a bare path (write {@code ./date=2026-11-27} for one in the working
     * folder). A source's default name is its folder's, or for a partition folder ({@code key=value}) the nearest
     * folder above it that is not one ({@code gateway}): the same source every day, and a name without {@code =}, so
     * that the spec a run stores reads back as it was.
     */
    public static InputSource parse(String spec) {
        int equals = spec.indexOf('=');
        if (equals >= 0 && !holdsSeparator(spec.substring(0, equals))) {
            SourceRole.Named named = SourceRole.split(spec.substring(0, equals));
            Path root = root(spec.substring(equals + 1));
            return new InputSource(named.name() != null ? named.name() : folderName(root), root, named.role());
        }
        Path root = root(spec);
        return new InputSource(folderName(root), root);
    }

    /** @throws IllegalArgumentException for an empty path, which would read the working folder */
    private static Path root(String path) {
        if (path.isBlank()) {
            throw new IllegalArgumentException(
                    "no folder given (an empty path would read the working folder; write . for it)");
        }
        return Path.of(path.strip());
    }

    private static boolean holdsSeparator(String text) {
        return text.indexOf('/') >= 0 || text.indexOf('\\') >= 0;
    }

    /** Refuses a source name longer than {@link #MAX_NAME}, before anything is registered under it. */
    public static void requireKeptName(String name) {
        FieldLength.atMost("the source name", name, MAX_NAME);
    }

    private static String folderName(Path root) {
        for (Path folder = root.toAbsolutePath().normalize(); folder != null; folder = folder.getParent()) {
            Path fileName = folder.getFileName();
            if (fileName != null && fileName.toString().indexOf('=') < 0) {
                return fileName.toString();
            }
        }
        return "input";
    }

    /** The same source read from another folder path (e.g. made absolute). */
    public InputSource withRoot(Path otherRoot) {
        return new InputSource(name, otherRoot, role);
    }

    public String spec() {
        return role.suffixed(name) + "=" + root;
    }
}
