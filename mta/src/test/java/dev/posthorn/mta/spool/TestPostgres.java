package dev.posthorn.mta.spool;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** A real PostgreSQL server for the tests of the shared queue (zonky's embedded binaries), emptied between tests. */
public final class TestPostgres implements AutoCloseable {

    private final EmbeddedPostgres postgres;

    private TestPostgres(EmbeddedPostgres postgres) {
        this.postgres = postgres;
    }

    public static TestPostgres start() throws IOException {
        return new TestPostgres(EmbeddedPostgres.builder().start());
    }

    /** The JDBC URL of its database, with the user and password in it. */
    public String url() {
        return postgres.getJdbcUrl("postgres", "postgres");
    }

    /** Drops every table: each test starts on an empty database, its schema made by the spool it opens. */
    public void empty() throws SQLException {
        execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public");
    }

    public void execute(String sql) throws SQLException {
        try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    /** The number a {@code SELECT count(*) ...} gives. */
    public long count(String sql) throws SQLException {
        try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Override
    public void close() throws IOException {
        postgres.close();
    }
}
