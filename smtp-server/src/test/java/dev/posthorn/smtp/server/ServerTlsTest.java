package dev.posthorn.smtp.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import javax.net.ssl.SSLSocket;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Certificates and keys from PEM files, in the forms operators have them, serve a real handshake. */
class ServerTlsTest {

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"RSA-PKCS8", "RSA-PKCS1", "EC-PKCS8", "EC-SEC1"})
    void pemCertificateAndKeyServeStartTls(String form) throws Exception {
        KeyPair pair;
        Path key;
        if (form.endsWith("PKCS8")) {
            String algorithm = form.substring(0, form.indexOf('-'));
            KeyPairGenerator generator = KeyPairGenerator.getInstance(algorithm);
            generator.initialize(algorithm.equals("RSA") ? 2048 : 256);
            pair = generator.generateKeyPair();
            key = write("key.pem", pem("PRIVATE KEY", pair.getPrivate().getEncoded()));
        } else {
            key = openssl(form.equals("RSA-PKCS1")
                    ? new String[] {"openssl", "genrsa", "-traditional", "2048"}
                    : new String[] {"openssl", "ecparam", "-name", "prime256v1", "-genkey", "-noout"});
            assertThat(Files.readString(key)).contains(form.equals("RSA-PKCS1")
                    ? "BEGIN RSA PRIVATE KEY" : "BEGIN EC PRIVATE KEY");
            pair = readKeyPair(key);
        }
        X509Certificate certificate = ServerTls.selfSignedCertificate("mx.posthorn.test", pair);
        Path cert = write("cert.pem", pem("CERTIFICATE", certificate.getEncoded()));

        RecordingSink sink = new RecordingSink();
        try (SmtpServer server = TestServers.builder(sink).tls(ServerTls.fromPem(cert, key)).build().start();
             TestClient client = TestClient.connect(server).hello().startTls()) {
            SSLSocket tls = (SSLSocket) client.socket();
            assertThat(tls.getSession().getPeerCertificates()[0]).isEqualTo(certificate);
            assertThat(tls.getSession().getProtocol()).isIn("TLSv1.3", "TLSv1.2");
        }
    }

    /** A key in the traditional form (PKCS#1 or SEC1) as openssl writes it for operators. */
    private Path openssl(String[] command) throws Exception {
        Path key = dir.resolve("key.pem");
        Process process = new ProcessBuilder(command).redirectOutput(key.toFile())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        assertThat(process.waitFor()).as("openssl exit status").isZero();
        return key;
    }

    private static KeyPair readKeyPair(Path key) throws IOException {
        try (PEMParser parser = new PEMParser(Files.newBufferedReader(key, StandardCharsets.US_ASCII))) {
            return new JcaPEMKeyConverter().getKeyPair((PEMKeyPair) parser.readObject());
        }
    }

    @org.junit.jupiter.api.Test
    void selfSignedFilesAreMadeOnceAndKept() throws Exception {
        Path cert = dir.resolve("tls/cert.pem");
        Path key = dir.resolve("tls/key.pem");
        ServerTls.selfSignedFiles("mx.posthorn.test", cert, key);
        String first = Files.readString(cert);
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(key)))
                .isEqualTo("rw-------");
        ServerTls again = ServerTls.selfSignedFiles("mx.posthorn.test", cert, key);
        assertThat(Files.readString(cert)).isEqualTo(first);
        try (SmtpServer server = TestServers.builder(new RecordingSink()).tls(again).build().start();
             TestClient client = TestClient.connect(server).hello().startTls()) {
            assertThat(((SSLSocket) client.socket()).getSession().getPeerCertificates()[0].getEncoded())
                    .isEqualTo(java.security.cert.CertificateFactory.getInstance("X.509")
                            .generateCertificate(Files.newInputStream(cert)).getEncoded());
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"TLSv1", "TLSv1.1"})
    void oldProtocolVersionsAreRefused(String protocol) throws Exception {
        try (SmtpServer server = TestServers.builder(new RecordingSink()).implicitTls(true).build().start();
             SSLSocket socket = (SSLSocket) TestClient.trustAll().getSocketFactory()
                     .createSocket("127.0.0.1", server.port())) {
            socket.setEnabledProtocols(new String[] {protocol});
            assertThatThrownBy(socket::startHandshake).isInstanceOf(IOException.class);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n"})
    void unusableFilesAreReportedNotIgnored(String content) throws Exception {
        Path cert = write("bad.pem", content);
        Path key = write("key.pem", "");
        assertThatThrownBy(() -> ServerTls.fromPem(cert, key)).isInstanceOf(IOException.class);
    }

    private Path write(String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text, StandardCharsets.US_ASCII);
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    @org.junit.jupiter.api.Test
    void renewedCertificateIsTakenUpWithoutRestartAndABrokenOneIsNot() throws Exception {
        Path cert = dir.resolve("cert.pem");
        Path key = dir.resolve("key.pem");
        X509Certificate first = writePair(cert, key);
        // The files are looked at for every connection here (two seconds apart at most by default).
        ServerTls tls = ServerTls.fromPemReloading(cert, key, Duration.ZERO);
        try (SmtpServer server = TestServers.builder(new RecordingSink()).tls(tls).build().start()) {
            assertThat(peerCertificate(server)).isEqualTo(first);
            X509Certificate second = writePair(cert, key);
            bumpTimes(cert, key);
            assertThat(peerCertificate(server)).as("renewed").isEqualTo(second);
            Files.writeString(key, "not a key");
            bumpTimes(cert, key);
            assertThat(peerCertificate(server)).as("a broken pair is not taken up").isEqualTo(second);
            X509Certificate third = writePair(cert, key);
            bumpTimes(cert, key);
            assertThat(peerCertificate(server)).as("the next whole pair is").isEqualTo(third);
        }
    }

    private static X509Certificate writePair(Path cert, Path key) throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(256);
        KeyPair pair = generator.generateKeyPair();
        X509Certificate certificate = ServerTls.selfSignedCertificate("mx.posthorn.test", pair);
        Files.writeString(key, pem("PRIVATE KEY", pair.getPrivate().getEncoded()), StandardCharsets.US_ASCII);
        Files.writeString(cert, pem("CERTIFICATE", certificate.getEncoded()), StandardCharsets.US_ASCII);
        return certificate;
    }

    private static void bumpTimes(Path... files) throws IOException {
        for (Path file : files) {
            java.nio.file.attribute.FileTime later = java.nio.file.attribute.FileTime.fromMillis(
                    Files.getLastModifiedTime(file).toMillis() + 10_000);
            Files.setLastModifiedTime(file, later);
        }
    }

    private static java.security.cert.Certificate peerCertificate(SmtpServer server) throws Exception {
        try (TestClient client = TestClient.connect(server).hello().startTls()) {
            return ((SSLSocket) client.socket()).getSession().getPeerCertificates()[0];
        }
    }
}
