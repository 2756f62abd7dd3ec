package dev.posthorn.mta.spool;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.SequenceInputStream;
import java.nio.file.Path;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The queue in a PostgreSQL database, shared by several nodes (see the package documentation). A message is a row
 * of {@code spool_message} (its envelope and delivery state in the file spool's encodings) and its body chunks in
 * {@code spool_body}; the schema is created and migrated by Flyway at open.
 *
 * <p>Durability: every connection runs with {@code synchronous_commit = on}, so a commit returns only once the
 * database has flushed it; {@link MessageWriter#commit} is one transaction that stores the last chunk and the message
 * row together, so a message is whole or absent.
 *
 * <p>Leases: a node works only on messages it holds a lease on. {@link #scan} claims the earliest-due messages no
 * one holds ({@code SELECT ... FOR UPDATE SKIP LOCKED}, so nodes never claim the same row), a committed message is
 * held by the node that received it, and the leases of a node are renewed while it runs ({@link #renewLeases},
 * every quarter lease while the node runs). A node that dies loses its leases when they expire, and another
 * node's scan takes the messages. Every claim counts {@code lease_version} up; a node writes delivery progress and
 * removes a delivered message only under the version it claimed ({@link LeaseLost} otherwise), so a node that comes
 * back after its lease expired cannot undo what another node did meanwhile.
 *
 * <p>The operator's commands work on any node's message. A leased message is in its node's memory, waiting for a
 * retry or being delivered, so the node asked never writes over it: it {@linkplain #take takes} the message, asking
 * the holder on the {@code posthorn_spool} channel ({@code NOTIFY}) to give it up, which that node does once an
 * attempt running there has ended, and claims it when the lease is free. A flush is told on the same channel, and
 * every node starts what waits in its memory. Notifications are not durable: one sent while a node's listening
 * connection is down is lost, and the command answers busy, or the flush leaves those messages to their retry time.
 */
public final class PgSpool implements Spool, Closeable {

    private static final Logger log = LoggerFactory.getLogger(PgSpool.class);
    /** A body is stored in chunks of this size; a body that fits one is written in the commit's transaction. */
    static final int CHUNK = 256 * 1024;
    /** History kept per message: the last lines up to this many octets (as the file spool reads back). */
    private static final int HISTORY_READ = History.MAX_READ;

    /** The channel of {@code LISTEN}/{@code NOTIFY} on which the nodes ask things of each other. */
    static final String CHANNEL = "posthorn_spool";

    private final DataSource database;
    private final Closeable pool;
    /** How the listener connects (its connection is its own, outside the pool, for as long as it listens). */
    private final Login login;
    private final String node;
    private final Path local;
    /** The lease this node holds, per message id. */
    private final Map<String, Claim> leases = new ConcurrentHashMap<>();

    /**
     * A lease as this node knows it.
     *
     * @param version the lease version claimed
     * @param since   {@link System#nanoTime()} before the statement that began or last renewed its term
     */
    private record Claim(long version, long since) {
    }
    /** How long a lease lasts without renewal: the time another node waits for a dead node's messages. */
    private final Duration lease;
    /** Renews this node's leases every quarter lease; null for a submitter, which holds none. */
    private final java.util.concurrent.ScheduledExecutorService renewer;
    /** What the other nodes ask of this one, read from {@link #CHANNEL}; null until {@link #listen}. */
    private volatile Listener listener;

    /** The database's address and the credentials to connect with. */
    private record Login(String url, Optional<String> user, Optional<String> password) {
    }

    private PgSpool(DataSource database, Closeable pool, Login login, String node, Path local, Duration lease,
                    boolean submitter) {
        this.database = database;
        this.pool = pool;
        this.login = login;
        this.node = node;
        this.local = local;
        this.lease = lease;
        if (submitter) {
            this.renewer = null;
            return;
        }
        this.renewer = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "spool-lease-renewal");
            thread.setDaemon(true);
            return thread;
        });
        long every = Math.max(500, lease.toMillis() / 4);
        renewer.scheduleWithFixedDelay(() -> {
            try {
                renewLeases();
            } catch (IOException | RuntimeException e) {
                log.warn("spool database: renewing the leases of node {} failed: {}", node, e.toString());
            }
        }, every, every, java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    /**
     * Connects, creates or migrates the schema, and returns the spool of node {@code node}.
     *
     * @param url      a JDBC URL ({@code jdbc:postgresql://host:port/db})
     * @param user     the database user; empty for the URL's or the driver's default
     * @param password the user's password; empty for none
     * @param node     this node's name, unique among the nodes sharing the database
     * @param local    this node's own folder (lock, certificate, report counts)
     * @param poolSize connections to keep
     * @param lease    how long a claim lasts unrenewed (renewed every quarter of it while this node runs)
     */
    public static PgSpool open(String url, Optional<String> user, Optional<String> password, String node, Path local,
                               int poolSize, Duration lease) throws IOException {
        return open(url, user, password, node, local, poolSize, lease, false);
    }

    /**
     * The spool for local submissions (sendmail) beside the nodes: its messages are committed without a lease, so
     * the first node to scan takes them; it claims nothing and renews nothing.
     */
    public static PgSpool openForSubmission(String url, Optional<String> user, Optional<String> password, String node,
                                            Path local) throws IOException {
        return open(url, user, password, node, local, 2, Duration.ofMinutes(1), true);
    }

    private static PgSpool open(String url, Optional<String> user, Optional<String> password, String node, Path local,
                                int poolSize, Duration lease, boolean submitter) throws IOException {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        user.ifPresent(config::setUsername);
        password.ifPresent(config::setPassword);
        config.setMaximumPoolSize(poolSize);
        config.setPoolName("spool");
        config.setConnectionInitSql("SET synchronous_commit = on");
        config.setInitializationFailTimeout(10_000);
        HikariDataSource pool;
        try {
            pool = new HikariDataSource(config);
        } catch (RuntimeException e) {
            throw new IOException("spool database " + url + ": " + e.getMessage(), e);
        }
        try {
            Flyway.configure().dataSource(pool).locations("classpath:db/posthorn/spool")
                    .table("spool_schema_history").load().migrate();
        } catch (RuntimeException e) {
            pool.close();
            throw new IOException("spool database " + url + ": the schema could not be migrated: "
                    + e.getMessage(), e);
        }
        OwnerOnly.folders(local);
        return new PgSpool(pool, pool, new Login(url, user, password), node, local.toAbsolutePath().normalize(),
                lease, submitter);
    }

    /** This node's name. */
    public String node() {
        return node;
    }

    @Override
    public Path root() {
        return local;
    }

    /** The database's room is not known to a client: a full disk there fails the commit ({@link DiskFull}). */
    @Override
    public long usableSpace() {
        return Long.MAX_VALUE;
    }

    @Override
    public List<QueuedMessage> sweep() throws IOException {
        clean();
        List<QueuedMessage> all = new ArrayList<>();
        for (String id : ids(Integer.MAX_VALUE)) {
            peek(id).ifPresent(all::add);
        }
        return all;
    }

    /**
     * This node's start: what it held before it stopped (leases, bodies of messages it was receiving) is given up,
     * since nothing of it is in memory any more. Returns how many messages the queue holds, on every node.
     */
    @Override
    public int clean() throws IOException {
        return sql(c -> {
            try (PreparedStatement release = c.prepareStatement(
                    "UPDATE spool_message SET lease_node = NULL, lease_until = NULL WHERE lease_node = ?");
                 PreparedStatement chunks = c.prepareStatement(
                    "DELETE FROM spool_body WHERE id IN (SELECT id FROM spool_upload WHERE node = ?)");
                 PreparedStatement uploads = c.prepareStatement("DELETE FROM spool_upload WHERE node = ?");
                 PreparedStatement count = c.prepareStatement("SELECT count(*) FROM spool_message")) {
                release.setString(1, node);
                int released = release.executeUpdate();
                chunks.setString(1, node);
                chunks.executeUpdate();
                uploads.setString(1, node);
                int abandoned = uploads.executeUpdate();
                c.commit();
                try (ResultSet rs = count.executeQuery()) {
                    rs.next();
                    int queued = rs.getInt(1);
                    log.info("spool database, node {}: {} queued messages on all nodes; {} leases released, {} "
                            + "unfinished messages removed", node, queued, released, abandoned);
                    return queued;
                }
            }
        });
    }

    /**
     * Claims the earliest-due messages no node holds: up to {@code max} due by {@code horizon}. Those {@code skip}
     * names are claimed too when found (this node's own expired leases) but not returned.
     */
    @Override
    public Scan scan(Instant horizon, int max, Predicate<String> skip) throws IOException {
        return sql(c -> {
            List<Scan.Due> due = new ArrayList<>();
            long started = System.nanoTime();
            if (max > 0) {
                try (PreparedStatement claim = c.prepareStatement("""
                        WITH due AS (
                            SELECT id FROM spool_message
                            WHERE due_at <= ? AND (lease_until IS NULL OR lease_until < now())
                            ORDER BY due_at, id LIMIT ? FOR UPDATE SKIP LOCKED)
                        UPDATE spool_message m
                        SET lease_node = ?, lease_until = now() + make_interval(secs => ?),
                            lease_version = m.lease_version + 1
                        FROM due WHERE m.id = due.id
                        RETURNING m.id, m.due_at, m.lease_version""")) {
                    at(claim, 1, horizon);
                    claim.setInt(2, max);
                    claim.setString(3, node);
                    claim.setLong(4, lease.toSeconds());
                    try (ResultSet rs = claim.executeQuery()) {
                        while (rs.next()) {
                            String id = rs.getString(1);
                            leases.put(id, new Claim(rs.getLong(3), started));
                            if (!skip.test(id)) {
                                due.add(new Scan.Due(id, instant(rs, 2)));
                            }
                        }
                    }
                }
            }
            Optional<Instant> next;
            // When to look again: the next message due that no node holds, or the end of another node's lease on
            // a message due by then (a node that died leaves its messages to the first scan after its leases end).
            try (PreparedStatement later = c.prepareStatement("""
                    SELECT min(GREATEST(due_at, COALESCE(lease_until, due_at))) FROM spool_message
                    WHERE due_at < ? AND lease_node IS DISTINCT FROM ?""")) {
                at(later, 1, Scan.HELD);
                later.setString(2, node);
                try (ResultSet rs = later.executeQuery()) {
                    rs.next();
                    next = Optional.ofNullable(instant(rs, 1));
                }
            }
            c.commit();
            due.sort(Comparator.comparing(Scan.Due::at).thenComparing(Scan.Due::id));
            return new Scan(due, next);
        });
    }

    /**
     * Renews every lease this node holds; a message whose lease another node took meanwhile is forgotten here.
     * Returns how many leases were renewed.
     */
    public int renewLeases() throws IOException {
        // What is asked for: leases taken while the query runs are not in it, and must not be forgotten for that.
        Map<String, Claim> asked = Map.copyOf(leases);
        long started = System.nanoTime();
        if (asked.isEmpty()) {
            return 0;
        }
        return sql(c -> {
            Map<String, Long> renewed = new java.util.HashMap<>();
            try (PreparedStatement renew = c.prepareStatement("""
                    UPDATE spool_message SET lease_until = now() + make_interval(secs => ?)
                    WHERE lease_node = ? AND id = ANY (?) RETURNING id, lease_version""")) {
                renew.setLong(1, lease.toSeconds());
                renew.setString(2, node);
                Array ids = c.createArrayOf("text", asked.keySet().toArray());
                renew.setArray(3, ids);
                try (ResultSet rs = renew.executeQuery()) {
                    while (rs.next()) {
                        renewed.put(rs.getString(1), rs.getLong(2));
                    }
                }
            }
            c.commit();
            int held = 0;
            for (Map.Entry<String, Claim> claim : asked.entrySet()) {
                Long version = renewed.get(claim.getKey());
                if (version != null && version == claim.getValue().version()) {
                    held++;
                    leases.replace(claim.getKey(), claim.getValue(), new Claim(version, started));
                } else {
                    leases.remove(claim.getKey(), claim.getValue()); // another node's now (or gone)
                }
            }
            return held;
        });
    }

    /** Gives up this node's lease on a message it no longer holds in memory, so another node may take it. */
    @Override
    public void released(String id) throws IOException {
        Claim claim = leases.remove(id);
        if (claim == null) {
            return;
        }
        long version = claim.version();
        sql(c -> {
            try (PreparedStatement release = c.prepareStatement("""
                    UPDATE spool_message SET lease_node = NULL, lease_until = NULL
                    WHERE id = ? AND lease_node = ? AND lease_version = ?""")) {
                release.setString(1, id);
                release.setString(2, node);
                release.setLong(3, version);
                release.executeUpdate();
            }
            c.commit();
            return null;
        });
    }

    /**
     * Renews this node's lease on the message; false when it holds none or another node took it over. A lease whose
     * term began or was renewed less than half a lease ago (by this node's monotonic clock, which runs on while the
     * process is stopped) is still this node's without asking: no other node can have claimed it before it ends.
     */
    @Override
    public boolean mayDeliver(String id) throws IOException {
        Claim claim = leases.get(id);
        if (claim == null) {
            return false;
        }
        long started = System.nanoTime();
        if (started - claim.since() < lease.toNanos() / 2) {
            return true;
        }
        long version = claim.version();
        int renewed = sql(c -> {
            try (PreparedStatement renew = c.prepareStatement("""
                    UPDATE spool_message SET lease_until = now() + make_interval(secs => ?)
                    WHERE id = ? AND lease_node = ? AND lease_version = ?""")) {
                renew.setLong(1, lease.toSeconds());
                renew.setString(2, id);
                renew.setString(3, node);
                renew.setLong(4, version);
                int rows = renew.executeUpdate();
                c.commit();
                return rows;
            }
        });
        if (renewed == 0) {
            leases.remove(id, claim);
        } else {
            leases.replace(id, claim, new Claim(version, started));
        }
        return renewed > 0;
    }

    /**
     * Claims the message for this node's operator command: at once when no node holds it (or the lease ran out);
     * otherwise asks the holder on {@link #CHANNEL} to give it up and looks again, more slowly each time, until
     * {@code patience} has passed. A claim counts the version up, so whatever the former holder had is void.
     */
    @Override
    public boolean take(String id, Duration patience) throws IOException {
        long deadline = System.nanoTime() + patience.toNanos();
        String asked = null;
        long pause = 10;
        while (true) {
            long started = System.nanoTime();
            Optional<String> other = sql(c -> {
                try (PreparedStatement select = c.prepareStatement("SELECT lease_node, lease_until > now()"
                        + " FROM spool_message WHERE id = ? FOR UPDATE")) {
                    select.setString(1, id);
                    try (ResultSet rs = select.executeQuery()) {
                        if (!rs.next()) {
                            c.commit();
                            return Optional.<String>empty(); // gone: the command finds it so
                        }
                        String holder = rs.getString(1);
                        if (holder != null && rs.getBoolean(2) && !holder.equals(node)) {
                            c.commit();
                            return Optional.of(holder);
                        }
                    }
                }
                try (PreparedStatement claim = c.prepareStatement("""
                        UPDATE spool_message SET lease_node = ?, lease_until = now() + make_interval(secs => ?),
                            lease_version = lease_version + 1
                        WHERE id = ? RETURNING lease_version""")) {
                    claim.setString(1, node);
                    claim.setLong(2, lease.toSeconds());
                    claim.setString(3, id);
                    try (ResultSet rs = claim.executeQuery()) {
                        rs.next();
                        long version = rs.getLong(1);
                        c.commit();
                        leases.put(id, new Claim(version, started));
                    }
                }
                return Optional.<String>empty();
            });
            if (other.isEmpty()) {
                return true;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            if (!other.get().equals(asked)) {
                tell("yield " + id + " " + node);
                asked = other.get();
            }
            try {
                Thread.sleep(Math.min(pause, Math.max(1, left / 1_000_000)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for node " + asked + " to give up " + id);
            }
            pause = Math.min(pause * 2, 250);
        }
    }

    /** Tells the other nodes on {@link #CHANNEL}; a domain no node could have a recipient in is not sent. */
    @Override
    public void flushed(Optional<String> domain, boolean subdomains) throws IOException {
        if (domain.isPresent() && !domain.get().matches("[\\p{L}\\p{N}._-]{1,255}")) {
            return;
        }
        tell("flush " + node + " " + (subdomains ? "1" : "0") + " " + domain.orElse("*"));
    }

    private void tell(String payload) throws IOException {
        sql(c -> {
            try (PreparedStatement notify = c.prepareStatement("SELECT pg_notify(?, ?)")) {
                notify.setString(1, CHANNEL);
                notify.setString(2, payload);
                notify.executeQuery().close();
            }
            c.commit();
            return null;
        });
    }

    /** Starts listening on {@link #CHANNEL} on a connection of its own; requests go to {@code requests}. */
    @Override
    public synchronized void listen(Requests requests) {
        if (listener != null || renewer == null) {
            return;
        }
        listener = new Listener(requests);
        Thread.ofPlatform().name("spool-listener").daemon(true).start(listener);
    }

    /**
     * Reads the other nodes' requests: {@code yield ID NODE} (an operator's command on NODE needs message ID: the
     * node that holds it gives it up) and {@code flush NODE 0|1 DOMAIN|*} (NODE's operator flushed the queue).
     * A dropped connection is opened again after a pause; what was sent meanwhile is lost (a command waiting for a
     * message answers busy, a flush leaves messages to their retry times).
     */
    private final class Listener implements Runnable {
        private final Requests requests;
        private volatile boolean stopped;
        private volatile Connection connection;

        Listener(Requests requests) {
            this.requests = requests;
        }

        @Override
        public void run() {
            long pause = 1000;
            while (!stopped) {
                try (Connection c = connect()) {
                    connection = c;
                    try (java.sql.Statement listen = c.createStatement()) {
                        listen.execute("LISTEN " + CHANNEL);
                    }
                    pause = 1000;
                    org.postgresql.PGConnection pg = c.unwrap(org.postgresql.PGConnection.class);
                    while (!stopped) {
                        org.postgresql.PGNotification[] got = pg.getNotifications(500);
                        for (org.postgresql.PGNotification notification : got == null
                                ? new org.postgresql.PGNotification[0] : got) {
                            try {
                                dispatch(notification.getParameter());
                            } catch (RuntimeException e) {
                                log.warn("spool database: node {} could not do what another node asked ({}): {}",
                                        node, notification.getParameter(), e.toString());
                            }
                        }
                    }
                } catch (SQLException | RuntimeException e) {
                    if (stopped) {
                        return;
                    }
                    log.warn("spool database: node {} does not hear the other nodes ({}); trying again in {} s",
                            node, e.toString(), pause / 1000);
                    try {
                        Thread.sleep(pause);
                    } catch (InterruptedException interrupted) {
                        return;
                    }
                    pause = Math.min(pause * 2, 30_000);
                }
            }
        }

        private Connection connect() throws SQLException {
            java.util.Properties properties = new java.util.Properties();
            login.user().ifPresent(user -> properties.setProperty("user", user));
            login.password().ifPresent(password -> properties.setProperty("password", password));
            properties.setProperty("ApplicationName", "posthorn " + node);
            Connection c = java.sql.DriverManager.getConnection(login.url(), properties);
            c.setAutoCommit(true);
            return c;
        }

        private void dispatch(String payload) {
            String[] word = payload.split(" ", 4);
            if (word.length == 3 && word[0].equals("yield") && !word[2].equals(node) && leases.containsKey(word[1])) {
                requests.giveUp(word[1]);
            } else if (word.length == 4 && word[0].equals("flush") && !word[1].equals(node)) {
                requests.flush(word[3].equals("*") ? Optional.empty() : Optional.of(word[3]), word[2].equals("1"));
            }
        }

        void stop() {
            stopped = true;
            Connection c = connection;
            if (c != null) {
                try {
                    c.close();
                } catch (SQLException e) {
                    // closing anyway
                }
            }
        }
    }

    @Override
    public Map<String, String> holders() throws IOException {
        return sql(c -> {
            Map<String, String> holders = new java.util.HashMap<>();
            try (PreparedStatement select = c.prepareStatement(
                    "SELECT id, lease_node FROM spool_message WHERE lease_node IS NOT NULL AND lease_until > now()")) {
                try (ResultSet rs = select.executeQuery()) {
                    while (rs.next()) {
                        holders.put(rs.getString(1), rs.getString(2));
                    }
                }
            }
            c.commit();
            return holders;
        });
    }

    @Override
    public Optional<String> holder(String id) throws IOException {
        return sql(c -> {
            try (PreparedStatement select = c.prepareStatement("SELECT lease_node FROM spool_message"
                    + " WHERE id = ? AND lease_node IS NOT NULL AND lease_until > now()")) {
                select.setString(1, id);
                try (ResultSet rs = select.executeQuery()) {
                    Optional<String> node = rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
                    c.commit();
                    return node;
                }
            }
        });
    }

    /** Whether this node holds a lease on the message (as far as it knows: a renewal may find it lost). */
    public boolean holds(String id) {
        return leases.containsKey(id);
    }

    @Override
    public Optional<QueuedMessage> peek(String id) throws IOException {
        return SpoolEnvelope.isId(id) ? read(id) : Optional.empty();
    }

    @Override
    public Optional<QueuedMessage> load(String id) throws IOException {
        if (!SpoolEnvelope.isId(id)) {
            throw new IllegalArgumentException("bad queue id");
        }
        return read(id);
    }

    private Optional<QueuedMessage> read(String id) throws IOException {
        return sql(c -> {
            try (PreparedStatement select = c.prepareStatement(
                    "SELECT envelope, body_length, state FROM spool_message WHERE id = ?")) {
                select.setString(1, id);
                try (ResultSet rs = select.executeQuery()) {
                    c.commit();
                    if (!rs.next()) {
                        return Optional.empty();
                    }
                    SpoolEnvelope envelope = EnvelopeCodec.decode(rs.getBytes(1));
                    byte[] stateBytes = rs.getBytes(3);
                    int recipients = envelope.recipients().size();
                    DeliveryState state = stateBytes == null
                            ? DeliveryState.initial(recipients, envelope.receivedAt())
                            : DeliveryState.decode(stateBytes, recipients);
                    return Optional.of(new QueuedMessage(envelope, rs.getLong(2), state));
                }
            }
        });
    }

    @Override
    public List<String> ids(int max) throws IOException {
        return sql(c -> {
            try (PreparedStatement select = c.prepareStatement("SELECT id FROM spool_message ORDER BY id LIMIT ?")) {
                select.setLong(1, max);
                List<String> ids = new ArrayList<>();
                try (ResultSet rs = select.executeQuery()) {
                    while (rs.next()) {
                        ids.add(rs.getString(1));
                    }
                }
                c.commit();
                return ids;
            }
        });
    }

    @Override
    public Scan.Census census(Instant now) throws IOException {
        return sql(c -> {
            try (PreparedStatement select = c.prepareStatement("""
                    SELECT count(*) FILTER (WHERE due_at <= ?),
                           count(*) FILTER (WHERE due_at > ? AND due_at < ?),
                           count(*) FILTER (WHERE due_at >= ?)
                    FROM spool_message""")) {
                at(select, 1, now);
                at(select, 2, now);
                at(select, 3, Scan.HELD);
                at(select, 4, Scan.HELD);
                try (ResultSet rs = select.executeQuery()) {
                    rs.next();
                    Scan.Census census = new Scan.Census(rs.getInt(1), rs.getInt(2), rs.getInt(3));
                    c.commit();
                    return census;
                }
            }
        });
    }

    @Override
    public boolean appendHistory(String id, String line) throws IOException {
        String kept = History.clean(line);
        sql(c -> {
            try (PreparedStatement insert = c.prepareStatement(
                    "INSERT INTO spool_history (id, line) VALUES (?, ?)")) {
                insert.setString(1, id);
                insert.setString(2, kept.replace('\0', ' '));
                insert.executeUpdate();
            }
            c.commit();
            return null;
        });
        return kept.length() == line.length();
    }

    /** The last lines, at most {@link History#MAX_READ} octets of them, oldest first. */
    @Override
    public List<String> history(String id) throws IOException {
        if (!SpoolEnvelope.isId(id)) {
            return List.of();
        }
        return sql(c -> {
            List<String> lines = new ArrayList<>();
            try (PreparedStatement select = c.prepareStatement(
                    "SELECT line FROM spool_history WHERE id = ? ORDER BY seq DESC")) {
                select.setString(1, id);
                select.setFetchSize(100);
                try (ResultSet rs = select.executeQuery()) {
                    long octets = 0;
                    while (rs.next()) {
                        String line = rs.getString(1);
                        octets += line.getBytes(java.nio.charset.StandardCharsets.UTF_8).length + 1;
                        if (octets > HISTORY_READ) {
                            break;
                        }
                        lines.add(line);
                    }
                }
            }
            c.commit();
            Collections.reverse(lines);
            return lines;
        });
    }

    @Override
    public MessageWriter writer(String id) throws IOException {
        if (!SpoolEnvelope.isId(id)) {
            throw new IllegalArgumentException("bad queue id");
        }
        return new Writer(id);
    }

    @Override
    public InputStream rawBody(QueuedMessage message) throws IOException {
        return new BodyInput(new Chunks(message.id(), message.bodyLength()), message.bodyLength());
    }

    /**
     * Records delivery progress under this node's lease: the queue runner's, or the one an operator's command
     * {@linkplain #take took}. A message this node holds no lease on is written as it is.
     *
     * @throws LeaseLost when another node claimed the message since this node did
     */
    @Override
    public void save(String id, DeliveryState state) throws IOException {
        Claim claim = leases.get(id);
        Long version = claim == null ? null : claim.version();
        int updated = sql(c -> {
            try (PreparedStatement update = c.prepareStatement(version == null
                    ? "UPDATE spool_message SET state = ?, due_at = ? WHERE id = ?"
                    : "UPDATE spool_message SET state = ?, due_at = ? WHERE id = ? AND lease_node = ?"
                            + " AND lease_version = ?")) {
                update.setBytes(1, state.encode());
                at(update, 2, state.held() ? Scan.HELD : state.nextAttempt());
                update.setString(3, id);
                if (version != null) {
                    update.setString(4, node);
                    update.setLong(5, version);
                }
                int rows = update.executeUpdate();
                c.commit();
                return rows;
            }
        });
        if (updated == 0 && claim != null) {
            leases.remove(id, claim);
            throw new LeaseLost(id);
        }
    }

    @Override
    public void remove(QueuedMessage message, boolean hasState) throws IOException {
        Claim claim = leases.get(message.id());
        Long version = claim == null ? null : claim.version();
        int removed = delete(message.id(), version);
        if (claim != null) {
            leases.remove(message.id(), claim);
        }
        if (removed == 0 && version != null) {
            throw new LeaseLost(message.id());
        }
    }

    /** Removes a message whoever holds it (the operator's delete). */
    @Override
    public void remove(String id, boolean hasState) throws IOException {
        delete(id, null);
        leases.remove(id);
    }

    /** Removes the message row, its body and its history in one statement; returns 1, or 0 when it was not there. */
    private int delete(String id, Long version) throws IOException {
        return sql(c -> {
            try (PreparedStatement delete = c.prepareStatement("""
                    WITH message AS (DELETE FROM spool_message WHERE %s RETURNING id),
                        body AS (DELETE FROM spool_body WHERE id IN (SELECT id FROM message)),
                        history AS (DELETE FROM spool_history WHERE id IN (SELECT id FROM message))
                    SELECT count(*) FROM message""".formatted(version == null ? "id = ?"
                    : "id = ? AND lease_node = ? AND lease_version = ?"))) {
                delete.setString(1, id);
                if (version != null) {
                    delete.setString(2, node);
                    delete.setLong(3, version);
                }
                try (ResultSet rs = delete.executeQuery()) {
                    rs.next();
                    int rows = rs.getInt(1);
                    c.commit();
                    return rows;
                }
            }
        });
    }

    @Override
    public boolean contains(String id) {
        try {
            return sql(c -> {
                try (PreparedStatement select = c.prepareStatement("SELECT 1 FROM spool_message WHERE id = ?")) {
                    select.setString(1, id);
                    try (ResultSet rs = select.executeQuery()) {
                        boolean found = rs.next();
                        c.commit();
                        return found;
                    }
                }
            });
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /**
     * Stops renewing, gives up every lease this node still holds (the daemon closes the spool after its attempts
     * ended, so the other nodes may take its messages at once rather than when the leases run out), and closes the
     * connections.
     */
    @Override
    public void close() throws IOException {
        try {
            Listener listening = listener;
            if (listening != null) {
                listening.stop();
            }
            if (renewer != null) {
                renewer.shutdownNow();
                sql(c -> {
                    try (PreparedStatement release = c.prepareStatement(
                            "UPDATE spool_message SET lease_node = NULL, lease_until = NULL WHERE lease_node = ?")) {
                        release.setString(1, node);
                        release.executeUpdate();
                    }
                    c.commit();
                    return null;
                });
                leases.clear();
            }
        } finally {
            pool.close();
        }
    }

    /** Another node claimed the message since this node did: this node's work on it is void. */
    public static final class LeaseLost extends IOException {
        private static final long serialVersionUID = 1L;

        LeaseLost(String id) {
            super(id + ": another node took over the message (lease lost)");
        }
    }

    private static void at(PreparedStatement statement, int index, Instant instant) throws SQLException {
        statement.setObject(index, OffsetDateTime.ofInstant(instant, ZoneOffset.UTC));
    }

    private static Instant instant(ResultSet rs, int index) throws SQLException {
        OffsetDateTime time = rs.getObject(index, OffsetDateTime.class);
        return time == null ? null : time.toInstant();
    }

    @FunctionalInterface
    private interface Work<T> {
        T run(Connection connection) throws SQLException, IOException;
    }

    /** Runs {@code work} on a pooled connection in a transaction of its own; a database error as an IOException. */
    private <T> T sql(Work<T> work) throws IOException {
        try (Connection c = database.getConnection()) {
            c.setAutoCommit(false);
            try {
                return work.run(c);
            } catch (SQLException | IOException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            // 53100 disk_full, 53200 out_of_memory, 53300 too_many_connections: the database has no room now
            throw "53100".equals(e.getSQLState()) ? DiskFull.database(e) : new IOException("spool database: " + e, e);
        }
    }

    /**
     * A body read one chunk at a time, each chunk one query: no transaction stays open while a transport sends. A
     * chunk missing before {@code length} octets were read (the message was removed meanwhile, by the operator) is
     * an error, never a shorter message.
     */
    private final class Chunks extends InputStream {
        private final String id;
        private final long length;
        private long delivered;
        private int seq;
        private InputStream chunk = InputStream.nullInputStream();
        private boolean done;

        Chunks(String id, long length) {
            this.id = id;
            this.length = length;
        }

        private boolean fill() throws IOException {
            if (done) {
                return false;
            }
            byte[] data = sql(c -> {
                try (PreparedStatement select = c.prepareStatement(
                        "SELECT data FROM spool_body WHERE id = ? AND seq = ?")) {
                    select.setString(1, id);
                    select.setInt(2, seq);
                    try (ResultSet rs = select.executeQuery()) {
                        byte[] found = rs.next() ? rs.getBytes(1) : null;
                        c.commit();
                        return found;
                    }
                }
            });
            if (data == null) {
                done = true;
                if (delivered < length) {
                    throw new IOException(id + ": removed from the queue while being read");
                }
                return false;
            }
            delivered += data.length;
            seq++;
            chunk = new ByteArrayInputStream(data);
            return true;
        }

        @Override
        public int read() throws IOException {
            int b = chunk.read();
            while (b < 0 && fill()) {
                b = chunk.read();
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            int n = chunk.read(b, off, len);
            while (n < 0 && fill()) {
                n = chunk.read(b, off, len);
            }
            return n;
        }
    }

    /**
     * A new message: the body is kept in memory up to one {@link #CHUNK}; a longer one is stored chunk by chunk as it
     * comes (noted in {@code spool_upload}, so a restart of this node removes it if never committed), and the last
     * chunk goes with the message row in the commit's transaction.
     */
    private final class Writer implements MessageWriter {
        private final String id;
        private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        private final OutputStream body;
        private int stored;
        private long length;
        private boolean committed;

        Writer(String id) {
            this.id = id;
            this.body = new OutputStream() {
                @Override
                public void write(int b) throws IOException {
                    write(new byte[] {(byte) b}, 0, 1);
                }

                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    while (len > 0) {
                        int n = Math.min(len, CHUNK - buffer.size());
                        buffer.write(b, off, n);
                        off += n;
                        len -= n;
                        length += n;
                        if (buffer.size() == CHUNK) {
                            spill();
                        }
                    }
                }
            };
        }

        private void spill() throws IOException {
            byte[] data = buffer.toByteArray();
            int seq = stored;
            sql(c -> {
                if (seq == 0) {
                    try (PreparedStatement upload = c.prepareStatement(
                            "INSERT INTO spool_upload (id, node) VALUES (?, ?)")) {
                        upload.setString(1, id);
                        upload.setString(2, node);
                        upload.executeUpdate();
                    }
                }
                insertChunk(c, seq, data);
                c.commit();
                return null;
            });
            stored++;
            buffer.reset();
        }

        private void insertChunk(Connection c, int seq, byte[] data) throws SQLException {
            try (PreparedStatement insert = c.prepareStatement(
                    "INSERT INTO spool_body (id, seq, data) VALUES (?, ?, ?)")) {
                insert.setString(1, id);
                insert.setInt(2, seq);
                insert.setBytes(3, data);
                insert.executeUpdate();
            }
        }

        @Override
        public OutputStream body() {
            return body;
        }

        @Override
        public InputStream written() {
            InputStream tail = new ByteArrayInputStream(buffer.toByteArray());
            long spilled = (long) stored * CHUNK;
            return stored == 0 ? tail
                    : new SequenceInputStream(new BodyInput(new Chunks(id, spilled), spilled), tail);
        }

        @Override
        public QueuedMessage commit(SpoolEnvelope envelope) throws IOException {
            if (!envelope.id().equals(id)) {
                throw new IllegalArgumentException("envelope id differs from the writer's");
            }
            byte[] last = buffer.toByteArray();
            long started = System.nanoTime();
            long version = sql(c -> {
                if (last.length > 0 || stored == 0) {
                    insertChunk(c, stored, last);
                }
                try (PreparedStatement insert = c.prepareStatement(renewer == null ? """
                        INSERT INTO spool_message (id, envelope, body_length, due_at) VALUES (?, ?, ?, ?)"""
                        : """
                        INSERT INTO spool_message (id, envelope, body_length, due_at, lease_node, lease_until,
                                                   lease_version)
                        VALUES (?, ?, ?, ?, ?, now() + make_interval(secs => ?), 1)""")) {
                    insert.setString(1, id);
                    insert.setBytes(2, EnvelopeCodec.encode(envelope));
                    insert.setLong(3, length);
                    at(insert, 4, envelope.receivedAt());
                    if (renewer != null) {
                        insert.setString(5, node);
                        insert.setLong(6, lease.toSeconds());
                    }
                    insert.executeUpdate();
                }
                if (stored > 0) {
                    try (PreparedStatement upload = c.prepareStatement("DELETE FROM spool_upload WHERE id = ?")) {
                        upload.setString(1, id);
                        upload.executeUpdate();
                    }
                }
                c.commit();
                return 1L;
            });
            committed = true;
            if (renewer != null) {
                leases.put(id, new Claim(version, started));
            }
            buffer.reset();
            return new QueuedMessage(envelope, length,
                    DeliveryState.initial(envelope.recipients().size(), envelope.receivedAt()));
        }

        @Override
        public void close() throws IOException {
            if (committed || stored == 0) {
                return;
            }
            sql(c -> {
                for (String sql : List.of("DELETE FROM spool_body WHERE id = ?", "DELETE FROM spool_upload WHERE id = ?")) {
                    try (PreparedStatement delete = c.prepareStatement(sql)) {
                        delete.setString(1, id);
                        delete.executeUpdate();
                    }
                }
                c.commit();
                return null;
            });
        }
    }
}
