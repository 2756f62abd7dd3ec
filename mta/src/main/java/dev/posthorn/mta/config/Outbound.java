package dev.posthorn.mta.config;

import dev.posthorn.mta.routing.Names;
import dev.posthorn.mta.tls.TlsPolicy;
import dev.posthorn.smtp.client.ClientTimeouts;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * How other domains' mail servers are contacted: the MX hosts of a domain, and the servers routes name as
 * {@code host:port} (a smarthost has its own TLS policy, {@link Relay#tls()}).
 *
 * @param port        the TCP port of MX hosts: 25, the SMTP port, in production; tests use their own
 * @param tls         the TLS policy for MX hosts and routes of domains that {@code tlsPolicy} does not name and
 *                    whose MTA-STS policy does not enforce; {@link TlsPolicy#MAY} is the one that works with every
 *                    server on the Internet, {@link TlsPolicy#DANE} adds opportunistic DANE; never
 *                    {@link TlsPolicy#DANE_ONLY}
 * @param tlsPolicy   the TLS policy of single domains, by lower-case name, in the order written: ahead of DANE,
 *                    MTA-STS and {@code tls}
 * @param caFile      a PEM bundle of the CAs that {@code verify} and MTA-STS trust (for the MX certificates and the
 *                    policy's HTTPS server); empty means the JDK's trust store
 * @param mtaSts      whether MTA-STS policies (RFC 8461) are looked up and applied
 * @param mtaStsCache the folder where fetched MTA-STS policies are kept across restarts; empty means
 *                    {@code state/mta-sts} in the spool
 * @param timeouts    the SMTP and LMTP client's deadline for each step of a session; the defaults are RFC 5321
 *                    4.5.3.2's minimums, which a sender should not go below: a slow server that is within them is
 *                    still a working server
 * @param bindAddress the local address outbound connections come from (to servers of its address family); empty
 *                    lets the operating system choose. For a host with several addresses, where SPF records, PTR
 *                    names and blocklists know one of them as the mail server (Postfix's smtp_bind_address)
 */
public record Outbound(int port, TlsPolicy tls, Map<String, TlsPolicy> tlsPolicy, Optional<Path> caFile,
                       boolean mtaSts, Optional<Path> mtaStsCache, ClientTimeouts timeouts,
                       Optional<InetAddress> bindAddress) {

    public Outbound {
        Objects.requireNonNull(tls, "tls");
        Objects.requireNonNull(caFile, "caFile");
        Objects.requireNonNull(mtaStsCache, "mtaStsCache");
        Objects.requireNonNull(timeouts, "timeouts");
        Objects.requireNonNull(bindAddress, "bindAddress");
        if (port < 1 || port > 65_535) {
            throw new IllegalArgumentException("port must be between 1 and 65535");
        }
        if (tls == TlsPolicy.DANE_ONLY) {
            throw new IllegalArgumentException("outbound.tls: dane-only is set for single domains, in tls_policy");
        }
        tlsPolicy = Names.domainKeyed("tls_policy", tlsPolicy);
    }

    /** With RFC 5321's timeouts, from the operating system's choice of source address. */
    public Outbound(int port, TlsPolicy tls, Map<String, TlsPolicy> tlsPolicy, Optional<Path> caFile,
                    boolean mtaSts, Optional<Path> mtaStsCache) {
        this(port, tls, tlsPolicy, caFile, mtaSts, mtaStsCache, ClientTimeouts.RFC_5321, Optional.empty());
    }

    /**
     * Port and default policy only: no per-domain policies, the JDK's CAs, MTA-STS on with its cache in the spool,
     * RFC 5321's timeouts, the operating system's choice of source address.
     */
    public Outbound(int port, TlsPolicy tls) {
        this(port, tls, Map.of(), Optional.empty(), true, Optional.empty());
    }

    /** This policy, with outbound connections from {@code address}. */
    public Outbound withBindAddress(InetAddress address) {
        return new Outbound(port, tls, tlsPolicy, caFile, mtaSts, mtaStsCache, timeouts, Optional.of(address));
    }

    /** A copy with other client timeouts. */
    public Outbound withTimeouts(ClientTimeouts newTimeouts) {
        return new Outbound(port, tls, tlsPolicy, caFile, mtaSts, mtaStsCache, newTimeouts, bindAddress);
    }

    /** The folder for cached MTA-STS policies: {@link #mtaStsCache()}, else {@code state/mta-sts} in {@code spool}. */
    public Path mtaStsCacheIn(Path spool) {
        return mtaStsCache.orElseGet(() -> spool.resolve("state").resolve("mta-sts"));
    }
}
