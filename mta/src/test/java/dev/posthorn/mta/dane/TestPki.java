package dev.posthorn.mta.dane;

import dev.posthorn.smtp.server.ServerTls;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.X509ExtendedKeyManager;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Certificates for DANE tests, made on the spot: a root CA, an intermediate CA under it, and server certificates
 * issued by either or self-signed, with the names and validity a test asks for.
 */
public final class TestPki {

    private static final AtomicLong SERIAL = new AtomicLong(1);

    /** A certificate with its key pair. */
    public record Issued(X509Certificate certificate, KeyPair keys) {
    }

    private TestPki() {
    }

    public static KeyPair ecKey() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(256);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A self-signed CA. */
    public static Issued rootCa(String name) {
        KeyPair keys = ecKey();
        return new Issued(build(name, keys, name, keys, true, List.of(), Instant.now().minus(Duration.ofDays(1)),
                Instant.now().plus(Duration.ofDays(30))), keys);
    }

    /** A CA issued by {@code issuer}. */
    public static Issued intermediateCa(String name, Issued issuer) {
        KeyPair keys = ecKey();
        return new Issued(build(name, keys, subject(issuer), issuer.keys(), true, List.of(),
                Instant.now().minus(Duration.ofDays(1)), Instant.now().plus(Duration.ofDays(30))), keys);
    }

    /** A server certificate for {@code names} issued by {@code issuer}, valid from a day ago for a month. */
    public static Issued server(Issued issuer, String... names) {
        return server(issuer, Instant.now().minus(Duration.ofDays(1)), Instant.now().plus(Duration.ofDays(30)),
                names);
    }

    /** A server certificate for {@code names}, valid between the two instants. */
    public static Issued server(Issued issuer, Instant from, Instant until, String... names) {
        KeyPair keys = ecKey();
        return new Issued(build(names[0], keys, subject(issuer), issuer.keys(), false, List.of(names), from, until),
                keys);
    }

    /** A self-signed server certificate for {@code names}, valid between the two instants. */
    public static Issued selfSigned(Instant from, Instant until, String... names) {
        KeyPair keys = ecKey();
        return new Issued(build(names[0], keys, names[0], keys, false, List.of(names), from, until), keys);
    }

    /** A server-side TLS context presenting {@code server} and the rest of {@code chain}. */
    public static ServerTls serverTls(Issued server, X509Certificate... chain) {
        return serverTls(server, new java.util.concurrent.CopyOnWriteArrayList<>(), chain);
    }

    /** As above, adding to {@code sni} the server name (SNI, RFC 6066 3) each client asks for. */
    public static ServerTls serverTls(Issued server, List<String> sni, X509Certificate... chain) {
        try {
            Certificate[] all = new Certificate[chain.length + 1];
            all[0] = server.certificate();
            System.arraycopy(chain, 0, all, 1, chain.length);
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("server", server.keys().getPrivate(), new char[0], all);
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(store, new char[0]);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(new KeyManager[] {new SniRecorder((X509ExtendedKeyManager) keys.getKeyManagers()[0], sni)},
                    null, null);
            return ServerTls.of(context);
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String subject(Issued issued) {
        return issued.certificate().getSubjectX500Principal().getName().substring(3);
    }

    private static X509Certificate build(String subject, KeyPair subjectKeys, String issuer, KeyPair issuerKeys,
                                         boolean ca, List<String> dnsNames, Instant from, Instant until) {
        try {
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(new X500Name("CN=" + issuer),
                    BigInteger.valueOf(SERIAL.getAndIncrement()), Date.from(from), Date.from(until),
                    new X500Name("CN=" + subject), subjectKeys.getPublic());
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
            if (ca) {
                builder.addExtension(Extension.keyUsage, true,
                        new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign | KeyUsage.digitalSignature));
            }
            if (!dnsNames.isEmpty()) {
                builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(dnsNames.stream()
                        .map(n -> new GeneralName(GeneralName.dNSName, n)).toArray(GeneralName[]::new)));
            }
            return new JcaX509CertificateConverter().getCertificate(
                    builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKeys.getPrivate())));
        } catch (Exception e) {
            throw new IllegalStateException("cannot make a test certificate", e);
        }
    }
}
