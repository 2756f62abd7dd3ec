package dev.posthorn.smtp.testing;

import static dev.posthorn.smtp.testing.DialogRunnerTest.dialog;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DialogRunnerTlsTest {

    private static final DialogRunner RUNNER = new DialogRunner();
    private static final String STARTTLS = "S: 220\nC: STARTTLS\nS: 220\nTLS\nC: EHLO client.test\nS: 250 ~AUTH\n"
            + "C: QUIT\nS: 221\nS: CLOSE\n";
    private static final char[] PASSWORD = "changeit".toCharArray();

    @Test
    void startTlsWrapsTheConnectionAndTrustsASelfSignedCertificate(@TempDir Path dir) throws Exception {
        SSLContext serverTls = selfSigned(dir);
        try (ScriptedServer server = new ScriptedServer(c -> {
            c.send("220 mx.posthorn.test ESMTP\r\n");
            assertThat(c.readLine()).isEqualTo("STARTTLS");
            c.send("220 2.0.0 go ahead\r\n");
            SSLSocket tls = (SSLSocket) serverTls.getSocketFactory().createSocket(c.socket, null, true);
            tls.startHandshake();
            ScriptedServer.Connection secure = c.over(tls);
            assertThat(secure.readLine()).isEqualTo("EHLO client.test");
            secure.send("250-mx.posthorn.test\r\n250 AUTH PLAIN\r\n");
            assertThat(secure.readLine()).isEqualTo("QUIT");
            secure.send("221 2.0.0 bye\r\n");
            tls.close();
        })) {
            DialogResult result = RUNNER.run(dialog(STARTTLS), server.address());

            assertThat(result.passed()).as(result.report()).isTrue();
            assertThat(result.transcript()).containsSubsequence("C: STARTTLS", "S: 220 2.0.0 go ahead",
                    "C: EHLO client.test", "S: 250 AUTH PLAIN", "C: QUIT", "S: 221 2.0.0 bye");
            assertThat(result.transcript()).anyMatch(line -> line.startsWith("-- TLS handshake done: TLS"));
            assertThat(server.failure()).isNull();
        }
    }

    @Test
    void aFailedHandshakeIsAResult() throws Exception {
        try (ScriptedServer server = new ScriptedServer(c -> {
            c.send("220 hi\r\n");
            c.readLine();
            c.send("220 go ahead\r\n");
            c.readBytes(5);
            c.send("this is not TLS\r\n");
        })) {
            DialogResult result = RUNNER.run(dialog(STARTTLS), server.address());

            assertThat(result.passed()).isFalse();
            assertThat(result.failedLine()).isEqualTo(4);
            assertThat(result.message()).startsWith("line 4 (TLS): TLS handshake failed");
        }
    }

    @Test
    void bytesAfterThe220AndBeforeTheHandshakeAreRefused() throws Exception {
        try (ScriptedServer server = new ScriptedServer(c -> {
            c.send("220 hi\r\n");
            c.readLine();
            c.send("220 go ahead\r\n250 injected\r\n");
            c.awaitClientClose();
        })) {
            DialogResult result = RUNNER.run(dialog(STARTTLS), server.address());

            assertThat(result.passed()).isFalse();
            assertThat(result.failedLine()).isEqualTo(4);
            assertThat(result.message()).contains("\"250 injected\\r\\n\" before the TLS handshake");
        }
    }

    /** A throw-away certificate from the JDK's own keytool, so the test needs no crypto library. */
    private static SSLContext selfSigned(Path dir) throws Exception {
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        Assumptions.assumeTrue(Files.isExecutable(keytool), "keytool is needed to make a test certificate");
        Path store = dir.resolve("server.p12");
        Process process = new ProcessBuilder(keytool.toString(), "-genkeypair", "-alias", "mx", "-keyalg", "EC",
                "-dname", "CN=mx.posthorn.test", "-validity", "2", "-storetype", "PKCS12",
                "-keystore", store.toString(), "-storepass", "changeit", "-keypass", "changeit")
                .redirectErrorStream(true).start();
        try (InputStream output = process.getInputStream()) {
            output.transferTo(OutputStream.nullOutputStream());
        }
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).isZero();
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            keys.load(in, PASSWORD);
        }
        KeyManagerFactory managers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        managers.init(keys, PASSWORD);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(managers.getKeyManagers(), null, null);
        return context;
    }
}
