package dev.posthorn.mta.config;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * The admin listener: HTTP for {@code /metrics}, {@code /healthz}, {@code /readyz} and the token-protected
 * {@code /api/v1}, which the command line's {@code queue}, {@code explain} and {@code reload} talk to.
 *
 * @param listen    where it listens (an IP literal and a port); empty when written {@code listen: none}
 * @param tokenFile the file holding the API's bearer token; empty means {@code <spool>/admin.token}, generated on
 *                  first start (mode 600)
 */
public record Admin(Optional<InetSocketAddress> listen, Optional<Path> tokenFile) {

    /** No admin listener. */
    public static final Admin OFF = new Admin(Optional.empty(), Optional.empty());

    public Admin {
        Objects.requireNonNull(listen, "listen");
        Objects.requireNonNull(tokenFile, "tokenFile");
    }

    /** The token file in use for a daemon whose spool is {@code spool}. */
    public Path tokenFileIn(Path spool) {
        return tokenFile.orElse(spool.resolve("admin.token"));
    }
}
