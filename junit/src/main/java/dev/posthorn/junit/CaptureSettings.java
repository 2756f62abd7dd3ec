package dev.posthorn.junit;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * What an {@link SmtpCapture} starts its servers with.
 *
 * @param hostname       the server's name in the greeting and the Received field
 * @param tls            no TLS, STARTTLS offered, or TLS from the first byte
 * @param users          AUTH user names and passwords; empty: any credentials are accepted and AUTH is optional
 * @param maxMessageSize the SIZE limit in octets (RFC 1870)
 * @param chaosSeed      the seed the server's chaos draws from
 * @param awaitTimeout   how long {@link SmtpCapture#awaitMessages(int)} waits
 */
record CaptureSettings(String hostname, Tls tls, Map<String, String> users, long maxMessageSize, long chaosSeed,
                       Duration awaitTimeout) {

    enum Tls { NONE, STARTTLS, IMPLICIT }

    CaptureSettings {
        Objects.requireNonNull(hostname, "hostname");
        Objects.requireNonNull(tls, "tls");
        users = Map.copyOf(users);
        Objects.requireNonNull(awaitTimeout, "awaitTimeout");
    }
}
