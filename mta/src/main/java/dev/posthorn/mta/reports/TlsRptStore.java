package dev.posthorn.mta.reports;

import dev.posthorn.mta.tlsrpt.PolicyRef;
import dev.posthorn.mta.tlsrpt.ResultType;
import dev.posthorn.mta.tlsrpt.SessionResult;
import dev.posthorn.mta.tlsrpt.TlsReport;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The outbound sessions' TLS results (RFC 8460), counted per reporting interval, recipient domain and policy: the
 * data of the TLS reports still to be sent, in SQLite in the spool folder ({@value #FILE}, see {@link Database}).
 * Failures are counted per kind, MX host and address. At most {@link #MAX_ROWS} policy and failure rows are kept per
 * interval: domains come from the mail, so their number is the sender's to choose.
 */
public final class TlsRptStore implements Ticker.Counts, AutoCloseable {

    /** The database file in the spool folder. */
    public static final String FILE = "tls-reports.db";
    /** Distinct policy and failure rows kept per interval. */
    public static final int MAX_ROWS = 100_000;

    private static final int VERSION = 1;
    private static final String POLICY = "type, strings, mx";

    private final Database db;
    private final Database.RowCap cap;

    private TlsRptStore(Database db, int maxRows) {
        this.db = db;
        this.cap = db.rowCap(maxRows, "policies", "failures");
    }

    public static TlsRptStore open(Path spool) throws SQLException {
        return open(spool, MAX_ROWS);
    }

    static TlsRptStore open(Path spool, int maxRows) throws SQLException {
        return new TlsRptStore(Database.open(spool.resolve(FILE), VERSION, List.of(
                "CREATE TABLE IF NOT EXISTS policies (period INTEGER NOT NULL, domain TEXT NOT NULL,"
                        + " type TEXT NOT NULL, strings TEXT NOT NULL, mx TEXT NOT NULL,"
                        + " successful INTEGER NOT NULL, PRIMARY KEY (period, domain, type, strings, mx))",
                "CREATE TABLE IF NOT EXISTS failures (period INTEGER NOT NULL, domain TEXT NOT NULL,"
                        + " type TEXT NOT NULL, strings TEXT NOT NULL, mx TEXT NOT NULL, result TEXT NOT NULL,"
                        + " receiving_mx TEXT NOT NULL, receiving_ip TEXT NOT NULL, information TEXT NOT NULL,"
                        + " count INTEGER NOT NULL, PRIMARY KEY (period, domain, type, strings, mx, result,"
                        + " receiving_mx, receiving_ip, information))")), maxRows);
    }

    /** Counts one session in the interval starting at {@code period}. */
    public synchronized void count(Instant period, SessionResult session) throws SQLException {
        long key = period.getEpochSecond();
        db.transaction(() -> {
            bump("UPDATE policies SET successful = successful + ? WHERE period = ? AND domain = ? AND type = ?"
                    + " AND strings = ? AND mx = ?", "INSERT INTO policies VALUES (?,?,?,?,?,?)", key, session,
                    Optional.empty());
            if (session.failure().isPresent()) {
                bump("UPDATE failures SET count = count + ? WHERE period = ? AND domain = ? AND type = ?"
                        + " AND strings = ? AND mx = ? AND result = ? AND receiving_mx = ? AND receiving_ip = ?"
                        + " AND information = ?", "INSERT INTO failures VALUES (?,?,?,?,?,?,?,?,?,?)", key,
                        session, session.failure());
            }
        });
    }

    /**
     * Adds to a row, or makes it when there is room. The statements share their parameters: the amount first for
     * the update (last for the insert), then period, domain, policy and, for a failure, its fields.
     */
    private void bump(String update, String insert, long period, SessionResult session,
                      Optional<SessionResult.Failure> failure) throws SQLException {
        int amount = failure.isPresent() || session.successful() ? 1 : 0;
        try (PreparedStatement statement = db.prepare(update)) {
            statement.setInt(1, amount);
            bind(statement, 2, period, session, failure);
            if (statement.executeUpdate() > 0 || !cap.room(period)) {
                return;
            }
        }
        try (PreparedStatement statement = db.prepare(insert)) {
            int last = bind(statement, 1, period, session, failure);
            statement.setInt(last, amount);
            statement.executeUpdate();
            cap.added();
        }
    }

    /** Binds from {@code index} on; returns the next index. */
    private static int bind(PreparedStatement statement, int index, long period, SessionResult session,
                            Optional<SessionResult.Failure> failure) throws SQLException {
        int i = index;
        statement.setLong(i++, period);
        statement.setString(i++, session.policyDomain());
        statement.setString(i++, session.policy().type().name());
        statement.setString(i++, String.join("\n", session.policy().strings()));
        statement.setString(i++, String.join("\n", session.policy().mxHosts()));
        if (failure.isPresent()) {
            statement.setString(i++, failure.get().type().name());
            statement.setString(i++, failure.get().receivingMx());
            statement.setString(i++, failure.get().receivingIp());
            statement.setString(i++, failure.get().information());
        }
        return i;
    }

    /** The intervals that began before {@code before} and still hold counts, oldest first. */
    @Override
    public synchronized List<Instant> periodsBefore(Instant before) throws SQLException {
        return db.query("SELECT DISTINCT period FROM policies WHERE period < ? ORDER BY period", before,
                rs -> Instant.ofEpochSecond(rs.getLong(1)));
    }

    /** The domains with counts in the interval starting at {@code period}. */
    @Override
    public synchronized List<String> domains(Instant period) throws SQLException {
        return db.query("SELECT DISTINCT domain FROM policies WHERE period = ? ORDER BY domain", period,
                rs -> rs.getString(1));
    }

    /** What {@code domain}'s sessions came to in the interval starting at {@code period}, per policy. */
    public synchronized List<TlsReport.PolicyResult> results(Instant period, String domain) throws SQLException {
        List<TlsReport.PolicyResult> results = new ArrayList<>();
        for (PolicyRow policy : db.query("SELECT " + POLICY + ", successful FROM policies WHERE period = ?"
                + " AND domain = ? ORDER BY " + POLICY, period, rs -> new PolicyRow(rs.getString(1),
                rs.getString(2), rs.getString(3), rs.getLong(4)), domain)) {
            PolicyRef ref = new PolicyRef(PolicyRef.Type.valueOf(policy.type()), lines(policy.strings()),
                    lines(policy.mx()));
            List<TlsReport.FailureCount> failures = db.query("SELECT result, receiving_mx, receiving_ip,"
                    + " information, count FROM failures WHERE period = ? AND domain = ? AND type = ? AND strings = ?"
                    + " AND mx = ? ORDER BY count DESC, receiving_mx, receiving_ip", period,
                    rs -> new TlsReport.FailureCount(new SessionResult.Failure(ResultType.valueOf(rs.getString(1)),
                            rs.getString(2), rs.getString(3), rs.getString(4)), rs.getLong(5)),
                    domain, policy.type(), policy.strings(), policy.mx());
            results.add(new TlsReport.PolicyResult(domain, ref, policy.successful(), failures));
        }
        return results;
    }

    /** A {@code policies} row as stored: the policy's columns and its successful sessions. */
    private record PolicyRow(String type, String strings, String mx, long successful) {
    }

    private static List<String> lines(String text) {
        return text.isEmpty() ? List.of() : text.lines().toList();
    }

    /** Forgets {@code domain}'s counts of the interval starting at {@code period}, once its report is out. */
    public synchronized void forget(Instant period, String domain) throws SQLException {
        db.forget(period, domain, "failures", "policies");
    }

    @Override
    public synchronized void close() throws SQLException {
        db.close();
    }
}
