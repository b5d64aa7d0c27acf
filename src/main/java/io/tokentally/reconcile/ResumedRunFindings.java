package io.tokentally.reconcile;

import java.time.LocalDate;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The finding of a resumed run about the files dropped into its local input folders (and the objects put under its
 * S3 input prefixes, named by their {@code s3://} URIs) since it registered its files: it reads only those it
 * registered, so the others wait for the next run of the date, which registers them (and reads those whose content
 * was not ingested before). The message names the first ten; the evidence
 * names them all (up to {@value #FILES_IN_EVIDENCE}, fewer if their paths are very long), so that a later run that
 * saw every one of them resolves it ({@link #answeredBy}).
 */
public final class ResumedRunFindings {

    public static final String KIND = "FILES_NOT_READ_BY_RESUMED_RUN";
    static final int FILES_NAMED = 10;
    static final int FILES_IN_EVIDENCE = 500;
    /** What the paths in the evidence may take together, so that it fits the finding's evidence column. */
    static final int PATH_CHARS_IN_EVIDENCE = 40_000;

    private static final String ADDED = "added";
    private static final String KEY_PREFIX = "files-not-read-by-resumed-run:";

    private ResumedRunFindings() {}

    /** @param added the absolute paths of the files added, in folder order, then the objects' URIs, in key order */
    public static Finding filesNotRead(long run, LocalDate date, List<String> added) {
        Evidence evidence = new Evidence().number("files", added.size());
        int budget = PATH_CHARS_IN_EVIDENCE;
        for (String path : added.subList(0, Math.min(FILES_IN_EVIDENCE, added.size()))) {
            budget -= path.length();
            if (budget < 0) {
                break;
            }
            evidence.source(ADDED, path, null, null);
        }
        return new Finding(
                KEY_PREFIX + run,
                KIND,
                Finding.Severity.WARNING,
                added.size()
                        + " file(s) were added to the input folders or S3 prefixes after this run registered its files, and"
                        + " this resumed run does not read them: " + Listing.firstOf(added, FILES_NAMED, ", ")
                        + ". The next run of " + date + " with these inputs registers them (and reads those"
                        + " whose content was not ingested before)",
                evidence);
    }

    /** The run a finding of this kind is about, from its key. */
    public static long runOf(String key) {
        return Long.parseLong(key.substring(KEY_PREFIX.length()));
    }

    /**
     * Whether the files later runs saw, {@code seenPaths} (registered, or found registered already), answer a
     * finding of this kind with {@code evidence}: every file the finding counts was seen. A finding whose evidence
     * names fewer files than it counts (more than {@value #FILES_IN_EVIDENCE}, or very long paths) is answered by no
     * run.
     */
    public static boolean answeredBy(Map<String, Object> evidence, Collection<String> seenPaths) {
        return addedPaths(evidence).filter(seenPaths::containsAll).isPresent();
    }

    /** Every path the evidence names, or empty when it names fewer than it counts (or is not of this kind). */
    public static Optional<List<String>> addedPaths(Map<String, Object> evidence) {
        if (evidence == null
                || !(evidence.get("numbers") instanceof Map<?, ?> numbers)
                || !(numbers.get("files") instanceof Number files)
                || !(evidence.get("sources") instanceof List<?> sources)) {
            return Optional.empty();
        }
        List<String> paths = sources.stream()
                .filter(source -> source instanceof Map<?, ?> map && ADDED.equals(map.get("side")))
                .map(source -> String.valueOf(((Map<?, ?>) source).get("file")))
                .toList();
        return paths.size() == files.longValue() ? Optional.of(paths) : Optional.empty();
    }
}
