package io.tokentally.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

/** The bench's work folder: refused when it holds files of its own, or when its disk has no room for the bench. */
final class BenchWorkFolder {

    /** About what a synthetic row takes in its usage file: 96 bytes (each night's file but the last is deleted). */
    private static final long LOG_BYTES_PER_ROW = 100;

    /** About what a synthetic row takes in the embedded database, which keeps every night's. */
    private static final long H2_BYTES_PER_ROW = 500;

    private BenchWorkFolder() {}

    /**
     * Refuses a work folder that is a file, or holds anything but the --prices and --plans files themselves: the
     * bench writes its usage, customers, database and run folders there, and its nights would read any other usage
     * file beside its own (counted in the figures, not in --rows) or write over it. An entry that cannot be compared
     * with those files (a broken link, one it may not read) is one of the folder's own.
     */
    static void requireNewOrEmpty(CommandLine command, Path folder, Path prices, Path plans) throws IOException {
        if (!Files.exists(folder, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        if (!Files.isDirectory(folder)) {
            throw new ParameterException(command, "--work-dir: " + folder + " is a file; give a new or empty folder");
        }
        List<Path> others = new ArrayList<>();
        try (Stream<Path> entries = Files.list(folder)) {
            for (Path entry : entries.sorted().toList()) {
                if (!isOneOf(entry, prices, plans)) {
                    others.add(entry);
                }
            }
        }
        if (others.isEmpty()) {
            return;
        }
        Path data = folder.resolve("data");
        Path shown = others.contains(data) ? data : others.get(0);
        String what = shown.equals(data)
                ? "data/, an earlier bench's database"
                : shown.getFileName() + (Files.isDirectory(shown) ? "/" : "");
        throw new ParameterException(
                command,
                "--work-dir: " + folder + " holds " + what + "; give a new or empty folder (it may hold the --prices"
                        + " and --plans files given, nothing else)");
    }

    private static boolean isOneOf(Path entry, Path prices, Path plans) {
        try {
            return Files.isSameFile(entry, prices) || Files.isSameFile(entry, plans);
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Refuses a bench whose usage files, and H2 database over {@code h2Nights} nights (0 on PostgreSQL), would not
     * fit on the disk of {@code folder}, or of its nearest folder that exists; a file there is refused as a work
     * folder.
     */
    static void requireRoom(CommandLine command, Path folder, long rows, int h2Nights) throws IOException {
        Path existing = folder.toAbsolutePath();
        while (!Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (!Files.isDirectory(existing)) {
            throw new ParameterException(
                    command, "--work-dir: " + existing + " is a file, so " + folder + " cannot be made under it");
        }
        long perRow = LOG_BYTES_PER_ROW + H2_BYTES_PER_ROW * h2Nights;
        long needed = rows > Long.MAX_VALUE / perRow ? Long.MAX_VALUE : rows * perRow;
        long free = Files.getFileStore(existing).getUsableSpace();
        if (needed > free) {
            throw new ParameterException(
                    command,
                    String.format(
                            "--rows: %,d rows%s need about %s in %s (%s); its disk has %s free",
                            rows,
                            h2Nights > 1 ? " a night for " + h2Nights + " nights" : "",
                            gigabytes(needed),
                            existing,
                            h2Nights > 0 ? "usage files and the H2 database" : "usage files",
                            gigabytes(free)));
        }
    }

    private static String gigabytes(long bytes) {
        return bytes == Long.MAX_VALUE ? "more than 9 EB" : String.format("%,.1f GB", bytes / 1e9);
    }
}
