package io.tokentally.ingest;

import io.tokentally.shared.FieldLength;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
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
     * Parses {@code name=path}, {@code name:role=path}, {@code :role=path} or a bare {@code path}. A path may hold
     * {@code =} (a Hive-style folder such as {@code /data/date=2024-06-01}): a spec that is itself a folder or file
     * that exists is a bare path; otherwise the name ends at the first {@code =} whose rest exists (so the spec of a
     * folder named with {@code =}, its default name, reads back as that folder), else at the first {@code =}.
     */
    public static InputSource parse(String spec) {
        int equals = nameEnd(spec);
        if (equals >= 0) {
            SourceRole.Named named = SourceRole.split(spec.substring(0, equals));
            Path root = Path.of(spec.substring(equals + 1).strip());
            return new InputSource(named.name() != null ? named.name() : folderName(root), root, named.role());
        }
        Path root = Path.of(spec.strip());
        return new InputSource(folderName(root), root);
    }

    private static int nameEnd(String spec) {
        int first = spec.indexOf('=');
        if (first < 0 || exists(spec)) {
            return -1;
        }
        for (int equals = first; equals >= 0; equals = spec.indexOf('=', equals + 1)) {
            if (exists(spec.substring(equals + 1))) {
                return equals;
            }
        }
        return first;
    }

    private static boolean exists(String path) {
        try {
            return Files.exists(Path.of(path.strip()));
        } catch (InvalidPathException e) {
            return false;
        }
    }

    /** Refuses a source name longer than {@link #MAX_NAME}, before anything is registered under it. */
    public static void requireKeptName(String name) {
        FieldLength.atMost("the source name", name, MAX_NAME);
    }

    private static String folderName(Path root) {
        Path fileName = root.toAbsolutePath().normalize().getFileName();
        return fileName == null ? "input" : fileName.toString();
    }

    /** The same source read from another folder path (e.g. made absolute). */
    public InputSource withRoot(Path otherRoot) {
        return new InputSource(name, otherRoot, role);
    }

    public String spec() {
        return role.suffixed(name) + "=" + root;
    }
}
