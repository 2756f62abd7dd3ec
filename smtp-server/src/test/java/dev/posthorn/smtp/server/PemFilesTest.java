package dev.posthorn.smtp.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What goes wrong with an operator's PEM files is refused up front, named by file and reason. */
class PemFilesTest {

    @TempDir
    Path dir;

    private static KeyPair pair(String algorithm) throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance(algorithm);
        if (!algorithm.equals("Ed25519")) {
            generator.initialize(algorithm.equals("RSA") ? 2048 : 256);
        }
        return generator.generateKeyPair();
    }

    private Path write(String name, String type, byte[] der) throws IOException {
        return Files.writeString(dir.resolve(name), "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der) + "\n-----END " + type + "-----\n",
                StandardCharsets.US_ASCII);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"RSA", "EC"})
    void aKeyOfAnotherCertificateIsRefused(String algorithm) throws Exception {
        KeyPair certified = pair(algorithm);
        Path cert = write("cert.pem", "CERTIFICATE",
                ServerTls.selfSignedCertificate("mx.posthorn.test", certified).getEncoded());
        Path key = write("key.pem", "PRIVATE KEY", pair(algorithm).getPrivate().getEncoded());

        assertThatThrownBy(() -> ServerTls.fromPem(cert, key)).isInstanceOf(IOException.class)
                .hasMessage("the private key does not match the certificate in " + cert);
        Path right = write("right.pem", "PRIVATE KEY", certified.getPrivate().getEncoded());
        assertThat(ServerTls.fromPem(cert, right).context()).isNotNull();
    }

    @Test
    void aKeyOfAnotherAlgorithmIsRefused() throws Exception {
        Path cert = write("cert.pem", "CERTIFICATE",
                ServerTls.selfSignedCertificate("mx.posthorn.test", pair("RSA")).getEncoded());
        Path key = write("key.pem", "PRIVATE KEY", pair("EC").getPrivate().getEncoded());

        assertThatThrownBy(() -> ServerTls.fromPem(cert, key))
                .hasMessage("the private key does not match the certificate in " + cert);
    }

    @Test
    void missingAndUnreadableFilesAreNamedWithTheReason() throws Exception {
        KeyPair pair = pair("EC");
        Path cert = write("cert.pem", "CERTIFICATE",
                ServerTls.selfSignedCertificate("mx.posthorn.test", pair).getEncoded());
        Path key = write("key.pem", "PRIVATE KEY", pair.getPrivate().getEncoded());
        Path absent = dir.resolve("absent.pem");

        assertThatThrownBy(() -> ServerTls.fromPem(absent, key)).hasMessage(absent + ": no such file");
        assertThatThrownBy(() -> ServerTls.fromPem(cert, absent)).hasMessage(absent + ": no such file");
        assertThatThrownBy(() -> ServerTls.fromPem(key, key)).hasMessageStartingWith(key + ": ");
        assertThatThrownBy(() -> ServerTls.fromPem(cert, cert)).hasMessage(cert + ": no unencrypted private key in it");
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("---------"));
        if (!Files.isReadable(key)) { // root reads every file
            assertThatThrownBy(() -> ServerTls.fromPem(cert, key)).hasMessage(key + ": permission denied");
        }
    }

    @Test
    void theSelfSignedCertificateNamesTheLoopbackAddresses() throws Exception {
        X509Certificate certificate = ServerTls.selfSignedCertificate("mx.posthorn.test", pair("EC"));

        // RFC 5280 4.2.1.6 in the JDK's form: [type, value], type 2 a DNS name, 7 an IP address.
        assertThat(certificate.getSubjectAlternativeNames()).containsExactlyInAnyOrder(
                List.of(2, "mx.posthorn.test"), List.of(7, "127.0.0.1"), List.of(7, "0:0:0:0:0:0:0:1"));
    }

    @Test
    void theSelfSignedKeyFolderIsTheOwnersOnly() throws Exception {
        Path key = dir.resolve("tls/key.pem");
        ServerTls.selfSignedFiles("mx.posthorn.test", dir.resolve("tls/cert.pem"), key);

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key.getParent())))
                .isEqualTo("rwx------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key))).isEqualTo("rw-------");
    }
}
