package dev.posthorn.mta.config;

import dev.posthorn.mta.routing.HostPort;
import dev.posthorn.mta.tls.TlsPolicy;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * A smarthost: all remote mail goes to this one server instead of to the MX hosts of its domains (a provider's
 * submission server, a company's outbound gateway). A {@link RouteTarget route} for a domain takes precedence.
 *
 * @param smarthost the server, with its port (587 for submission, 25 for a relay that trusts this host's address)
 * @param tls       the TLS policy towards it; with {@code auth}, {@link TlsPolicy#ENCRYPT} or {@link TlsPolicy#VERIFY}
 * @param auth      the credentials to AUTH with, if the smarthost wants them
 */
public record Relay(HostPort smarthost, TlsPolicy tls, Optional<Auth> auth) {

    /** The reason a relay with credentials and a TLS policy that allows clear text is refused. */
    static final String AUTH_NEEDS_TLS = "AUTH credentials need tls: encrypt or verify";

    public Relay {
        Objects.requireNonNull(smarthost, "smarthost");
        Objects.requireNonNull(tls, "tls");
        Objects.requireNonNull(auth, "auth");
        if (tls.dane()) {
            throw new IllegalArgumentException("relay.tls: " + tls.configName() + " applies to MX hosts, not to a "
                    + "smarthost");
        }
        if (auth.isPresent() && !tls.requiresTls()) {
            throw new IllegalArgumentException(AUTH_NEEDS_TLS);
        }
    }

    /**
     * The credentials for a smarthost. The password is not part of the configuration: it is read from its file when
     * the daemon connects, so that the configuration can be shown and the password kept readable by the daemon
     * alone.
     *
     * @param user         the user name (SASL authentication identity): not empty, no control characters
     * @param passwordFile the file holding the password (its first line), absolute once loaded
     */
    public record Auth(String user, Path passwordFile) {

        public Auth {
            Objects.requireNonNull(passwordFile, "passwordFile");
            userProblem(user).ifPresent(reason -> {
                throw new IllegalArgumentException("relay.auth.user: " + reason);
            });
        }

        /** Why {@code user} cannot be sent in AUTH PLAIN (RFC 4616), if it cannot. */
        static Optional<String> userProblem(String user) {
            if (user.isEmpty()) {
                return Optional.of("empty user name");
            }
            if (user.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
                return Optional.of("control character in the user name");
            }
            return Optional.empty();
        }
    }
}
