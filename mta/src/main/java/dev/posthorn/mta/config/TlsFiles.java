package dev.posthorn.mta.config;

import java.nio.file.Path;
import java.util.Objects;

/**
 * The server's certificate chain and private key, both PEM files. Loading the configuration checks that both can be
 * read and belong together; the daemon reads them again when it builds the TLS context and when they change, so that a
 * renewed certificate needs no configuration change.
 *
 * @param cert the certificate chain, leaf first
 * @param key  the private key of the leaf certificate
 */
public record TlsFiles(Path cert, Path key) {

    public TlsFiles {
        Objects.requireNonNull(cert, "cert");
        Objects.requireNonNull(key, "key");
    }
}
