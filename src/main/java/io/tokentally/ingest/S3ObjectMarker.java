package io.tokentally.ingest;

import io.tokentally.shared.StorableText;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.Tag;
import software.amazon.awssdk.services.s3.model.Tagging;

/**
 * Once a run is over, marks each object it claimed: processed (ingested, or its content already was)
 * or failed (no reader recognizes it, or it cannot be read), by moving it under the processed or
 * failed prefix or by tagging it in place, with the reason, and deletes its staging file. Objects of a
 * run that stopped before reading them stay where they are, staging files too, for the restart.
 */
@Component
public class S3ObjectMarker {

    static final String STATUS_TAG = "tokentally-status";
    static final String REASON_TAG = "tokentally-reason";
    private static final Logger log = LoggerFactory.getLogger(S3ObjectMarker.class);
    private static final int MAX_KEY_BYTES = 1024;
    private static final int MAX_TAG_VALUE = 256;
    private static final int PRECONDITION_FAILED = 412;

    private final ObjectProvider<S3Client> s3;
    private final S3Properties properties;
    private final S3ObjectRegistry objects;
    private final FileRegistry files;

    S3ObjectMarker(ObjectProvider<S3Client> s3, S3Properties properties, S3ObjectRegistry objects, FileRegistry files) {
        this.s3 = s3;
        this.properties = properties;
        this.objects = objects;
        this.files = files;
    }

    /**
     * Marks every claimed object whose file is settled (a run that failed to mark, say because S3 was
     * unreachable, is caught up by the next); returns how many it moved or tagged, not counting a version replaced
     * or deleted since it was read, which is left alone (settled all the same).
     */
    public int markSettled() {
        List<S3ObjectRegistry.Claim> claims = objects.unmarked();
        int marked = 0;
        for (S3ObjectRegistry.Claim claim : claims) {
            RegisteredFile file =
                    claim.fileId() == null ? null : files.find(claim.fileId()).orElse(null);
            if (file == null || file.status() == FileStatus.PENDING) {
                continue;
            }
            boolean processed = file.status() == FileStatus.INGESTED;
            String reason = processed ? null : file.detail();
            boolean moved = mark(claim, processed, reason);
            objects.marked(claim.uri(), claim.etag(), processed ? "PROCESSED" : "FAILED", reason);
            if (file.stagedPath() != null) {
                S3Stager.deleteStaged(Path.of(file.stagedPath()), file.path());
            }
            marked += moved ? 1 : 0;
        }
        return marked;
    }

    /**
     * Marks again an object version that was marked before and has been dropped again, put under its key at {@code
     * putAt} (null: not known).
     */
    void markAgain(S3ObjectRegistry.Claim claim, Instant putAt) {
        boolean processed = claim.status().equals("PROCESSED");
        mark(claim, processed, claim.detail());
        objects.markedAgain(claim.uri(), claim.etag(), putAt);
    }

    /**
     * Whether marking the claimed version tags it where it is ({@code tokentally.s3.mark=tag}, or a key too long to
     * take the processed or failed prefix) rather than moving it away.
     */
    boolean tagsInPlace(S3ObjectRegistry.Claim claim) {
        return !moves(target(claim, !claim.status().equals("FAILED")));
    }

    /** The key the claimed version is moved to when marked: its key under the processed or failed prefix. */
    private String target(S3ObjectRegistry.Claim claim, boolean processed) {
        return (processed ? properties.processedPrefix() : properties.failedPrefix()) + keyOf(claim);
    }

    /** Whether marking moves a version to {@code target}: with {@code mark=move}, unless the key is too long. */
    private boolean moves(String target) {
        return properties.mark().equals("move") && target.getBytes(StandardCharsets.UTF_8).length <= MAX_KEY_BYTES;
    }

    private static String bucketOf(S3ObjectRegistry.Claim claim) {
        return claim.uri().substring(S3Source.SCHEME.length(), claim.uri().indexOf('/', S3Source.SCHEME.length()));
    }

