package io.tokentally.ingest;

import java.io.EOFException;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.zip.ZipException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Walks the input folders and registers what it finds: new content for this run to ingest, content
 * already ingested (skipped), changed files (reported) and files no reader recognizes (reported).
 */
@Component
public class FileScanner {

    private static final Logger log = LoggerFactory.getLogger(FileScanner.class);

    /** The encoding this JVM reads file names in, from its locale. */
    private static final String NAMES_ENCODING = System.getProperty("sun.jnu.encoding", "UTF-8");

    /** How much of an unrecognized file's text its detail quotes. */
    private static final int HEAD_CHARS = 80;

    private final FileRegistry registry;
    private final UsageFormats formats;

    public FileScanner(FileRegistry registry, UsageFormats formats) {
        this.registry = registry;
        this.formats = formats;
    }

    /**
     * Registers the files of every source for {@code run}; returns how many files this run must read. A file whose
     * path the registry cannot keep refuses the run before any file is registered.
     */
    public int scan(long run, List<InputSource> sources) throws IOException {
        List<List<Path>> files = new ArrayList<>();
        for (InputSource source : sources) {
            if (!Files.isDirectory(source.root())) {
                throw new IllegalArgumentException(
                        "input folder " + source.root().toAbsolutePath() + " (source '" + source.name()
                                + "') does not exist or is not a folder");
            }
            List<Path> found = filesUnder(source.root(), log::info);
            found.forEach(file -> refuseIfItsPathIsNotText(source, file));
            files.add(found);
        }
        int pending = 0;
        for (int i = 0; i < sources.size(); i++) {
            for (Path file : files.get(i)) {
                if (scanFileStillThere(run, sources.get(i), file)) {
                    pending++;
                }
            }
        }
        return pending;
    }

    /**
     * Refuses a file whose path holds bytes that are not UTF-8 (a name written in another encoding): the registry keeps
     * paths as text, and the ingest step, which opens a file by its registered path, could not open it (hunt DJ: the
     * run failed at that step, naming no reason, and every run of the date after it the same way, renamed or not).
     */
    private static void refuseIfItsPathIsNotText(InputSource source, Path file) {
        if (!file.equals(file.getFileSystem().getPath(file.toString()))) {
            throw new IllegalArgumentException("input file " + absolute(file) + " (source '" + source.name()
                    + "') has a name that is not UTF-8 (shown with U+FFFD for the bytes that are not): paths are"
                    + " kept as text, by which it could not be opened again; rename it, or move it out of the"
                    + " input, and run the date again"
                    + (NAMES_ENCODING.replace("-", "").equalsIgnoreCase("UTF8")
                            ? ""
                            : " (this JVM reads file names as " + NAMES_ENCODING
                                    + ": run it with a UTF-8 locale, LANG=C.UTF-8)"));
        }
    }

    /**
     * Registers a file as {@link #scanFile} does, unless it was removed or moved after its folder was listed (a log
     * rotated, a file cleaned up): then the log names it and the run goes on without it, as without a link that leads
     * nowhere; a later run reads what is there then. Only files are read before anything is registered of one.
     */
    private boolean scanFileStillThere(long run, InputSource source, Path file) throws IOException {
        try {
            return scanFile(run, source, file);
        } catch (NoSuchFileException e) {
            if (!file.toString().equals(e.getFile()) && !absolute(file).equals(e.getFile())) {
                throw e;
            }
            log.warn("{} was removed or moved after its folder was listed and is not read by this run", absolute(file));
            return false;
        }
    }

    /**
     * The absolute paths of the files of the local folders of {@code sources} that {@code run} did not register: for
     * a resumed run, those added since it registered its files. A folder gone since is skipped.
     */
    public List<String> notRegisteredBy(long run, List<InputSource> sources) throws IOException {
        Set<String> registered = pathsRegisteredBy(run);
        List<String> added = new ArrayList<>();
        for (InputSource source : sources) {
            if (Files.isDirectory(source.root())) {
                for (Path file : filesUnder(source.root(), skipped -> {})) {
                    String path = absolute(file);
                    if (!registered.contains(path)) {
                        added.add(path);
                    }
                }
            }
        }
        return added;
    }

