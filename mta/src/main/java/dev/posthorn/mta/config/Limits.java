package dev.posthorn.mta.config;

import dev.posthorn.smtp.server.Stress;
import java.util.Objects;

/**
 * The resource limits that protect the server from its clients and from a full disk.
 *
 * @param maxMessageSize      the largest message accepted, in octets; advertised as SIZE (RFC 1870)
 * @param maxRecipients       recipients accepted in one transaction; at least {@value #MIN_RECIPIENTS}
 * @param maxConnections      open connections in all
 * @param maxConnectionsPerIp open connections from one client address, at most {@code maxConnections}; 0 means no
 *                            limit but {@code maxConnections}. Clients in the trusted networks are exempt. Over it,
 *                            {@code 421 4.7.0}
 * @param minFreeDisk         octets that must stay free on the spool's file system; below it, MAIL gets
 *                            {@code 452 4.3.1} rather than a message being half written
 * @param perIp               what one untrusted, unauthenticated client address may do per time window
 * @param minDataRate         octets per second a message's data must keep on average: its data may take the data
 *                            timeout plus its size at this rate, so a client sending a byte a second is cut
 * @param maxJunkCommands     commands that move no mail (NOOP, RSET, VRFY, HELP, ETRN, HELO, EHLO) a session may send
 *                            before each further one counts as an error ({@code 421 4.7.0} at the error limit)
 * @param stress              the shorter deadlines when connections near {@code maxConnections}
 *                            ({@link Stress#OFF} for none)
 */
public record Limits(long maxMessageSize, int maxRecipients, int maxConnections, int maxConnectionsPerIp,
                     long minFreeDisk, PerIp perIp, long minDataRate, int maxJunkCommands, Stress stress) {

    /** RFC 5321 4.5.3.1.8: a server must accept at least 100 recipients per message. */
    public static final int MIN_RECIPIENTS = 100;

    public Limits {
        if (maxMessageSize < 1 || maxConnections < 1 || maxConnectionsPerIp < 0 || minFreeDisk < 1) {
            throw new IllegalArgumentException("limits must be positive");
        }
        Objects.requireNonNull(perIp, "perIp");
        Objects.requireNonNull(stress, "stress");
        if (minDataRate < 1 || maxJunkCommands < 1) {
            throw new IllegalArgumentException("min_data_rate and max_junk_commands must be positive");
        }
        if (maxRecipients < MIN_RECIPIENTS) {
            throw new IllegalArgumentException("max_recipients must be at least " + MIN_RECIPIENTS
                    + " (RFC 5321 4.5.3.1.8)");
        }
        if (maxConnectionsPerIp > maxConnections) {
            throw new IllegalArgumentException("max_connections_per_ip cannot exceed max_connections");
        }
    }

    /** The limits with the default per-address rates, data rate, junk command limit and stress mode. */
    public Limits(long maxMessageSize, int maxRecipients, int maxConnections, int maxConnectionsPerIp,
                  long minFreeDisk) {
        this(maxMessageSize, maxRecipients, maxConnections, maxConnectionsPerIp, minFreeDisk, Defaults.PER_IP);
    }

    /** The limits with the default data rate, junk command limit and stress mode. */
    public Limits(long maxMessageSize, int maxRecipients, int maxConnections, int maxConnectionsPerIp,
                  long minFreeDisk, PerIp perIp) {
        this(maxMessageSize, maxRecipients, maxConnections, maxConnectionsPerIp, minFreeDisk, perIp,
                Defaults.MIN_DATA_RATE, Defaults.MAX_JUNK_COMMANDS, Defaults.STRESS);
    }

    /** The same limits with other per-address rates. */
    public Limits withPerIp(PerIp rates) {
        return new Limits(maxMessageSize, maxRecipients, maxConnections, maxConnectionsPerIp, minFreeDisk, rates,
                minDataRate, maxJunkCommands, stress);
    }

    /** The same limits with another stress mode. */
    public Limits withStress(Stress mode) {
        return new Limits(maxMessageSize, maxRecipients, maxConnections, maxConnectionsPerIp, minFreeDisk, perIp,
                minDataRate, maxJunkCommands, mode);
    }

    /** Open connections one address may hold: the per-address limit, or the total when that is off. */
    public int effectiveConnectionsPerIp() {
        return maxConnectionsPerIp == 0 ? maxConnections : maxConnectionsPerIp;
    }
}
