package dev.posthorn.mta.capture;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.sqlite.SQLiteConfig;

/**
 * The SQLite index of a {@link CaptureStore}: one row per message in {@code messages}, its RCPT TO addresses (the
 * mailboxes) in {@code recipients}, its To and Cc addresses in {@code header_addresses}. One connection, used under
 * this object's lock: a capture server's writes are small and SQLite serialises writers anyway. WAL journal mode
 * lets the connection read while a checkpoint runs and survives a crash with the last committed state.
 */
final class CaptureIndex implements AutoCloseable {

    /**
     * The schema, one step per version: a database at version N runs the steps after N, each in its own transaction
     * with the version it reaches, so a store written by an older Posthorn opens in a newer one.
     */
    private static final List<List<String>> MIGRATIONS = List.of(List.of(
            """
            CREATE TABLE messages (seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE,
              received_at INTEGER NOT NULL, envelope_from TEXT NOT NULL, from_field TEXT NOT NULL,
              subject TEXT NOT NULL, date INTEGER, size INTEGER NOT NULL, has_attachments INTEGER NOT NULL,
              client TEXT NOT NULL, helo TEXT, tls TEXT, auth_user TEXT, search_from TEXT NOT NULL,
              search_subject TEXT NOT NULL, search_text TEXT NOT NULL)""",
            "CREATE INDEX messages_received ON messages (received_at, seq)",
            """
            CREATE TABLE recipients (message_id TEXT NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
              position INTEGER NOT NULL, address TEXT NOT NULL, mailbox TEXT NOT NULL)""",
            "CREATE INDEX recipients_message ON recipients (message_id)",
            "CREATE INDEX recipients_mailbox ON recipients (mailbox)",
            """
            CREATE TABLE header_addresses (message_id TEXT NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
              position INTEGER NOT NULL, address TEXT NOT NULL, search TEXT NOT NULL)""",
            "CREATE INDEX header_addresses_message ON header_addresses (message_id)"));

    private static final String COLUMNS = "m.id, m.received_at, m.envelope_from, m.from_field, m.subject, m.date,"
            + " m.size, m.has_attachments, m.client, m.helo, m.tls, m.auth_user";

    private final Connection connection;

    /**
     * Rows in {@code messages}, counted at open and kept under this object's lock: pruning by count asks it rather than
     * SQLite, whose COUNT and OFFSET both walk every row (with a million kept, each capture would).
     */
    private int count;

    private CaptureIndex(Connection connection) {
        this.connection = connection;
    }

    static CaptureIndex open(Path file) throws SQLException {
        SQLiteConfig config = new SQLiteConfig();
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        // WAL with NORMAL loses at most the last transactions on power loss, never consistency: enough for captures.
        config.setSynchronous(SQLiteConfig.SynchronousMode.NORMAL);
        config.enforceForeignKeys(true);
        config.setBusyTimeout(10_000);
        Connection connection = config.createConnection("jdbc:sqlite:" + file.toAbsolutePath());
        CaptureIndex index = new CaptureIndex(connection);
        try {
            index.migrate();
            index.count = index.countRows();
        } catch (SQLException e) {
            connection.close();
            throw e;
        }
        return index;
    }

