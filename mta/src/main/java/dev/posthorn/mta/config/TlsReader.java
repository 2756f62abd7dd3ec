package dev.posthorn.mta.config;

import dev.posthorn.smtp.server.ServerTls;
import java.io.IOException;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;

/**
 * The {@code tls} section: the certificate chain and key files, read once here so that a missing or unreadable file,
 * or a key that is not the certificate's, is a problem at its line ({@code config check}, and {@code run} refuses to
 * start) rather than a server that starts and then fails every handshake. The daemon reads the files again when it
 * starts and whenever they change ({@link ServerTls#fromPemReloading}).
 */
final class TlsReader {

    static final List<String> KEYS = List.of("cert", "key");

    private TlsReader() {
    }

    static Optional<TlsFiles> read(Value value, Path folder) {
        return value.section().flatMap(section -> {
            section.allowOnly(KEYS);
            Optional<Value> certValue = section.require("cert");
            Optional<Value> keyValue = section.require("key");
            Optional<Path> cert = certValue.flatMap(v -> v.file(folder));
            Optional<Path> key = keyValue.flatMap(v -> v.file(folder));
            if (cert.isEmpty() || key.isEmpty()) {
                return Optional.empty();
            }
            Optional<X509Certificate> leaf = loaded(certValue.get(),
                    () -> ServerTls.readCertificates(cert.get()).getFirst());
            Optional<PrivateKey> privateKey = loaded(keyValue.get(), () -> ServerTls.readPrivateKey(key.get()));
            privateKey.ifPresent(loadedKey -> keyValue.get().warnIfReadableByOthers(key.get()));
            if (leaf.isEmpty() || privateKey.isEmpty()) {
                return Optional.empty();
            }
            try {
                ServerTls.checkPair(privateKey.get(), leaf.get(), cert.get());
            } catch (IOException e) {
                keyValue.get().problem(e.getMessage());
                return Optional.empty();
            }
            return Optional.of(new TlsFiles(cert.get(), key.get()));
        });
    }

    /** Reads a file for {@code value}; a failure is its problem ({@code FILE: no such file}, ...). */
    private static <T> Optional<T> loaded(Value value, Reading<T> reading) {
        try {
            return Optional.of(reading.read());
        } catch (IOException e) {
            value.problem(e.getMessage());
            return Optional.empty();
        }
    }

    @FunctionalInterface
    private interface Reading<T> {
        T read() throws IOException;
    }
}
