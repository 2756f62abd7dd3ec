package dev.posthorn.mta.config;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The queue in a PostgreSQL database that several nodes share ({@code spool: "postgresql://HOST:PORT/DB"}).
 *
 * @param url         the URL as configured, without a password (for logs and {@code config defaults})
 * @param jdbcUrl     the same for the JDBC driver ({@code jdbc:postgresql://HOST:PORT/DB?...})
 * @param user        the user from the URL ({@code postgresql://USER@HOST/DB}), if any
 * @param password    the password from the URL, if any (a credentials file is the better place)
 * @param credentials {@code spool_credentials}: a file whose first line is {@code USER:PASSWORD}, read at start
 * @param node        {@code node}: this node's name among those sharing the database (default: the machine's name)
 * @param lease       {@code spool_lease}: how long a node's claim on a message lasts unrenewed; a dead node's
 *                    messages wait this long before another node takes them
 * @param poolSize    connections to the database
 */
public record SpoolDatabase(String url, String jdbcUrl, Optional<String> user, Optional<String> password,
                            Optional<Path> credentials, String node, Duration lease, int poolSize) {

    /** The default {@code spool_lease}. */
    public static final Duration LEASE = Duration.ofMinutes(2);
    /** Connections per node: the delivery workers and the receiving sessions share them. */
    public static final int POOL_SIZE = 16;

    public SpoolDatabase {
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(jdbcUrl, "jdbcUrl");
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(password, "password");
        Objects.requireNonNull(credentials, "credentials");
        if (node == null || !node.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,62}")) {
            throw new IllegalArgumentException("node: letters, digits, '.', '_' and '-', at most 63: " + node);
        }
        if (lease.compareTo(Duration.ofSeconds(2)) < 0) {
            throw new IllegalArgumentException("spool_lease: at least 2s");
        }
    }

    /** Whether {@code spool} names a database rather than a folder. */
    static boolean isUrl(String spool) {
        return spool.startsWith("postgresql://") || spool.startsWith("postgres://");
    }

    /**
     * Reads {@code postgresql://[USER[:PASSWORD]@]HOST[:PORT]/DB[?PARAMS]}.
     *
     * @throws IllegalArgumentException with the reason when it is not such a URL
     */
    static SpoolDatabase parse(String text, Optional<Path> credentials, String node, Duration lease) {
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("not a URL: " + e.getReason());
        }
        if (uri.getHost() == null || uri.getPath() == null || uri.getPath().length() < 2) {
            throw new IllegalArgumentException("expected postgresql://HOST[:PORT]/DATABASE");
        }
        Optional<String> user = Optional.empty();
        Optional<String> password = Optional.empty();
        if (uri.getUserInfo() != null) {
            String info = uri.getUserInfo();
            int colon = info.indexOf(':');
            user = Optional.of(colon < 0 ? info : info.substring(0, colon));
            password = colon < 0 ? Optional.empty() : Optional.of(info.substring(colon + 1));
        }
        String host = uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort());
        String rest = uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
        String shown = "postgresql://" + user.map(u -> u + "@").orElse("") + host + rest;
        return new SpoolDatabase(shown, "jdbc:postgresql://" + host + rest, user, password, credentials, node, lease,
                POOL_SIZE);
    }

    /** Whom to connect as: empty parts are left to the driver's defaults. */
    public record Login(Optional<String> user, Optional<String> password) {
        public Login {
            Objects.requireNonNull(user, "user");
            Objects.requireNonNull(password, "password");
        }
    }

    /** The user and password to connect with: from the credentials file when there is one, else from the URL. */
    public Login login() throws IOException {
        if (credentials.isEmpty()) {
            return new Login(user, password);
        }
        List<String> lines = Files.readAllLines(credentials.get(), StandardCharsets.UTF_8);
        String line = lines.isEmpty() ? "" : lines.getFirst().strip();
        int colon = line.indexOf(':');
        if (colon <= 0) {
            throw new IOException("spool_credentials " + credentials.get() + ": expected one line USER:PASSWORD");
        }
        return new Login(Optional.of(line.substring(0, colon)), Optional.of(line.substring(colon + 1)));
    }

    /** The machine's name, the default {@code node}: the kernel's host name, else the JVM's idea of it. */
    static String machineName() {
        try {
            String name = Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();
            if (!name.isEmpty()) {
                return name;
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: ask the JVM
        }
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "posthorn";
        }
    }

    @Override
    public String toString() {
        return url + " (node " + node + ")";
    }
}