    /** The paths {@code run} registered its files under, as reports name them: absolute paths and {@code s3://} URIs. */
    Set<String> pathsRegisteredBy(long run) {
        return registry.filesOfRun(run).stream().map(RunFile::path).collect(Collectors.toSet());
    }

    /** The usage files under {@code root} ({@link InputFolders}): every file but the purchases feeds. */
    private static List<Path> filesUnder(Path root, Consumer<String> onSkipped) throws IOException {
        return InputFolders.files(root, onSkipped).stream()
                .filter(path -> !InputFiles.isPurchasesFeed(path.getFileName().toString()))
                .toList();
    }

    private boolean scanFile(long run, InputSource source, Path file) throws IOException {
        Long changedFrom = registry.findLatestReadByPath(source.name(), absolute(file))
                .map(RegisteredFile::fileId)
                .orElse(null);
        return register(run, source.name(), file, changedFrom).pending();
    }

    /** What registering one file found: its id in the registry, and whether this run must read it. */
    record Registration(long fileId, boolean pending) {}

    /** Registers a local file under its absolute path (see the private {@code register}). */
    Registration register(long run, String source, Path file, Long changedFrom) throws IOException {
        return register(run, source, absolute(file), file, false, changedFrom, null);
    }

    /** Registers the staged copy of an S3 object under the object's URI (see the private {@code register}). */
    Registration registerStaged(long run, String source, String uri, Path staged, Long changedFrom) throws IOException {
        return register(run, source, uri, staged, true, changedFrom, null);
    }

    /**
     * Registers the pages a run pulled from a provider's API, read by the reader of the report they are ({@code
     * format}) rather than by what their content shows: a quiet day's pages hold no usage to tell their report by.
     */
    Registration registerPulled(long run, String source, Path pages, String format) throws IOException {
        return register(run, source, absolute(pages), pages, false, null, formats.named(format));
    }

    /**
     * Registers one file under {@code shownPath}, the name reports give it; a {@code staged} file is the local
     * copy of what that name names, recorded as its staged path. New content is registered for this run;
     * content registered before is recorded as already ingested (or, on a restart, as this run's own). A file of a
     * {@code pulledFormat} is not detected, only opened with that format's reader.
     */
    private Registration register(
            long run,
            String source,
            String shownPath,
            Path file,
            boolean staged,
            Long changedFrom,
            UsageFormat pulledFormat)
            throws IOException {
        String path = absolute(file);
        String checksum = sha256(file);
        Optional<RegisteredFile> known = registry.findByChecksum(checksum);
        if (known.isPresent()) {
            return registerKnown(run, source, shownPath, path, known.get());
        }
        Detection detection = pulledFormat == null ? detect(file) : opened(file, pulledFormat);
        long fileId = registry.register(
                source,
                shownPath,
                staged ? path : null,
                checksum,
                Files.size(file),
                detection.format,
                detection.status,
                detection.detail,
                changedFrom,
                run);
        registry.recordSeen(
                run, source, shownPath, fileId, changedFrom == null ? RunFileOutcome.NEW : RunFileOutcome.CHANGED);
        warnIfChangedOrNotIngested(shownPath, changedFrom, detection);
        return new Registration(fileId, detection.status == FileStatus.PENDING);
    }

    private static void warnIfChangedOrNotIngested(String shownPath, Long changedFrom, Detection detection) {
        if (changedFrom != null) {
            log.warn(
                    "{} changed since it was ingested as file {}: only rows with new request ids will count",
                    shownPath,
                    changedFrom);
        }
        if (detection.status != FileStatus.PENDING) {
            log.warn("{} not ingested: {}", shownPath, detection.detail);
        }
    }

    private static String absolute(Path file) {
        return file.toAbsolutePath().normalize().toString();
    }

    /** {@code path} is the local file's: a restart registers the same file again, by whatever name it is shown. */
    private Registration registerKnown(long run, String source, String shownPath, String path, RegisteredFile seen) {
        boolean ownedByThisRun =
                seen.ingestRun() == run && seen.localFile().toString().equals(path);
        RunFileOutcome outcome = ownedByThisRun
                ? (seen.changedFromFileId() == null ? RunFileOutcome.NEW : RunFileOutcome.CHANGED)
                : RunFileOutcome.ALREADY_INGESTED;
        registry.recordSeen(run, source, shownPath, seen.fileId(), outcome);
        if (!ownedByThisRun) {
            log.info(
                    "Skipping {}: the same content was registered as file {} ({})",
                    shownPath,
                    seen.fileId(),
                    seen.path());
        }
        return new Registration(seen.fileId(), ownedByThisRun && seen.status() == FileStatus.PENDING);
    }

