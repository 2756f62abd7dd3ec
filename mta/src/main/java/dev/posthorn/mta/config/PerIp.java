package dev.posthorn.mta.config;

import java.util.Objects;

/**
 * What one client address may do in a time window (RFC 5321 leaves abuse limits to the server). Counted only for
 * clients outside the trusted networks that have not authenticated: the limits are against senders the server does
 * not know, not its own users.
 *
 * @param connectionRate connections; over it, {@code 421 4.7.0} and the connection is closed
 * @param messages       transactions (MAIL commands); over it, {@code 450 4.7.1}
 * @param recipients     RCPT commands; over it, {@code 452 4.5.3}
 */
public record PerIp(Rate connectionRate, Rate messages, Rate recipients) {

    public PerIp {
        Objects.requireNonNull(connectionRate, "connectionRate");
        Objects.requireNonNull(messages, "messages");
        Objects.requireNonNull(recipients, "recipients");
    }
}
