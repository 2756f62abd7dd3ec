package dev.posthorn.mta.reports;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.sqlite.SQLiteConfig;

/**
 * One SQLite file of report counts, one connection, used under its owner's lock. WAL with synchronous NORMAL: a
 * crash loses at most the last counts, never consistency (reports are statistics, not mail); a reload's new setup
 * opens a second connection beside the old one, so writers wait for each other ({@code busy_timeout}).
 */
final class Database implements AutoCloseable {

    private final Connection connection;

    private Database(Connection connection) {
        this.connection = connection;
    }

    /**
     * Opens (or creates) {@code file} with {@code schema} ({@code CREATE ... IF NOT EXISTS} statements) at
     * {@code version}; a file of a newer version is refused.
     */
    static Database open(Path file, int version, List<String> schema) throws SQLException {
        SQLiteConfig config = new SQLiteConfig();
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        config.setSynchronous(SQLiteConfig.SynchronousMode.NORMAL);
        config.setBusyTimeout(10_000);
        Connection connection = config.createConnection("jdbc:sqlite:" + file.toAbsolutePath());
        try (Statement statement = connection.createStatement()) {
            int found;
            try (ResultSet rs = statement.executeQuery("PRAGMA user_version")) {
                found = rs.next() ? rs.getInt(1) : 0;
            }
            if (found > version) {
                throw new SQLException(file.getFileName() + " is at schema version " + found
                        + ", newer than this Posthorn");
            }
            for (String sql : schema) {
                statement.execute(sql);
            }
            statement.execute("PRAGMA user_version = " + version);
        } catch (SQLException e) {
            connection.close();
            throw e;
        }
        return new Database(connection);
    }

    PreparedStatement prepare(String sql) throws SQLException {
        return connection.prepareStatement(sql);
    }

    interface Work {
        void run() throws SQLException;
    }

    void transaction(Work work) throws SQLException {
        connection.setAutoCommit(false);
        try {
            work.run();
            connection.commit();
        } catch (SQLException | RuntimeException e) {
            connection.rollback();
            throw e;
        } finally {
            connection.setAutoCommit(true);
        }
    }

    interface Column<T> {
        T read(ResultSet rs) throws SQLException;
    }

    /** The values {@code sql} selects, its parameters the interval start and then {@code more}. */
    <T> List<T> query(String sql, Instant period, Column<T> column, String... more) throws SQLException {
        List<T> values = new ArrayList<>();
        try (PreparedStatement query = connection.prepareStatement(sql)) {
            query.setLong(1, period.getEpochSecond());
            for (int i = 0; i < more.length; i++) {
                query.setString(i + 2, more[i]);
            }
            try (ResultSet rs = query.executeQuery()) {
                while (rs.next()) {
                    values.add(column.read(rs));
                }
            }
        }
        return values;
    }

    /** Rows of {@code table} in the interval starting at {@code period}. */
    private int rowsIn(String table, long period) throws SQLException {
        try (PreparedStatement count = connection.prepareStatement(
                "SELECT COUNT(*) FROM " + table + " WHERE period = ?")) {
            count.setLong(1, period);
            try (ResultSet rs = count.executeQuery()) {
                return rs.next() ? rs.getInt(1) : 0;
            }
        }
    }

    /**
     * The cap on the distinct rows one interval may hold across {@code tables}: counted from the file when the
     * interval changes, then kept here (a COUNT for every message would walk every row). Used under the store's lock.
     */
    RowCap rowCap(int max, String... tables) {
        return new RowCap(max, tables);
    }

    /** See {@link #rowCap}. */
    final class RowCap {
        private final int max;
        private final String[] tables;
        private long period = Long.MIN_VALUE;
        private int rows;

        private RowCap(int max, String... tables) {
            this.max = max;
            this.tables = tables.clone();
        }

        /** Whether the interval starting at {@code period} (epoch seconds) has room for one more row. */
        boolean room(long period) throws SQLException {
            if (period != this.period) {
                int counted = 0;
                for (String table : tables) {
                    counted += rowsIn(table, period);
                }
                this.period = period;
                rows = counted;
            }
            return rows < max;
        }

        /** A row was added to the interval {@link #room} last asked about. */
        void added() {
            rows++;
        }

        int max() {
            return max;
        }
    }

    /** Deletes what {@code tables} hold for {@code domain} in the interval starting at {@code period}. */
    void forget(Instant period, String domain, String... tables) throws SQLException {
        transaction(() -> {
            for (String table : tables) {
                try (PreparedStatement delete = connection.prepareStatement(
                        "DELETE FROM " + table + " WHERE period = ? AND domain = ?")) {
                    delete.setLong(1, period.getEpochSecond());
                    delete.setString(2, domain);
                    delete.executeUpdate();
                }
            }
        });
    }

    @Override
    public void close() throws SQLException {
        connection.close();
    }
}
