package dev.posthorn.mta.config;

import dev.posthorn.smtp.AddressLiteral;
import java.net.InetAddress;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One listening socket: the address and port to bind and what kind of SMTP service it offers.
 *
 * @param address       the local IP address to bind (a literal: binding never waits on DNS)
 * @param port          the TCP port, 1 to 65535
 * @param role          the service offered there
 * @param proxyProtocol whether every connection starts with a PROXY protocol header (HAProxy's
 *                      {@code proxy-protocol.txt}, v1 or v2) naming the real client, which then counts for
 *                      everything: Received, limits, trusted networks, SPF, logs
 * @param proxyFrom     the proxies whose headers are believed; with {@code proxyProtocol}, at least one, and a
 *                      connection from anywhere else is closed without a reply; without it, none
 * @param requireTls    whether REQUIRETLS (RFC 8689) is offered on this listener's TLS sessions: Posthorn keeps the
 *                      promise it makes (validated TLS to next hops that offer REQUIRETLS too), so on by default; off
 *                      for a listener whose mail must never be held for it, or to see how senders fare without
 */
public record Listener(InetAddress address, int port, Role role, boolean proxyProtocol, List<Network> proxyFrom,
                       boolean requireTls) {

    public Listener {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(role, "role");
        proxyFrom = List.copyOf(proxyFrom);
        if (proxyProtocol == proxyFrom.isEmpty()) {
            throw new IllegalArgumentException(proxyProtocol ? "proxy_protocol needs proxy_from"
                    : "proxy_from needs proxy_protocol: true");
        }
        // 0 (any free port) is for embedding and tests; the loader accepts only 1..65535 from a file.
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("port must be between 0 and 65535");
        }
    }

    /** A listener whose clients connect directly (no PROXY protocol). */
    public Listener(InetAddress address, int port, Role role) {
        this(address, port, role, false, List.of());
    }

    /** A listener offering REQUIRETLS (the default). */
    public Listener(InetAddress address, int port, Role role, boolean proxyProtocol, List<Network> proxyFrom) {
        this(address, port, role, proxyProtocol, proxyFrom, true);
    }

    /** This listener with REQUIRETLS offered or not. */
    public Listener withRequireTls(boolean offer) {
        return new Listener(address, port, role, proxyProtocol, proxyFrom, offer);
    }

    /** Whether {@code peer} is one of the proxies whose PROXY headers this listener believes. */
    public boolean fromProxy(InetAddress peer) {
        return proxyFrom.stream().anyMatch(network -> network.contains(peer));
    }

    /**
     * Whether this listener and {@code other} cannot both bind: the same port on the same address, or on an
     * address the other's wildcard already covers ({@code 0.0.0.0} covers IPv4; {@code ::} is dual-stack by default
     * in Java and covers both families).
     */
    public boolean clashesWith(Listener other) {
        if (port != other.port) {
            return false;
        }
        return address.equals(other.address) || covers(address, other.address) || covers(other.address, address);
    }

    private static boolean covers(InetAddress wildcard, InetAddress other) {
        return wildcard.isAnyLocalAddress()
                && (wildcard.getAddress().length == 16 || other.getAddress().length == 4);
    }

    @Override
    public String toString() {
        String host = AddressLiteral.format(address);
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port + " (" + role.configName() + ")";
    }

    /**
     * The services a listener can offer, named as in RFC 6409 and RFC 8314.
     */
    public enum Role {
        /** Mail from other servers (port 25, RFC 5321): no AUTH needed, STARTTLS offered. */
        MX("mx"),
        /** Message submission by users (port 587, RFC 6409): AUTH required, STARTTLS offered. */
        SUBMISSION("submission"),
        /** Submission over implicit TLS (port 465, RFC 8314 3.3): TLS from the first byte, then AUTH. */
        SUBMISSIONS("submissions");

        private final String configName;

        Role(String configName) {
            this.configName = configName;
        }

        /** The name used in the configuration file. */
        public String configName() {
            return configName;
        }

        /** The role with this exact configuration name. */
        public static Optional<Role> named(String name) {
            return Arrays.stream(values()).filter(r -> r.configName.equals(name)).findFirst();
        }
    }
}
