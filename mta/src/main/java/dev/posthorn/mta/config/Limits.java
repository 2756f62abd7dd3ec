package dev.posthorn.mta.config;

/**
 * The resource limits that protect the server from its clients and from a full disk.
 *
 * @param maxMessageSize      the largest message accepted, in octets; advertised as SIZE (RFC 1870)
 * @param maxRecipients       recipients accepted in one transaction; at least {@value #MIN_RECIPIENTS}
 * @param maxConnections      open connections in all
 * @param maxConnectionsPerIp open connections from one client address, at most {@code maxConnections}
 * @param minFreeDisk         octets that must stay free on the spool's file system; below it, MAIL gets
 *                            {@code 452 4.3.1} rather than a message being half written
 */
public record Limits(long maxMessageSize, int maxRecipients, int maxConnections, int maxConnectionsPerIp,
                     long minFreeDisk) {

    /** RFC 5321 4.5.3.1.8: a server must accept at least 100 recipients per message. */
    public static final int MIN_RECIPIENTS = 100;

    public Limits {
        if (maxMessageSize < 1 || maxConnections < 1 || maxConnectionsPerIp < 1 || minFreeDisk < 1) {
            throw new IllegalArgumentException("limits must be positive");
        }
        if (maxRecipients < MIN_RECIPIENTS) {
            throw new IllegalArgumentException("max_recipients must be at least " + MIN_RECIPIENTS
                    + " (RFC 5321 4.5.3.1.8)");
        }
        if (maxConnectionsPerIp > maxConnections) {
            throw new IllegalArgumentException("max_connections_per_ip cannot exceed max_connections");
        }
    }
}