    private void migrate() throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)");
            int version = 0;
            try (ResultSet rs = statement.executeQuery("SELECT MAX(version) FROM schema_version")) {
                if (rs.next()) {
                    version = rs.getInt(1);
                }
            }
            if (version > MIGRATIONS.size()) {
                throw new SQLException("the index is at schema version " + version + ", newer than this Posthorn ("
                        + MIGRATIONS.size() + ")");
            }
            for (int next = version; next < MIGRATIONS.size(); next++) {
                int reached = next + 1;
                transaction(() -> {
                    for (String sql : MIGRATIONS.get(reached - 1)) {
                        statement.execute(sql);
                    }
                    statement.execute("INSERT INTO schema_version (version) VALUES (" + reached + ")");
                });
            }
        }
    }

    private int countRows() throws SQLException {
        try (Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("SELECT COUNT(*) FROM messages")) {
            return rs.next() ? rs.getInt(1) : 0;
        }
    }

    /** The number of messages indexed. */
    synchronized int count() {
        return count;
    }

    synchronized void insert(CapturedMessage message, MessageFacts facts) throws SQLException {
        transaction(() -> {
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO messages (id, received_at,"
                    + " envelope_from, from_field, subject, date, size, has_attachments, client, helo, tls, auth_user,"
                    + " search_from, search_subject, search_text) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)")) {
                insert.setString(1, message.id());
                insert.setLong(2, QueryFilter.nanos(message.receivedAt()));
                insert.setString(3, message.envelopeFrom());
                insert.setString(4, message.from());
                insert.setString(5, message.subject());
                if (message.date() == null) {
                    insert.setNull(6, Types.INTEGER);
                } else {
                    insert.setLong(6, message.date().toEpochMilli());
                }
                insert.setLong(7, message.size());
                insert.setInt(8, message.hasAttachments() ? 1 : 0);
                insert.setString(9, message.client());
                insert.setString(10, message.helo());
                insert.setString(11, message.tls());
                insert.setString(12, message.user());
                insert.setString(13, QueryFilter.lower(message.envelopeFrom() + "\n" + message.from()));
                insert.setString(14, QueryFilter.lower(message.subject()));
                insert.setString(15, QueryFilter.lower(facts.text()));
                insert.executeUpdate();
            }
            insertAddresses("INSERT INTO recipients (message_id, position, address, mailbox) VALUES (?,?,?,?)",
                    message.id(), message.recipients());
            insertAddresses("INSERT INTO header_addresses (message_id, position, address, search) VALUES (?,?,?,?)",
                    message.id(), message.to());
        });
        count++;
    }

    private void insertAddresses(String sql, String id, List<String> addresses) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(sql)) {
            for (int i = 0; i < addresses.size(); i++) {
                insert.setString(1, id);
                insert.setInt(2, i);
                insert.setString(3, addresses.get(i));
                insert.setString(4, QueryFilter.lower(addresses.get(i)));
                insert.addBatch();
            }
            insert.executeBatch();
        }
    }

    synchronized CaptureStore.Page page(CaptureQuery query, int offset, int limit) throws SQLException {
        QueryFilter filter = QueryFilter.of(query);
        int total;
        try (PreparedStatement count = prepare("SELECT COUNT(*) FROM messages m WHERE " + filter.sql(),
                filter.parameters()); ResultSet rs = count.executeQuery()) {
            total = rs.next() ? rs.getInt(1) : 0;
        }
        List<Object> parameters = new ArrayList<>(filter.parameters());
        parameters.add(limit);
        parameters.add(offset);
        List<CapturedMessage> messages = select("SELECT " + COLUMNS + " FROM messages m WHERE " + filter.sql()
                + " ORDER BY m.received_at DESC, m.seq DESC LIMIT ? OFFSET ?", parameters);
        return new CaptureStore.Page(messages, total);
    }

    synchronized Optional<CapturedMessage> get(String id) throws SQLException {
        return select("SELECT " + COLUMNS + " FROM messages m WHERE m.id = ?", List.of(id)).stream().findFirst();
    }

    /** The ids of every message, or of those received before {@code cutoff}, oldest first. */
    synchronized List<String> ids(Instant cutoff) throws SQLException {
        return strings(cutoff == null ? "SELECT id FROM messages ORDER BY received_at, seq"
                : "SELECT id FROM messages WHERE received_at < ? ORDER BY received_at, seq",
                cutoff == null ? List.of() : List.of(QueryFilter.nanos(cutoff)));
    }

    /**
     * The ids of the oldest messages beyond the newest {@code keep}: none without a query while there are at most
     * {@code keep}, else the oldest {@code count - keep} read forwards along {@code messages_received}.
     */
    synchronized List<String> beyond(int keep) throws SQLException {
        return count <= keep ? List.of()
                : strings("SELECT id FROM messages ORDER BY received_at, seq LIMIT ?", List.of(count - keep));
    }

    /** The ids of the messages addressed to {@code mailbox}. */
    synchronized List<String> idsOf(String mailbox) throws SQLException {
        return strings("SELECT DISTINCT message_id FROM recipients WHERE mailbox = ?",
                List.of(QueryFilter.lower(mailbox)));
    }

    /**
     * Takes {@code mailbox} off its messages; returns the ids of those that had no other recipient, which are
     * deleted with it.
     */
    synchronized List<String> removeMailbox(String mailbox) throws SQLException {
        List<String> orphaned = new ArrayList<>();
        transaction(() -> {
            try (PreparedStatement delete = prepare("DELETE FROM recipients WHERE mailbox = ?",
                    List.of(QueryFilter.lower(mailbox)))) {
                delete.executeUpdate();
            }
            orphaned.addAll(strings("SELECT id FROM messages m WHERE NOT EXISTS"
                    + " (SELECT 1 FROM recipients r WHERE r.message_id = m.id)", List.of()));
            orphaned.retainAll(deleteRows(orphaned));
        });
        count -= orphaned.size();
        return orphaned;
    }

    /**
     * Takes {@code mailbox} off message {@code id}; returns whether the message had no other recipient and was
     * deleted with it.
     */
    synchronized boolean removeFromMailbox(String id, String mailbox) throws SQLException {
        boolean[] orphaned = {false};
        transaction(() -> {
            try (PreparedStatement delete = prepare("DELETE FROM recipients WHERE message_id = ? AND mailbox = ?",
                    List.of(id, QueryFilter.lower(mailbox)))) {
                delete.executeUpdate();
            }
            if (strings("SELECT message_id FROM recipients WHERE message_id = ? LIMIT 1", List.of(id)).isEmpty()) {
                orphaned[0] = !deleteRows(List.of(id)).isEmpty();
            }
        });
        if (orphaned[0]) {
            count--;
        }
        return orphaned[0];
    }

    /** Deletes the rows of {@code ids}; returns those that existed. The caller adjusts {@link #count} on commit. */
    synchronized List<String> delete(List<String> ids) throws SQLException {
        List<String> deleted = new ArrayList<>();
        transaction(() -> deleted.addAll(deleteRows(ids)));
        count -= deleted.size();
        return deleted;
    }

    private List<String> deleteRows(List<String> ids) throws SQLException {
        List<String> deleted = new ArrayList<>();
        try (PreparedStatement delete = connection.prepareStatement("DELETE FROM messages WHERE id = ?")) {
            for (String id : ids) {
                delete.setString(1, id);
                if (delete.executeUpdate() > 0) {
                    deleted.add(id);
                }
            }
        }
        return deleted;
    }

    synchronized List<CaptureStore.Mailbox> mailboxes() throws SQLException {
        List<CaptureStore.Mailbox> result = new ArrayList<>();
        try (PreparedStatement select = connection.prepareStatement("SELECT mailbox, COUNT(DISTINCT message_id)"
                + " FROM recipients GROUP BY mailbox ORDER BY mailbox"); ResultSet rs = select.executeQuery()) {
            while (rs.next()) {
                result.add(new CaptureStore.Mailbox(rs.getString(1), rs.getInt(2)));
            }
        }
        return result;
    }

    private List<CapturedMessage> select(String sql, List<Object> parameters) throws SQLException {
        List<Row> rows = new ArrayList<>();
        try (PreparedStatement select = prepare(sql, parameters); ResultSet rs = select.executeQuery()) {
            while (rs.next()) {
                rows.add(Row.of(rs));
            }
        }
        if (rows.isEmpty()) {
            return List.of();
        }
        List<String> ids = rows.stream().map(Row::id).toList();
        Map<String, List<String>> recipients = addresses("recipients", ids);
        Map<String, List<String>> to = addresses("header_addresses", ids);
        return rows.stream().map(row -> row.message(recipients.getOrDefault(row.id(), List.of()),
                to.getOrDefault(row.id(), List.of()))).toList();
    }

    private Map<String, List<String>> addresses(String table, List<String> ids) throws SQLException {
        String marks = String.join(",", Collections.nCopies(ids.size(), "?"));
        Map<String, List<String>> result = new LinkedHashMap<>();
        try (PreparedStatement select = prepare("SELECT message_id, address FROM " + table
                + " WHERE message_id IN (" + marks + ") ORDER BY message_id, position", List.copyOf(ids));
             ResultSet rs = select.executeQuery()) {
            while (rs.next()) {
                result.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(rs.getString(2));
            }
        }
        return result;
    }

    private List<String> strings(String sql, List<Object> parameters) throws SQLException {
        List<String> result = new ArrayList<>();
        try (PreparedStatement select = prepare(sql, parameters); ResultSet rs = select.executeQuery()) {
            while (rs.next()) {
                result.add(rs.getString(1));
            }
        }
        return result;
    }

    private PreparedStatement prepare(String sql, List<Object> parameters) throws SQLException {
        PreparedStatement statement = connection.prepareStatement(sql);
        for (int i = 0; i < parameters.size(); i++) {
            statement.setObject(i + 1, parameters.get(i));
        }
        return statement;
    }

    @FunctionalInterface
    private interface Work {
        void run() throws SQLException;
    }

    private void transaction(Work work) throws SQLException {
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

    @Override
    public synchronized void close() throws SQLException {
        connection.close();
    }

    /** One row of {@code messages}, before its addresses are joined in. */
    private record Row(String id, Instant receivedAt, String envelopeFrom, String from, String subject, Instant date,
                       long size, boolean hasAttachments, String client, String helo, String tls, String user) {

        static Row of(ResultSet rs) throws SQLException {
            long date = rs.getLong(6);
            boolean noDate = rs.wasNull();
            return new Row(rs.getString(1), QueryFilter.instant(rs.getLong(2)), rs.getString(3), rs.getString(4),
                    rs.getString(5), noDate ? null : Instant.ofEpochMilli(date), rs.getLong(7), rs.getInt(8) != 0,
                    rs.getString(9), rs.getString(10), rs.getString(11), rs.getString(12));
        }

        CapturedMessage message(List<String> recipients, List<String> to) {
            return new CapturedMessage(id, receivedAt, envelopeFrom, recipients, from, to, subject, date, size,
                    hasAttachments, client, helo, tls, user);
        }
    }
}
