package dev.posthorn.mta.tls;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.Collection;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * The CAs outbound delivery trusts when a policy asks for an authenticated server ({@code verify}, MTA-STS): the
 * JDK's trust store, or the operator's PEM bundle ({@code outbound.ca_file}) instead of it. Checks are PKIX (RFC
 * 5280) by the JDK's trust manager, without revocation checks (as RFC 8461 4.2 allows: "MAY").
 *
 * <p>An SMTP server's certificate is checked after the handshake, from the session, rather than inside it: the
 * policy decides what a failure means (enforce: no mail on this connection; MTA-STS testing: a log line and the
 * mail goes anyway), as Postfix does, and nothing of the message has been sent by then.
 */
public final class Trust {

    /** What TLS 1.3 hands a trust manager as the key exchange; it asks the certificate only to sign. */
    private static final String AUTH_TYPE = "UNKNOWN";

    private final X509TrustManager manager;
    private final String source;

    private Trust(X509TrustManager manager, String source) {
        this.manager = manager;
        this.source = source;
    }

    /** The JDK's trust store ({@code cacerts}, or what {@code javax.net.ssl.trustStore} names). */
    public static Trust jdk() {
        try {
            return new Trust(manager(null), "the JDK's trust store");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("no PKIX trust manager in this JVM", e);
        }
    }

    /**
     * The CA certificates of a PEM bundle, and nothing else.
     *
     * @throws IOException if the file cannot be read or holds no certificate
     */
    public static Trust fromPem(Path bundle) throws IOException {
        try (InputStream in = Files.newInputStream(bundle)) {
            Collection<? extends Certificate> certificates = CertificateFactory.getInstance("X.509")
                    .generateCertificates(in);
            if (certificates.isEmpty()) {
                throw new IOException("no certificate in " + bundle);
            }
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            int n = 0;
            for (Certificate certificate : certificates) {
                store.setCertificateEntry("ca" + n++, certificate);
            }
            return new Trust(manager(store), bundle.toString());
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot read the CA certificates in " + bundle + ": " + e.getMessage(), e);
        }
    }

    /** Either {@code caFile}'s CAs or the JDK's. */
    public static Trust of(Optional<Path> caFile) throws IOException {
        return caFile.isPresent() ? fromPem(caFile.get()) : jdk();
    }

    private static X509TrustManager manager(KeyStore store) throws GeneralSecurityException {
        TrustManagerFactory factory = TrustManagerFactory.getInstance("PKIX");
        factory.init(store);
        return Arrays.stream(factory.getTrustManagers()).filter(X509TrustManager.class::isInstance)
                .map(X509TrustManager.class::cast).findFirst()
                .orElseThrow(() -> new GeneralSecurityException("no X.509 trust manager"));
    }

    /** A TLS client context that trusts these CAs (for HTTPS, where the host name is checked by the client). */
    public SSLContext context() {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {manager}, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("no TLS in this JVM", e);
        }
    }

    /**
     * Why the server of {@code session} is not authenticated as {@code host}, or empty when it is: its chain leads to
     * one of these CAs and its certificate names the host ({@link DnsId#certifies}).
     */
    public Optional<String> problem(SSLSession session, String host) {
        Certificate[] chain;
        try {
            chain = session.getPeerCertificates();
        } catch (SSLPeerUnverifiedException e) {
            return Optional.of("the server sent no certificate");
        }
        X509Certificate[] x509 = Arrays.stream(chain).filter(X509Certificate.class::isInstance)
                .map(X509Certificate.class::cast).toArray(X509Certificate[]::new);
        if (x509.length == 0 || x509.length != chain.length) {
            return Optional.of("the server sent no X.509 certificate chain");
        }
        try {
            manager.checkServerTrusted(x509, AUTH_TYPE);
        } catch (CertificateException | RuntimeException e) {
            return Optional.of("certificate not trusted (" + source + "): " + Printable.of(e.getMessage()));
        }
        if (!DnsId.certifies(x509[0], host)) {
            return Optional.of("certificate is not for " + host + " (it names "
                    + Printable.of(String.join(", ", DnsId.names(x509[0]))) + ")");
        }
        return Optional.empty();
    }

    @Override
    public String toString() {
        return "Trust[" + source + "]";
    }
}
