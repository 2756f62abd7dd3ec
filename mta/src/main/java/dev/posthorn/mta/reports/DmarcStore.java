package dev.posthorn.mta.reports;

import dev.posthorn.mailauth.dmarc.AggregateReport;
import dev.posthorn.mailauth.dmarc.DmarcRecord;
import dev.posthorn.mailauth.dmarc.ReportUri;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * What the inbound DMARC checks saw, counted per reporting interval, policy domain and combination of results: the
 * data of the aggregate reports still to be sent, in SQLite in the spool folder ({@value #FILE}, see
 * {@link Database}), used under this object's lock. Rows are counted up in place, so the file grows with the distinct
 * combinations, not with the mail.
 *
 * <p>Everything here came from untrusted messages and DNS, but only after the checks bounded it: domains are
 * validated names, selectors are bounded, and at most {@link #MAX_ROWS} distinct rows are kept per interval (a sender
 * that varies its results cannot grow the file without end; messages beyond it go uncounted, with one warning).
 */
public final class DmarcStore implements Ticker.Counts, AutoCloseable {

    /** The database file in the spool folder. */
    public static final String FILE = "dmarc-reports.db";
    /** Distinct rows kept per interval across all domains. */
    public static final int MAX_ROWS = 100_000;

    private static final int VERSION = 1;
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(DmarcStore.class);

    private final Database db;
    private final Database.RowCap cap;
    /** The interval whose full cap was logged (once per interval). */
    private long warned = Long.MIN_VALUE;

    private DmarcStore(Database db, int maxRows) {
        this.db = db;
        this.cap = db.rowCap(maxRows, "rows");
    }

    /** Opens (or creates) the store in {@code spool}. */
    public static DmarcStore open(Path spool) throws SQLException {
        return open(spool, MAX_ROWS);
    }

    /** With another row limit per interval (tests). */
    static DmarcStore open(Path spool, int maxRows) throws SQLException {
        return new DmarcStore(Database.open(spool.resolve(FILE), VERSION, List.of(
                "CREATE TABLE IF NOT EXISTS policies (period INTEGER NOT NULL, domain TEXT NOT NULL,"
                        + " p TEXT NOT NULL, sp TEXT, adkim INTEGER NOT NULL, aspf INTEGER NOT NULL,"
                        + " pct INTEGER NOT NULL, fo TEXT NOT NULL, rua TEXT NOT NULL, PRIMARY KEY (period, domain))",
                "CREATE TABLE IF NOT EXISTS rows (period INTEGER NOT NULL, domain TEXT NOT NULL,"
                        + " source_ip TEXT NOT NULL, disposition TEXT NOT NULL, dkim_aligned INTEGER NOT NULL,"
                        + " spf_aligned INTEGER NOT NULL, overrides TEXT NOT NULL, envelope_from TEXT NOT NULL,"
                        + " header_from TEXT NOT NULL, dkim TEXT NOT NULL, spf_domain TEXT NOT NULL,"
                        + " spf_helo INTEGER NOT NULL, spf_result TEXT NOT NULL, count INTEGER NOT NULL,"
                        + " PRIMARY KEY (period, domain, source_ip, disposition, dkim_aligned, spf_aligned, overrides,"
                        + " envelope_from, header_from, dkim, spf_domain, spf_helo, spf_result))")), maxRows);
    }

    /**
     * Counts one message.
     *
     * @param period    the start of its reporting interval
     * @param domain    the policy domain
     * @param published the record that applied, kept as last seen in the interval
     */
    public synchronized void count(Instant period, String domain, DmarcRecord published, AggregateReport.Row row)
            throws SQLException {
        long key = period.getEpochSecond();
        boolean roomForNew = cap.room(key);
        db.transaction(() -> {
            savePolicy(key, domain, published);
            int changed = saveRow(key, domain, row, roomForNew);
            if (changed == 0 && warned != key) {
                warned = key;
                log.warn("DMARC reports: {} distinct rows in this interval; messages with new results go uncounted",
                        cap.max());
            }
        });
    }

    private void savePolicy(long period, String domain, DmarcRecord record) throws SQLException {
        try (PreparedStatement upsert = db.prepare("INSERT INTO policies VALUES (?,?,?,?,?,?,?,?,?)"
                + " ON CONFLICT (period, domain) DO UPDATE SET p = excluded.p, sp = excluded.sp,"
                + " adkim = excluded.adkim, aspf = excluded.aspf, pct = excluded.pct, fo = excluded.fo,"
                + " rua = excluded.rua")) {
            upsert.setLong(1, period);
            upsert.setString(2, domain);
            upsert.setString(3, record.policy().name());
            upsert.setString(4, record.subdomainPolicy().map(Enum::name).orElse(null));
            upsert.setInt(5, record.strictDkim() ? 1 : 0);
            upsert.setInt(6, record.strictSpf() ? 1 : 0);
            upsert.setInt(7, record.percent());
            upsert.setString(8, record.failureOptions());
            // One per line: an address decoded from %2C may hold a comma, never a line end.
            upsert.setString(9, record.aggregate().stream().map(ReportUri::toString).collect(Collectors.joining("\n")));
            upsert.executeUpdate();
        }
    }

    /** @return 1 when counted (one more, or a new row), 0 when a new row had no room */
    private int saveRow(long period, String domain, AggregateReport.Row row, boolean roomForNew) throws SQLException {
        try (PreparedStatement update = db.prepare("UPDATE rows SET count = count + 1"
                + " WHERE period = ? AND domain = ? AND source_ip = ? AND disposition = ? AND dkim_aligned = ?"
                + " AND spf_aligned = ? AND overrides = ? AND envelope_from = ? AND header_from = ? AND dkim = ?"
                + " AND spf_domain = ? AND spf_helo = ? AND spf_result = ?")) {
            bind(update, period, domain, row);
            int counted = update.executeUpdate();
            if (counted > 0 || !roomForNew) {
                return counted > 0 ? 1 : 0;
            }
        }
        try (PreparedStatement insert = db.prepare(
                "INSERT INTO rows VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,1)")) {
            bind(insert, period, domain, row);
            insert.executeUpdate();
            cap.added();
            return 1;
        }
    }

    private static void bind(PreparedStatement statement, long period, String domain, AggregateReport.Row row)
            throws SQLException {
        statement.setLong(1, period);
        statement.setString(2, domain);
        statement.setString(3, AggregateReport.address(row.source()));
        statement.setString(4, row.disposition().name());
        statement.setInt(5, row.dkimAligned() ? 1 : 0);
        statement.setInt(6, row.spfAligned() ? 1 : 0);
        statement.setString(7, row.overrides().stream().map(Enum::name).collect(Collectors.joining(",")));
        statement.setString(8, row.envelopeFrom());
        statement.setString(9, row.headerFrom());
        // Domains and selectors come without spaces or line ends (InboundChecks makes sure): one signature a line.
        statement.setString(10, row.dkim().stream().map(d -> d.domain() + " " + d.selector() + " " + d.result())
                .collect(Collectors.joining("\n")));
        statement.setString(11, row.spf().domain());
        statement.setInt(12, row.spf().helo() ? 1 : 0);
        statement.setString(13, row.spf().result());
    }

    /** The intervals that began before {@code before} and still hold rows, oldest first. */
    @Override
    public synchronized List<Instant> periodsBefore(Instant before) throws SQLException {
        return db.query("SELECT DISTINCT period FROM rows WHERE period < ? ORDER BY period", before,
                rs -> Instant.ofEpochSecond(rs.getLong(1)));
    }

    /** The policy domains with rows in the interval starting at {@code period}. */
    @Override
    public synchronized List<String> domains(Instant period) throws SQLException {
        return db.query("SELECT DISTINCT domain FROM rows WHERE period = ? ORDER BY domain", period,
                rs -> rs.getString(1));
    }

    /** One domain's data in one interval: the record last seen and the rows. */
    public record Entry(DmarcRecord published, List<AggregateReport.Row> rows) {
    }

    /** The record and rows of {@code domain} in the interval starting at {@code period}; empty when none. */
    public synchronized Optional<Entry> entry(Instant period, String domain) throws SQLException {
        Optional<DmarcRecord> record = policy(period.getEpochSecond(), domain);
        if (record.isEmpty()) {
            return Optional.empty();
        }
        List<AggregateReport.Row> rows = db.query("SELECT source_ip, disposition, dkim_aligned, spf_aligned,"
                + " overrides, envelope_from, header_from, dkim, spf_domain, spf_helo, spf_result, count"
                + " FROM rows WHERE period = ? AND domain = ? ORDER BY count DESC, source_ip", period,
                DmarcStore::row, domain);
        return rows.isEmpty() ? Optional.empty() : Optional.of(new Entry(record.get(), rows));
    }

    private Optional<DmarcRecord> policy(long period, String domain) throws SQLException {
        try (PreparedStatement query = db.prepare(
                "SELECT p, sp, adkim, aspf, pct, fo, rua FROM policies WHERE period = ? AND domain = ?")) {
            query.setLong(1, period);
            query.setString(2, domain);
            try (ResultSet rs = query.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                List<ReportUri> rua = rs.getString(7).isEmpty() ? List.of()
                        : rs.getString(7).lines().flatMap(line -> ReportUri.parseList(line).stream()).toList();
                return Optional.of(new DmarcRecord(DmarcRecord.Policy.valueOf(rs.getString(1)),
                        Optional.ofNullable(rs.getString(2)).map(DmarcRecord.Policy::valueOf), rs.getInt(3) == 1,
                        rs.getInt(4) == 1, rs.getInt(5), rua, rs.getString(6)));
            }
        }
    }

    private static AggregateReport.Row row(ResultSet rs) throws SQLException {
        InetAddress source;
        try {
            source = InetAddress.getByName(rs.getString(1));   // a literal written by this class: no lookup
        } catch (UnknownHostException e) {
            throw new SQLException("bad source_ip in " + FILE + ": " + rs.getString(1), e);
        }
        List<AggregateReport.Override> overrides = rs.getString(5).isEmpty() ? List.of()
                : Arrays.stream(rs.getString(5).split(",")).map(AggregateReport.Override::valueOf).toList();
        List<AggregateReport.DkimAuth> dkim = rs.getString(8).lines().map(line -> line.split(" ", 3))
                .map(f -> new AggregateReport.DkimAuth(f[0], f[1], f[2])).toList();
        return new AggregateReport.Row(source, rs.getLong(12), DmarcRecord.Policy.valueOf(rs.getString(2)),
                rs.getInt(3) == 1, rs.getInt(4) == 1, overrides, rs.getString(6), rs.getString(7), dkim,
                new AggregateReport.SpfAuth(rs.getString(9), rs.getInt(10) == 1, rs.getString(11)));
    }

    /** Forgets {@code domain}'s data of the interval starting at {@code period}, once its report is queued. */
    public synchronized void forget(Instant period, String domain) throws SQLException {
        db.forget(period, domain, "rows", "policies");
    }

    @Override
    public synchronized void close() throws SQLException {
        db.close();
    }
}
