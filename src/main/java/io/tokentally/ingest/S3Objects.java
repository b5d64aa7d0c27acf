package io.tokentally.ingest;

import java.io.FilterInputStream;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;

/** Opens single S3 objects by URI, for files that are not usage (a price feed, say). */
@Component
public class S3Objects {

    /** How long the probe of a run's S3 input may take: it holds the turn of every start in the process. */
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(10);

    private final ObjectProvider<S3Client> s3;

    public S3Objects(ObjectProvider<S3Client> s3) {
        this.s3 = s3;
    }

    /** An object as it is read: its length as S3 gave it, and its connection, which another thread may drop. */
    public static final class Download extends FilterInputStream {

        private final ResponseInputStream<GetObjectResponse> object;

        private Download(ResponseInputStream<GetObjectResponse> object) {
            super(object);
            this.object = object;
        }

        /** The object's length in bytes, when S3 gave it. */
        public OptionalLong length() {
            Long length = object.response().contentLength();
            return length == null ? OptionalLong.empty() : OptionalLong.of(length);
        }

        /** Drops the object's connection: a read waiting for its next bytes fails at once. */
        public void abort() {
            object.abort();
        }
    }

    /** Streams {@code s3://bucket/key}; the caller closes it. */
    public Download open(String uri) {
        String[] location = bucketAndKey(uri);
        return new Download(
                s3.getObject().getObject(request -> request.bucket(location[0]).key(location[1])));
    }

    /** Writes (or replaces) {@code s3://bucket/key} with the bytes, in one put: readers see the old or the new object. */
    public void put(String uri, byte[] bytes, String contentType) {
        String[] location = bucketAndKey(uri);
        s3.getObject()
                .putObject(
                        request -> request.bucket(location[0]).key(location[1]).contentType(contentType),
                        RequestBody.fromBytes(bytes));
    }

    private static String[] bucketAndKey(String uri) {
        if (!uri.startsWith(S3Source.SCHEME)) {
            throw new IllegalArgumentException(uri + " is not an s3://bucket/key URI");
        }
        String rest = uri.substring(S3Source.SCHEME.length());
        int slash = rest.indexOf('/');
        if (slash <= 0 || slash == rest.length() - 1) {
            throw new IllegalArgumentException(uri + " must be s3://bucket/key");
        }
        return new String[] {rest.substring(0, slash), rest.substring(slash + 1)};
    }

    /**
     * Why the source cannot be listed with the S3 settings, as a run lists it (its prefix, so that a policy that
     * grants listing only under it passes): the bucket does not exist, refuses the credentials, or is in another
     * region. Empty when it can, and when the answer says nothing for good (a timeout, a refused connection, a 5xx):
     * the run then starts and meets it, to be restarted as any failed run.
     */
    public Optional<String> whyUnreadable(S3Source source) {
        try {
            s3.getObject()
                    .listObjectsV2(request -> request.bucket(source.bucket())
                            .prefix(source.prefix())
                            .maxKeys(1)
                            .overrideConfiguration(call -> call.apiCallTimeout(PROBE_TIMEOUT)));
            return Optional.empty();
        } catch (S3Exception e) {
            String code =
                    e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
            return Optional.ofNullable(code == null ? null : whyFor(code, source))
                    .map(why -> "bucket " + source.bucket() + " " + why);
        } catch (SdkException e) {
            return Optional.empty();
        }
    }

    /** What an error code says for good about listing the source, or null for one that may pass. */
    private static String whyFor(String code, S3Source source) {
        return switch (code) {
            case "NoSuchBucket" -> "does not exist (tokentally.s3.endpoint)";
            case "AccessDenied", "InvalidAccessKeyId", "SignatureDoesNotMatch" ->
                "refuses to list " + source.prefix()
                        + " to these credentials (tokentally.s3.access-key-id and tokentally.s3.secret-access-key, or the"
                        + " AWS default credentials)";
            case "PermanentRedirect", "AuthorizationHeaderMalformed" ->
                "is in another region than tokentally.s3.region";
            default -> null;
        };
    }

    /** Throws when the bucket cannot be reached with the configured endpoint and credentials. */
    public void checkBucket(String bucket) {
        s3.getObject().headBucket(request -> request.bucket(bucket));
    }
}