    /** What {@code file} is: its format and whether it can be read, or why not. */
    Detection detect(Path file) {
        try {
            if (InputFiles.isGzip(file)) {
                GzipMembers.checkWhole(file);
            }
            Optional<UsageFormat> format = formats.detect(file);
            if (format.isEmpty()) {
                return lookalike(file)
                        .orElse(new Detection(
                                null, FileStatus.UNRECOGNIZED, unrecognized(InputFiles.head(file, HEAD_CHARS))));
            }
            return opened(file, format.get());
        } catch (ZipException | EOFException e) { // EOF: cut short, as a copy still being written is
            String reason = e.getMessage() != null
                    ? e.getMessage()
                    : "it ends before its gzip header or trailer does" + GzipMembers.CUT_SHORT;
            return new Detection(null, FileStatus.FAILED, "not a valid gzip file: " + reason);
        } catch (IOException e) {
            return new Detection(null, FileStatus.FAILED, "cannot be read: " + e.getMessage());
        }
    }

    /** {@code file} opened with {@code format}'s reader: to be read, or refused as a whole with the reason. */
    private static Detection opened(Path file, UsageFormat format) {
        try (Reader reader = InputFiles.openText(file);
                RecordCursor cursor = format.open(reader)) {
            return new Detection(format.name(), FileStatus.PENDING, null);
        } catch (FileFormatException e) {
            return new Detection(format.name(), FileStatus.FAILED, e.getMessage());
        } catch (IOException e) {
            return new Detection(format.name(), FileStatus.FAILED, "cannot be read: " + e.getMessage());
        }
    }

    /**
     * A file no reader claims that resembles a reader's files, refused as a whole by that reader's header check,
     * which names what it lacks: a usage file whose export dropped or renamed a required column is an error,
     * not a file of another kind. Empty when none resembles it, or the reader can read it after all.
     */
    private Optional<Detection> lookalike(Path file) throws IOException {
        Optional<UsageFormat> format = formats.resembled(file);
        if (format.isPresent()) {
            try (Reader reader = InputFiles.openText(file);
                    RecordCursor cursor = format.get().open(reader)) {
                return Optional.empty();
            } catch (FileFormatException e) {
                return Optional.of(new Detection(
                        format.get().name(),
                        FileStatus.FAILED,
                        "by its header it is a " + format.get().name() + " file, but " + e.getMessage()));
            }
        }
        return Optional.empty();
    }

    /**
     * A line of an unrecognized file as a report shows it: control characters (a UTF-16 file's NULs, read as UTF-8)
     * as U+FFFD, which would make the log and {@code report.json} binary to tools that read them (hunt DJ).
     */
    private static String printable(String line) {
        StringBuilder shown = new StringBuilder(line.length());
        line.chars().forEach(c -> shown.append(Character.isISOControl(c) && c != '\t' ? '\uFFFD' : (char) c));
        return shown.toString();
    }

    /** Why no reader recognizes a file whose text (decompressed) starts with {@code head}. */
    private static String unrecognized(String head) {
        if (head.isEmpty()) {
            return "the file is empty";
        }
        Optional<String> firstLine =
                head.lines().filter(line -> !line.isBlank()).findFirst();
        if (firstLine.isPresent()) {
            return "no format reader recognizes its content (it starts with: " + printable(firstLine.get()) + ")"
                    + (head.indexOf('\u0000') >= 0
                            ? "; it holds NUL characters: UTF-16 text, or not text (usage files are UTF-8)"
                            : "");
        }
        return head.length() < HEAD_CHARS
                ? "the file holds only blank characters"
                : "no format reader recognizes its content (its first " + HEAD_CHARS + " characters are blank)";
    }

    static String sha256(Path file) throws IOException {
        try (ContentReading bytes = ContentReading.of(file)) {
            return bytes.finish().checksum();
        }
    }

    record Detection(String format, FileStatus status, String detail) {}
}
