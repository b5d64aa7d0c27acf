package io.tokentally.ingest;

import io.tokentally.shared.Sha256;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Reads S3 sources: lists each prefix, claims every object version (key and ETag) no run has
 * claimed, streams it to a staging file named by a hash (an object key never becomes a local path)
 * and registers it like a local file, under its {@code s3://} URI. A staging file lives until its object
 * is marked ({@link S3ObjectMarker}), or not at all when its content needs no reading.
 */
@Component
public class S3Stager {

    private static final Logger log = LoggerFactory.getLogger(S3Stager.class);
    private static final int PRECONDITION_FAILED = 412;

    private final ObjectProvider<S3Client> s3;
    private final S3Properties properties;
    private final S3ObjectRegistry objects;
    private final FileScanner scanner;
    private final S3ObjectMarker marker;
    private final Path stagingDir;

    S3Stager(
            ObjectProvider<S3Client> s3,
            S3Properties properties,
            S3ObjectRegistry objects,
            FileScanner scanner,
            S3ObjectMarker marker,
            @Value("${tokentally.data-dir}") Path dataDir) {
        this.s3 = s3;
        this.properties = properties;
        this.objects = objects;
        this.scanner = scanner;
        this.marker = marker;
        this.stagingDir = properties.stagingDir() != null ? properties.stagingDir() : dataDir.resolve("s3-staging");
    }

    /** Claims, stages and registers the new objects of every source; returns how many files the run must read. */
    public int stage(long run, List<S3Source> sources) throws IOException {
        int pending = 0;
        for (S3Source source : sources) {
            for (S3Object object : listAll(source)) {
                if (!isUsage(object)) {
                    if (isHidden(object)) { // said once a run, as a hidden local file is; the watcher's polls do not
                        log.info("hidden object {} is not read", source.uri(object.key()));
                    }
                    continue;
                }
                String uri = source.uri(object.key());
                String etag = etag(object);
                if (objects.claim(uri, etag, source.name(), object.size(), run, object.lastModified())) {
                    pending += stageObject(run, source, object) ? 1 : 0;
                } else {
                    markAgainIfDroppedAgain(uri, object);
                }
            }
        }
        return pending;
    }

    /**
     * A version marked once and dropped again is marked again, not read again: one moved away is under the prefix
     * again; one tagged in place was put again under its key (a put drops an object's tags), which S3 says by a later
     * {@code LastModified} than the one the claim or the last mark saw ({@link #putAgain}).
     */
    private void markAgainIfDroppedAgain(String uri, S3Object object) {
        objects.find(uri, etag(object))
                .filter(claim ->
                        claim.status().equals("PROCESSED") || claim.status().equals("FAILED"))
                .filter(claim -> !marker.tagsInPlace(claim) || putAgain(claim, object.lastModified()))
                .ifPresent(claim -> {
                    log.info(
                            "{} was {} before and has been dropped again; {} it again",
                            uri,
                            claim.status(),
                            marker.tagsInPlace(claim) ? "tagging" : "moving");
                    marker.markAgain(claim, object.lastModified());
                });
    }

    /**
     * Whether S3 says the claimed version was put again since the claim or its last mark saw it: both times are S3's
     * own. A version claimed before they were kept is compared with the time of its mark instead, to the second S3
     * gives (one put just before its mark may be tagged once more).
     */
    private static boolean putAgain(S3ObjectRegistry.Claim claim, Instant listed) {
        if (listed == null) {
            return false;
        }
        if (claim.lastModified() != null) {
            return listed.isAfter(claim.lastModified());
        }
        return claim.markedAt() == null || !listed.isBefore(claim.markedAt().truncatedTo(ChronoUnit.SECONDS));
    }

    /** Marks again every object version under the source that was marked before and has been dropped again. */
    public void markAgainDropped(S3Source source) {
        for (S3Object object : list(source)) {
            markAgainIfDroppedAgain(source.uri(object.key()), object);
        }
    }

    /** Object versions under the source that no run has claimed yet. */
    public List<String> unclaimed(S3Source source) {
        return unclaimedObjects(source).stream().map(S3Object::key).toList();
    }

    /**
     * The {@code s3://} URIs, in key order, of the objects under the source that {@code run} did not register and
     * that registering would claim (no run has claimed their version, and they are neither marked nor purchases
     * feeds): for a resumed run, those added since it registered its files. A new version of an object the run
     * registered is left out, as a local file the run registered is ({@link FileScanner#notRegisteredBy}).
     *
     * @throws IOException when the prefix cannot be listed
     */
    public List<String> notRegisteredBy(long run, S3Source source) throws IOException {
        Set<String> registered = scanner.pathsRegisteredBy(run);
        try {
            return unclaimedObjects(source).stream()
                    .map(object -> source.uri(object.key()))
                    .filter(uri -> !registered.contains(uri))
                    .toList();
        } catch (SdkException e) {
            throw new IOException("cannot list " + source.spec() + ": " + e.getMessage(), e);
        }
    }

    private List<S3Object> unclaimedObjects(S3Source source) {
        return list(source).stream()
                .filter(object -> !objects.isKnown(source.uri(object.key()), etag(object)))
                .toList();
    }

    /**
     * The purchases feeds under the source ({@link InputFiles#isPurchasesFeed}), as {@code s3://} URIs in
     * key order. They are not claimed or marked: like a feed in a local folder, each run reads them
     * again (purchases are kept by purchase id, so a row read twice counts once).
     */
    public List<String> purchaseFeeds(S3Source source) {
        return listAll(source).stream()
                .filter(object -> !isHidden(object))
                .map(S3Object::key)
                .filter(InputFiles::isPurchasesFeed)
                .sorted()
                .map(source::uri)
                .toList();
    }

    private List<S3Object> list(S3Source source) {
        return listAll(source).stream().filter(S3Stager::isUsage).toList();
    }

    /** An object a run claims and reads as usage: not a purchases feed ({@link #purchaseFeeds}), not hidden. */
    private static boolean isUsage(S3Object object) {
        return !InputFiles.isPurchasesFeed(object.key()) && !isHidden(object);
    }

    /**
     * An object whose name (the key after its last {@code /}) starts with {@code .}: not read, as a hidden file of a
     * local folder is not (a copy tool's temporary {@code .usage.csv.part} while an upload is in flight).
     */
    private static boolean isHidden(S3Object object) {
        return object.key().substring(object.key().lastIndexOf('/') + 1).startsWith(".");
    }

    private List<S3Object> listAll(S3Source source) {
        return s3
                .getObject()
                .listObjectsV2Paginator(
                        request -> request.bucket(source.bucket()).prefix(source.prefix()))
                .contents()
                .stream()
                .filter(object -> !object.key().endsWith("/"))
                .filter(object -> !object.key().startsWith(properties.processedPrefix())
                        && !object.key().startsWith(properties.failedPrefix()))
                .toList();
    }

    private boolean stageObject(long run, S3Source source, S3Object object) throws IOException {
        String uri = source.uri(object.key());
        String etag = etag(object);
        Path staged = stagingDir.resolve(Sha256.hex(uri + "\n" + etag));
        if (!download(source, object, staged)) {
            objects.marked(
                    uri,
                    etag,
                    "SUPERSEDED",
                    "the object changed while it was being read; its new version is" + " read as a new object");
            return false;
        }
        Long previous = objects.previousVersionFile(uri, etag).orElse(null);
        FileScanner.Registration registration = scanner.registerStaged(run, source.name(), uri, staged, previous);
        objects.attachFile(uri, etag, registration.fileId());
        if (!registration.pending()) {
            // nothing reads it: its content was registered before, or no reader takes it
            deleteStaged(staged, uri);
        }
        return registration.pending();
    }

    /** Streams the claimed version to the staging file; false when the object no longer has that version. */
    private boolean download(S3Source source, S3Object object, Path staged) throws IOException {
        Files.createDirectories(stagingDir);
        Path partial = staged.resolveSibling(staged.getFileName() + ".part");
        try (ResponseInputStream<GetObjectResponse> in = s3.getObject()
                .getObject(request ->
                        request.bucket(source.bucket()).key(object.key()).ifMatch(object.eTag()))) {
            Files.copy((InputStream) in, partial, StandardCopyOption.REPLACE_EXISTING);
        } catch (S3Exception e) {
            if (e.statusCode() == PRECONDITION_FAILED) {
                log.warn("{} changed while it was being read; its new version will be read", source.uri(object.key()));
                return false;
            }
            throw e;
        }
        Files.move(partial, staged, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return true;
    }

    /** Deletes a staging file nothing reads any more; a failure is logged, and leaves only a file behind. */
    static void deleteStaged(Path staged, String uri) {
        try {
            Files.deleteIfExists(staged);
        } catch (IOException e) {
            log.warn("Could not delete the staging file {} of {}: {}", staged, uri, e.getMessage());
        }
    }

    Path stagingDir() {
        return stagingDir;
    }

    static String etag(S3Object object) {
        return object.eTag() == null ? "" : object.eTag().replace("\"", "");
    }
}
