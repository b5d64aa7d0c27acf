package io.tokentally.ingest;

import io.tokentally.shared.SqlDialect;
import io.tokentally.shared.SqlTime;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Which S3 object versions (key and ETag) have been claimed by which run, and how they were marked. */
@Repository
public class S3ObjectRegistry {

    private static final String CLAIMS =
            "SELECT object_uri, etag, source, claimed_run, file_id, status, detail, marked_at, last_modified"
                    + " FROM s3_object";
    private static final List<String> COLUMNS = List.of(
            "object_uri", "etag", "source", "size_bytes", "claimed_run", "claimed_at", "status", "last_modified");

    private final JdbcClient jdbc;
    private final Clock clock;
    private final String insertClaim;

    public S3ObjectRegistry(JdbcClient jdbc, Clock clock, DataSource dataSource) {
        this.jdbc = jdbc;
        this.clock = clock;
        SqlDialect dialect = SqlDialect.of(dataSource);
        this.insertClaim = dialect.insertIfAbsent("s3_object", COLUMNS, List.of("object_uri", "etag"));
    }

    /**
     * A claimed object version.
     *
     * @param markedAt when the version was marked last, null until it is
     * @param lastModified when S3 says the version was last put under its key, as the run that claimed it or marked it
     *     again listed it; null for a version claimed by a version of the engine before it was kept
     */
    public record Claim(
            String uri,
            String etag,
            String source,
            long run,
            Long fileId,
            String status,
            String detail,
            Instant markedAt,
            Instant lastModified) {}

    /**
     * Claims an object version for {@code run}; true when the run owns it (it claimed it now, or
     * before a restart). Another run or replica that claimed it first keeps it.
     */
    boolean claim(String uri, String etag, String source, long size, long run, Instant lastModified) {
        List<Object> parameters = new ArrayList<>(List.of(uri, etag, source, size, run, now(), "CLAIMED"));
        parameters.add(SqlTime.utc(lastModified));
        try {
            if (jdbc.sql(insertClaim).params(parameters).update() == 1) {
                return true;
            }
        } catch (DuplicateKeyException e) {
            // H2: another run of this process inserted it in a transaction not yet committed when this one merged
        }
        return find(uri, etag)
                .map(claim -> claim.run() == run && claim.status().equals("CLAIMED"))
                .orElse(false);
    }

    public boolean isKnown(String uri, String etag) {
        return find(uri, etag).isPresent();
    }

    /**
     * The file of the latest other version of the object that was read or is being read: the one a changed object
     * is compared with (as {@link FileRegistry#findLatestReadByPath} for a local file).
     */
    Optional<Long> previousVersionFile(String uri, String etag) {
        return jdbc
                .sql("SELECT o.file_id FROM s3_object o JOIN ingested_file f ON f.file_id = o.file_id"
                        + " WHERE o.object_uri = ? AND o.etag <> ? AND f.status IN (?, ?) ORDER BY o.claimed_at DESC")
                .params(uri, etag, FileStatus.PENDING.name(), FileStatus.INGESTED.name())
                .query(Long.class)
                .list()
                .stream()
                .findFirst();
    }

    void attachFile(String uri, String etag, long fileId) {
        jdbc.sql("UPDATE s3_object SET file_id = ? WHERE object_uri = ? AND etag = ?")
                .params(fileId, uri, etag)
                .update();
    }

    /** Claimed objects that are not marked yet, of any run. */
    List<Claim> unmarked() {
        return jdbc.sql(CLAIMS + " WHERE status = 'CLAIMED' ORDER BY object_uri")
                .query(S3ObjectRegistry::claim)
                .list();
    }

    void marked(String uri, String etag, String status, String detail) {
        jdbc.sql("UPDATE s3_object SET status = ?, detail = ?, marked_at = ? WHERE object_uri = ? AND etag = ?")
                .params(status, detail, now(), uri, etag)
                .update();
    }

    /**
     * Records that a version marked before was marked again now, after S3 says it was put under its key again at
     * {@code putAt}: a later put of it is marked once more ({@link S3Stager}).
     */
    void markedAgain(String uri, String etag, Instant putAt) {
        jdbc.sql("UPDATE s3_object SET marked_at = ?, last_modified = ? WHERE object_uri = ? AND etag = ?")
                .params(now(), SqlTime.utc(putAt), uri, etag)
                .update();
    }

    public Optional<Claim> find(String uri, String etag) {
        return jdbc.sql(CLAIMS + " WHERE object_uri = ? AND etag = ?")
                .params(uri, etag)
                .query(S3ObjectRegistry::claim)
                .optional();
    }

    private static Claim claim(java.sql.ResultSet rs, int rowNum) throws java.sql.SQLException {
        return new Claim(
                rs.getString(1),
                rs.getString(2),
                rs.getString(3),
                rs.getLong(4),
                (Long) rs.getObject(5, Long.class),
                rs.getString(6),
                rs.getString(7),
                SqlTime.read(rs, "marked_at"),
                SqlTime.read(rs, "last_modified"));
    }

    private OffsetDateTime now() {
        return OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC);
    }
}
