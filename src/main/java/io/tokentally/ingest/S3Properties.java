package io.tokentally.ingest;

import static io.tokentally.shared.DurationSettings.POSITIVE;

import io.tokentally.shared.HttpUrls;
import io.tokentally.shared.RunFolders;
import io.tokentally.shared.SettingWords;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * How the engine reaches S3 (or an S3-compatible server) for {@code s3://bucket/prefix} sources and
 * the drop folder. Credentials come from {@code access-key-id}/{@code secret-access-key} when both
 * are set, otherwise from the AWS default chain (environment, profile, pod identity).
 *
 * @param endpoint an S3-compatible server's URL; empty for AWS itself
 * @param region the signing region
 * @param pathStyleAccess bucket in the path rather than the host name (most S3-compatible servers)
 * @param stagingDir where objects are streamed to before they are read (default: {@code s3-staging}
 *     under {@code tokentally.data-dir}); an object key never becomes a local path
 * @param mark what happens to an object once its run is over: {@code move} to the processed or
 *     failed prefix, or {@code tag} it in place ({@code tokentally-status}, {@code tokentally-reason})
 * @param processedPrefix where {@code move} puts objects that were ingested (or already were)
 * @param failedPrefix where {@code move} puts objects that no reader could read, with the reason as a tag
 * @param drop the drop folder the watcher polls, as a source ({@code name=s3://bucket/prefix}); empty: no watcher
 * @param pollInterval how often the watcher lists the drop folder
 */
@Validated
@ConfigurationProperties("tokentally.s3")
public record S3Properties(
        URI endpoint,
        @DefaultValue("us-east-1") @NotBlank String region,
        @DefaultValue("false") boolean pathStyleAccess,
        String accessKeyId,
        String secretAccessKey,
        Path stagingDir,

        @DefaultValue("move") @Pattern(regexp = "move|tag", message = "must be 'move' or 'tag'")
        String mark,

        @DefaultValue("processed/") @NotBlank String processedPrefix,
        @DefaultValue("failed/") @NotBlank String failedPrefix,
        @DefaultValue("") String drop,

        @DefaultValue("60s") @DurationMin(millis = 1, message = POSITIVE)
        Duration pollInterval) {

    public S3Properties {
        mark = SettingWords.lower(mark);
        if (stagingDir != null) {
            RunFolders.whyUnusable(stagingDir).ifPresent(why -> {
                throw new IllegalArgumentException("tokentally.s3.staging-dir " + stagingDir + " is unusable: " + why);
            });
        }
        endpoint = HttpUrls.requireHttp("tokentally.s3.endpoint", endpoint);
        boolean hasId = accessKeyId != null && !accessKeyId.isBlank();
        boolean hasSecret = secretAccessKey != null && !secretAccessKey.isBlank();
        if (hasId != hasSecret) {
            throw new IllegalArgumentException("tokentally.s3.access-key-id and tokentally.s3.secret-access-key must be"
                    + " set together, or neither (then the AWS default credentials chain is used)");
        }
        if (processedPrefix != null && processedPrefix.equals(failedPrefix)) {
            throw new IllegalArgumentException(
                    "tokentally.s3.processed-prefix and tokentally.s3.failed-prefix are both '" + processedPrefix
                            + "': an object no reader could read would be put with those that were read");
        }
        if (drop != null && !drop.isBlank()) {
            Optional<S3Source> parsed;
            try {
                parsed = S3Source.parse(drop);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("tokentally.s3.drop: " + e.getMessage(), e);
            }
            if (parsed.isEmpty()) {
                throw new IllegalArgumentException(
                        "tokentally.s3.drop must be [name=]s3://bucket/prefix, not '" + drop + "'");
            }
        }
    }

    boolean hasStaticCredentials() {
        return accessKeyId != null && !accessKeyId.isBlank();
    }

    @Override
    public String toString() {
        return "S3Properties[endpoint=" + endpoint + ", region=" + region + ", accessKeyId="
                + (accessKeyId == null ? null : "(set)") + ", secretAccessKey=(hidden)]";
    }
}
