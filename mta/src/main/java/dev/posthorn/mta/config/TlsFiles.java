package dev.posthorn.mta.config;

import java.nio.file.Path;
import java.util.Objects;

/**
 * The server's certificate chain and private key, both PEM files. Their contents are read when the TLS context is
 * built, not when the configuration is loaded, so that a renewed certificate needs no configuration change.
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