    private static String keyOf(S3ObjectRegistry.Claim claim) {
        return claim.uri().substring(S3Source.SCHEME.length() + bucketOf(claim).length() + 1);
    }

    /**
     * Moves or tags the claimed version. Each call names that version (its ETag), so a newer version put under the key
     * since the run claimed it is neither moved, deleted nor tagged: it stays where it is, and the next poll reads it.
     * A version no longer under its key is left alone likewise.
     *
     * @return whether the version was moved (copied, at least) or tagged; false when it was left alone
     */
    private boolean mark(S3ObjectRegistry.Claim claim, boolean processed, String reason) {
        String bucket = bucketOf(claim);
        String key = keyOf(claim);
        String version = "\"" + claim.etag() + "\"";
        Tagging tagging = tagging(processed, reason);
        String target = target(claim, processed);
        boolean move = moves(target);
        String marking = processed ? "processed" : "failed: " + reason;
        if (move) {
            boolean copied = stillThere(
                    claim,
                    "not moved",
                    () -> s3.getObject()
                            .copyObject(request -> request.sourceBucket(bucket)
                                    .sourceKey(key)
                                    .copySourceIfMatch(version)
                                    .destinationBucket(bucket)
                                    .destinationKey(target)));
            if (copied) {
                s3.getObject()
                        .putObjectTagging(
                                request -> request.bucket(bucket).key(target).tagging(tagging));
                if (stillThere(
                        claim,
                        "copied to " + target + ", the key left as it is",
                        () -> s3.getObject()
                                .deleteObject(request ->
                                        request.bucket(bucket).key(key).ifMatch(version)))) {
                    log.info("{} moved to {} ({})", claim.uri(), target, marking);
                }
            }
            return copied;
        }
        if (stillThere(
                claim,
                "not tagged",
                () -> s3.getObject()
                        .headObject(request -> request.bucket(bucket).key(key).ifMatch(version)))) {
            // S3 has no conditional tagging: a version put between the two calls would take this one's tags
            s3.getObject()
                    .putObjectTagging(request -> request.bucket(bucket).key(key).tagging(tagging));
            log.info("{} tagged {}", claim.uri(), marking);
            return true;
        }
        return false;
    }

    /**
     * Runs a call conditional on the claimed version; false, logged with what was {@code left} undone, when S3
     * refuses it because the key holds another version now (412) or none (no such key).
     */
    private static boolean stillThere(S3ObjectRegistry.Claim claim, String left, Runnable call) {
        try {
            call.run();
            return true;
        } catch (S3Exception e) {
            // a missing key, not a missing bucket (which fails the mark, retried by the next run)
            boolean gone = e instanceof NoSuchKeyException
                    || (e.awsErrorDetails() != null
                            && "NoSuchKey".equals(e.awsErrorDetails().errorCode()));
            if (e.statusCode() != PRECONDITION_FAILED && !gone) {
                throw e;
            }
            log.info(
                    "{} was {} since it was read (ETag {}): {}; a new version is read by the next poll",
                    claim.uri(),
                    gone ? "deleted" : "replaced",
                    claim.etag(),
                    left);
            return false;
        }
    }

    private static Tagging tagging(boolean processed, String reason) {
        Tag status = Tag.builder()
                .key(STATUS_TAG)
                .value(processed ? "processed" : "failed")
                .build();
        if (processed) {
            return Tagging.builder().tagSet(status).build();
        }
        Tag why = Tag.builder().key(REASON_TAG).value(tagValue(reason)).build();
        return Tagging.builder().tagSet(status, why).build();
    }

    /** S3 tag values allow letters, digits, spaces and {@code + - = . _ : / @}, up to 256 characters. */
    static String tagValue(String text) {
        String value = text == null ? "unknown" : text.replaceAll("[^\\p{L}\\p{N} +\\-=._:/@]", "_");
        return StorableText.cut(value, MAX_TAG_VALUE);
    }
}
