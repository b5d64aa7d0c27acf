package io.tokentally.job;

import io.tokentally.shared.SqlDialect;
import java.sql.Connection;
import java.sql.SQLException;
import org.h2.api.Trigger;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * A failure injected into the database: while installed, every insert into a table fails, as a database that
 * goes away in the middle of a step would make it. A trigger on H2 (this class) and on PostgreSQL (a function).
 */
public final class InjectedInsertFailure implements Trigger, AutoCloseable {

    private static final String NAME = "injected_insert_failure";

    private final JdbcTemplate jdbc;
    private final SqlDialect dialect;

    /** For H2, which creates the trigger from this class. */
    public InjectedInsertFailure() {
        this.jdbc = null;
        this.dialect = SqlDialect.H2;
    }

    private InjectedInsertFailure(JdbcTemplate jdbc, SqlDialect dialect) {
        this.jdbc = jdbc;
        this.dialect = dialect;
    }

    /** Makes every insert into {@code table} fail until closed. */
    static InjectedInsertFailure on(JdbcTemplate jdbc, String table) {
        SqlDialect dialect = SqlDialect.of(jdbc.getDataSource());
        if (dialect == SqlDialect.H2) {
            jdbc.execute("CREATE TRIGGER " + NAME + " BEFORE INSERT ON " + table + " FOR EACH ROW CALL '"
                    + InjectedInsertFailure.class.getName() + "'");
        } else {
            jdbc.execute("CREATE FUNCTION " + NAME + "() RETURNS trigger LANGUAGE plpgsql AS"
                    + " $$ BEGIN RAISE EXCEPTION 'injected failure'; END $$");
            jdbc.execute("CREATE TRIGGER " + NAME + " BEFORE INSERT ON " + table + " FOR EACH ROW EXECUTE FUNCTION "
                    + NAME + "()");
        }
        return new InjectedInsertFailure(jdbc, dialect);
    }

    @Override
    public void fire(Connection connection, Object[] oldRow, Object[] newRow) throws SQLException {
        throw new SQLException("injected failure");
    }

    @Override
    public void close() {
        if (dialect == SqlDialect.H2) {
            jdbc.execute("DROP TRIGGER " + NAME);
        } else {
            jdbc.execute("DROP FUNCTION " + NAME + "() CASCADE");
        }
    }
}
