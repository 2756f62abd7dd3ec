package dev.posthorn.mta.config;

import static dev.posthorn.mta.config.ConfigFiles.onlyProblem;
import static org.assertj.core.api.Assertions.assertThat;

import dev.posthorn.smtp.server.ServerTls;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The tls section's files are read when the file is loaded: what would break every handshake is a problem. */
class TlsConfigTest {

    @TempDir
    Path dir;

    @Test
    void aMatchingPairLoads() throws Exception {
        ConfigFiles.tlsPair(dir);

        Config config = ConfigFiles.load(dir, "tls: { cert: tls/cert.pem, key: tls/key.pem }\n");

        assertThat(config.tls()).contains(new TlsFiles(dir.resolve("tls/cert.pem"), dir.resolve("tls/key.pem")));
    }

    @Test
    void aMissingCertificateIsAProblemAtItsKey() {
        ConfigFiles.tlsPair(dir);

        Problem problem = onlyProblem(dir, "tls:\n  cert: tls/missing.pem\n  key: tls/key.pem\n", 2, "tls.cert",
                "no such file");

        assertThat(problem.toString()).endsWith(":2:9: tls.cert: " + dir.resolve("tls/missing.pem") + ": no such file");
    }

    @Test
    void aMissingKeyIsAProblemAtItsKey() {
        ConfigFiles.tlsPair(dir);

        onlyProblem(dir, "tls:\n  cert: tls/cert.pem\n  key: tls/missing.pem\n", 3, "tls.key",
                dir.resolve("tls/missing.pem") + ": no such file");
    }

    @Test
    void aKeyThatIsNotTheCertificatesIsAProblem() throws Exception {
        ConfigFiles.tlsPair(dir);
        ServerTls.selfSignedFiles("other.example.org", dir.resolve("other/cert.pem"), dir.resolve("other/key.pem"));

        onlyProblem(dir, "tls:\n  cert: tls/cert.pem\n  key: other/key.pem\n", 3, "tls.key",
                "the private key does not match the certificate in " + dir.resolve("tls/cert.pem"));
    }

    @Test
    void aFileThatHoldsNoCertificateIsAProblem() throws Exception {
        ConfigFiles.tlsPair(dir);
        Files.writeString(dir.resolve("tls/empty.pem"), "");

        onlyProblem(dir, "tls:\n  cert: tls/empty.pem\n  key: tls/key.pem\n", 2, "tls.cert", "no certificate");
    }
}
