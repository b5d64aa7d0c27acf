package io.tokentally.ingest;

import java.io.InputStream;
import java.util.Optional;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;

/** Opens single S3 objects by URI, for files that are not usage (a price feed, say). */
@Component
public class S3Objects {

    private static final String SETTINGS = " (tokentally.s3.endpoint, tokentally.s3.region,"
            + " tokentally.s3.access-key-id and tokentally.s3.secret-access-key, or the AWS default credentials)";

    private final ObjectProvider<S3Client> s3;

    S3Objects(ObjectProvider<S3Client> s3) {
        this.s3 = s3;
    }

    /** Streams {@code s3://bucket/key}; the caller closes it. */
    public InputStream open(String uri) {
        String[] location = bucketAndKey(uri);
        return s3.getObject().getObject(request -> request.bucket(location[0]).key(location[1]));
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
     * Why the bucket cannot be read with the S3 settings (it does not exist, refuses the credentials, is in another
     * region, cannot be reached), naming the settings; empty when it can.
     */
    public Optional<String> whyUnreachable(String bucket) {
        try {
            checkBucket(bucket);
            return Optional.empty();
        } catch (S3Exception e) {
            String why = switch (e.statusCode()) {
                case 404 -> "does not exist";
                case 403 -> "refuses these credentials";
                case 301 -> "is in another region than tokentally.s3.region";
                default -> "answered " + e.statusCode();
            };
            return Optional.of("bucket " + bucket + " " + why + SETTINGS);
        } catch (SdkException e) {
            return Optional.of("bucket " + bucket + " cannot be reached: " + e.getMessage() + SETTINGS);
        }
    }

    /** Throws when the bucket cannot be reached with the configured endpoint and credentials. */
    public void checkBucket(String bucket) {
        s3.getObject().headBucket(request -> request.bucket(bucket));
    }
}
