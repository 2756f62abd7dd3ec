package dev.posthorn.smtp.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.math.BigInteger;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.SignatureException;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The server side of TLS: a certificate chain and key, and what is offered with it. Only TLS 1.2 and 1.3 are enabled
 * (RFC 8996 deprecates older versions; RFC 8314 4.1). The cipher suites are those RFC 9325 4.2 recommends, AEAD with
 * forward secrecy only (TLS 1.3's own suites; for TLS 1.2 ECDHE with AES-GCM or ChaCha20-Poly1305), in the server's
 * order of preference; key exchange uses X25519, P-256 or P-384. JSSE implements no TLS compression (CRIME), supports
 * secure renegotiation only (RFC 5746), and client-initiated renegotiation is refused (see {@link #handshake}).
 */
public final class ServerTls {

    private static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

    /** Strongest first: the server's order is used (a client's preference could pick the weaker of two). */
    static final List<String> CIPHER_SUITES = List.of(
            "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256", "TLS_AES_128_GCM_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256");

    /** RFC 9325 4.2.1 and RFC 8446 9.1: X25519 first, then the NIST curves every TLS 1.3 peer has. */
    static final List<String> NAMED_GROUPS = List.of("x25519", "secp256r1", "secp384r1");

    private final Supplier<SSLContext> context;

    private ServerTls(Supplier<SSLContext> context) {
        this.context = context;
    }

    private ServerTls(SSLContext context) {
        this(() -> context);
    }

    /**
     * Like {@link #fromPem}, and the files are watched ({@link FileBacked}): when either changes (looked at at most
     * every two seconds, at the next connection), the new pair is loaded for new connections; a pair that does not
     * load leaves the old one in use, with a warning. Certificates renewed by ACME clients are so taken up without a
     * restart.
     */
    public static ServerTls fromPemReloading(Path certificateChain, Path privateKey) throws IOException {
        return fromPemReloading(certificateChain, privateKey, Duration.ofSeconds(2));
    }

    /**
     * As {@link #fromPemReloading(Path, Path)}, looking at the files at most every {@code interval}: zero looks at
     * every connection, so a test that replaces the files sees the next connection take them up, without waiting.
     */
    static ServerTls fromPemReloading(Path certificateChain, Path privateKey, Duration interval) throws IOException {
        return new ServerTls(FileBacked.load("TLS certificate", interval,
                () -> fromPem(certificateChain, privateKey).context(), certificateChain, privateKey));
    }

    /** Uses a ready-made context (the embedder's own key management). */
    public static ServerTls of(SSLContext context) {
        return new ServerTls(Objects.requireNonNull(context, "context"));
    }

    /**
     * Loads a PEM certificate chain (leaf first) and a PEM private key (PKCS#8, PKCS#1 RSA or SEC1 EC).
     *
     * @throws IOException if a file cannot be read or holds no usable certificate or key
     */
    public static ServerTls fromPem(Path certificateChain, Path privateKey) throws IOException {
        List<X509Certificate> chain = readCertificates(certificateChain);
        PrivateKey key = readPrivateKey(privateKey);
        checkPair(key, chain.getFirst(), certificateChain);
        return new ServerTls(context(key, chain.toArray(Certificate[]::new)));
    }

    /**
     * Reads a PEM certificate chain, leaf first.
     *
     * @throws IOException naming the file and the reason ({@code FILE: no such file}, {@code FILE: permission
     *                     denied}, {@code FILE: no certificate in it})
     */
    public static List<X509Certificate> readCertificates(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            List<X509Certificate> chain = CertificateFactory.getInstance("X.509").generateCertificates(in).stream()
                    .map(X509Certificate.class::cast).toList();
            if (chain.isEmpty()) {
                throw new IOException(file + ": no certificate in it");
            }
            return chain;
        } catch (GeneralSecurityException e) {
            throw new IOException(file + ": not a PEM certificate: " + e.getMessage(), e);
        } catch (NoSuchFileException e) {
            throw new IOException(file + ": no such file", e);
        } catch (AccessDeniedException e) {
            throw new IOException(file + ": permission denied", e);
        }
    }

    /**
     * Reads an unencrypted PEM private key (PKCS#8, PKCS#1 RSA or SEC1 EC).
     *
     * @throws IOException naming the file and the reason, as {@link #readCertificates} does
     */
    public static PrivateKey readPrivateKey(Path file) throws IOException {
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.US_ASCII);
             PEMParser parser = new PEMParser(reader)) {
            Object object = parser.readObject();
            JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
            if (object instanceof PEMKeyPair pair) {
                return converter.getPrivateKey(pair.getPrivateKeyInfo());
            } else if (object instanceof PrivateKeyInfo info) {
                return converter.getPrivateKey(info);
            }
            throw new IOException(file + ": no unencrypted private key in it");
        } catch (NoSuchFileException e) {
            throw new IOException(file + ": no such file", e);
        } catch (AccessDeniedException e) {
            throw new IOException(file + ": permission denied", e);
        }
    }

    /**
     * Refuses a key that is not the certificate's: JSSE would accept the pair and fail every handshake later, so a
     * server would start and then greet each TLS client with an alert. The key signs a random challenge that the
     * certificate's public key must verify.
     *
     * @param certificateFile names the certificate in the message
     * @throws IOException {@code the private key does not match the certificate in FILE}
     */
    public static void checkPair(PrivateKey key, X509Certificate certificate, Path certificateFile)
            throws IOException {
        String mismatch = "the private key does not match the certificate in " + certificateFile;
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "Ed25519", "Ed448", "EdDSA" -> "EdDSA";
            default -> throw new IOException("unsupported private key algorithm " + key.getAlgorithm());
        };
        byte[] challenge = new byte[32];
        new SecureRandom().nextBytes(challenge);
        try {
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(challenge);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(certificate.getPublicKey());
            verifier.update(challenge);
            if (!verifier.verify(signature)) {
                throw new IOException(mismatch);
            }
        } catch (InvalidKeyException | SignatureException e) {
            throw new IOException(mismatch, e); // e.g. an EC key with an RSA certificate
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot check the private key against " + certificateFile + ": " + e, e);
        }
    }

    /** Generates a self-signed certificate for {@code hostname} (EC P-256, valid for a year): for development. */
    public static ServerTls selfSigned(String hostname) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(256);
            KeyPair pair = generator.generateKeyPair();
            X509Certificate certificate = selfSignedCertificate(hostname, pair);
            return new ServerTls(context(pair.getPrivate(), new Certificate[] {certificate}));
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot generate a self-signed certificate", e);
        }
    }

    /**
     * Loads the PEM pair at {@code certificate} and {@code privateKey}, generating a self-signed pair there first if
     * neither exists: a server started without configured certificates keeps the same one across restarts, so
     * clients that pinned it on first use keep working.
     */
    public static ServerTls selfSignedFiles(String hostname, Path certificate, Path privateKey) throws IOException {
        if (!Files.exists(certificate) && !Files.exists(privateKey)) {
            try {
                KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
                generator.initialize(256);
                KeyPair pair = generator.generateKeyPair();
                X509Certificate cert = selfSignedCertificate(hostname, pair);
                Files.createDirectories(privateKey.toAbsolutePath().getParent(), PosixFilePermissions.asFileAttribute(
                        PosixFilePermissions.fromString("rwx------"))); // the key's folder: owner only
                Files.createDirectories(certificate.toAbsolutePath().getParent());
                writePem(privateKey, "PRIVATE KEY", pair.getPrivate().getEncoded(), true);
                writePem(certificate, "CERTIFICATE", cert.getEncoded(), false);
            } catch (GeneralSecurityException e) {
                throw new IOException("cannot generate a self-signed certificate", e);
            }
        }
        return fromPem(certificate, privateKey);
    }

    private static void writePem(Path file, String type, byte[] der, boolean secret) throws IOException {
        String pem = "-----BEGIN " + type + "-----\n"
                + java.util.Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + type + "-----\n";
        Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(temporary);
        if (secret) {
            Files.createFile(temporary, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        }
        Files.writeString(temporary, pem, StandardCharsets.US_ASCII);
        Files.move(temporary, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    /**
     * A self-signed certificate for {@code hostname} and the key pair, for tools that write them to files. It also
     * names 127.0.0.1 and ::1 (IP address SANs, RFC 5280 4.2.1.6): a development client that trusts the certificate
     * and checks the server's identity (RFC 9525) connects to the loopback address, which no DNS name matches.
     */
    public static X509Certificate selfSignedCertificate(String hostname, KeyPair pair) throws IOException {
        try {
            X500Name name = new X500Name("CN=" + hostname.replaceAll("[^A-Za-z0-9.-]", "-"));
            Instant now = Instant.now();
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name,
                    new BigInteger(64, new SecureRandom()), Date.from(now.minus(Duration.ofHours(1))),
                    Date.from(now.plus(Duration.ofDays(365))), name, pair.getPublic());
            builder.addExtension(Extension.subjectAlternativeName, false,
                    new GeneralNames(new GeneralName[] {new GeneralName(GeneralName.dNSName, name.toString().substring(3)),
                        new GeneralName(GeneralName.iPAddress, "127.0.0.1"),
                        new GeneralName(GeneralName.iPAddress, "::1")}));
            String algorithm = pair.getPrivate().getAlgorithm().equals("EC") ? "SHA256withECDSA" : "SHA256withRSA";
            return new JcaX509CertificateConverter().getCertificate(
                    builder.build(new JcaContentSignerBuilder(algorithm).build(pair.getPrivate())));
        } catch (OperatorCreationException | GeneralSecurityException e) {
            throw new IOException("cannot sign certificate", e);
        }
    }

    private static SSLContext context(PrivateKey key, Certificate[] chain) throws IOException {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            char[] password = new char[0];
            store.setKeyEntry("posthorn", key, password, chain);
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(store, password);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys.getKeyManagers(), null, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot build a TLS context: " + e.getMessage(), e);
        }
    }

    /**
     * Wraps an accepted (or STARTTLS-upgraded) socket as the server side, with this class's protocols, suites and
     * groups; the handshake is not yet done. Public for the other servers of the project (POP3's STLS and pop3s).
     */
    public SSLSocket wrap(Socket socket) throws IOException {
        SSLContext current = context(); // one context for the socket and its parameters, even across a reload
        SSLSocket tls = (SSLSocket) current.getSocketFactory().createSocket(
                socket, socket.getInetAddress().getHostAddress(), socket.getPort(), true);
        tls.setUseClientMode(false);
        tls.setSSLParameters(parameters(current));
        return tls;
    }

    /**
     * Does the handshake, then leaves the socket no protocol to negotiate again. A client that renegotiates over and
     * over makes the server do a full handshake each time for free (a cheap denial of service); SMTP never needs it.
     * JSSE builds each new handshake from the socket's settings at the time its ClientHello arrives, so with none
     * enabled a renegotiation (full or resumed) ends the connection with a handshake_failure alert, while the session
     * already made, and TLS 1.3's KeyUpdate (a post-handshake message, no new handshake), go on as before. This is
     * what JSSE's {@code jdk.tls.rejectClientInitiatedRenegotiation} does, per socket instead of for the whole JVM: a
     * library must not change the JVM of the application that embeds it. Nothing is read before the handshake has
     * ended, so no ClientHello can come in between.
     */
    public static void handshake(SSLSocket tls) throws IOException {
        tls.startHandshake();
        tls.setEnabledProtocols(new String[0]);
    }

    private static SSLParameters parameters(SSLContext context) {
        SSLParameters parameters = context.getDefaultSSLParameters();
        parameters.setProtocols(PROTOCOLS);
        List<String> supported = List.of(context.getSupportedSSLParameters().getCipherSuites());
        parameters.setCipherSuites(CIPHER_SUITES.stream().filter(supported::contains).toArray(String[]::new));
        parameters.setUseCipherSuitesOrder(true);
        parameters.setNamedGroups(NAMED_GROUPS.toArray(String[]::new));
        return parameters;
    }

    public SSLContext context() {
        return context.get();
    }
}
