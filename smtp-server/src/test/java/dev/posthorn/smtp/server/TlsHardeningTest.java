package dev.posthorn.smtp.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What the server offers in TLS: modern AEAD suites with forward secrecy in its own order, modern groups, TLS 1.2 and
 * 1.3 only, no client-initiated renegotiation. Weak suites are offered by openssl (the JDK's own client refuses to
 * send most of them), so the refusal shown is the server's.
 */
class TlsHardeningTest {

    private static SmtpServer server;

    @BeforeAll
    static void start() throws IOException {
        server = TestServers.builder(new RecordingSink()).implicitTls(true).build().start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static SSLSocket connect(String protocol, List<String> suites) throws IOException {
        SSLSocket tls = (SSLSocket) TestClient.trustAll().getSocketFactory().createSocket();
        tls.connect(new InetSocketAddress("127.0.0.1", server.port()), 5000);
        tls.setSoTimeout(5000);
        tls.setEnabledProtocols(new String[] {protocol});
        if (!suites.isEmpty()) {
            tls.setEnabledCipherSuites(suites.toArray(String[]::new));
        }
        return tls;
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"AES128-SHA", "ECDHE-ECDSA-AES128-SHA", "ECDHE-ECDSA-AES256-SHA384",
        "AES256-GCM-SHA384", "DHE-RSA-AES128-GCM-SHA256", "ECDHE-ECDSA-NULL-SHA"})
    void aClientOfferingOnlyAWeakSuiteFailsTheHandshake(String suite) throws Exception {
        Openssl result = openssl("-tls1_2", "-cipher", suite + ":@SECLEVEL=0");
        assertThat(result.exit()).as(result.output()).isNotZero();
        // The server's alert: the handshake got there and was refused (not a suite openssl would not send).
        assertThat(result.output()).contains("alert handshake failure").doesNotContain("Cipher is " + suite);
    }

    @Test
    void aModernSuiteFromOpensslIsAccepted() throws Exception {
        Openssl result = openssl("-tls1_2", "-cipher", "ECDHE-ECDSA-CHACHA20-POLY1305");
        assertThat(result.output()).as(result.output()).contains("Cipher is ECDHE-ECDSA-CHACHA20-POLY1305");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"-tls1", "-tls1_1"})
    void versionsBeforeTls12AreRefused(String version) throws Exception {
        Openssl result = openssl(version, "-cipher", "ALL:@SECLEVEL=0");
        assertThat(result.exit()).as(result.output()).isNotZero();
        assertThat(result.output()).contains("alert protocol version");
    }

    @Test
    void theServersOrderOfSuitesWins() throws Exception {
        try (SSLSocket tls = connect("TLSv1.2", List.of("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
                "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384"))) {
            tls.startHandshake();
            assertThat(tls.getSession().getCipherSuite()).isEqualTo("TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384");
        }
    }

    @Test
    void tls13UsesItsStrongestSuite() throws Exception {
        try (SSLSocket tls = connect("TLSv1.3", List.of())) {
            tls.startHandshake();
            assertThat(tls.getSession().getProtocol()).isEqualTo("TLSv1.3");
            assertThat(tls.getSession().getCipherSuite()).isEqualTo("TLS_AES_256_GCM_SHA384");
        }
    }

    @Test
    void aClientWithOnlyFiniteFieldGroupsFailsTheHandshake() throws Exception {
        try (SSLSocket tls = connect("TLSv1.3", List.of())) {
            SSLParameters parameters = tls.getSSLParameters();
            parameters.setNamedGroups(new String[] {"ffdhe2048"});
            tls.setSSLParameters(parameters);
            assertThatThrownBy(tls::startHandshake).isInstanceOf(SSLException.class);
        }
    }

    @Test
    void clientInitiatedRenegotiationIsRefused() throws Exception {
        try (SSLSocket tls = connect("TLSv1.2", List.of())) {
            tls.startHandshake();
            InputStream in = tls.getInputStream();
            byte[] greeting = new byte[3];
            assertThat(in.readNBytes(greeting, 0, 3)).isEqualTo(3);
            assertThat(new String(greeting, StandardCharsets.US_ASCII)).isEqualTo("220");
            assertRenegotiationRefused(tls, in);
        }
    }

    /** A second handshake on {@code tls} (a renegotiation on TLS 1.2) ends in the server's alert, not a session. */
    private static void assertRenegotiationRefused(SSLSocket tls, InputStream in) {
        assertThatThrownBy(() -> {
            tls.startHandshake();
            tls.getOutputStream().write("NOOP\r\n".getBytes(StandardCharsets.US_ASCII));
            tls.getOutputStream().flush();
            while (in.read() != -1) {
                // read until the server's alert ends the connection
            }
            throw new IOException("no alert; the connection ended normally");
        }).isInstanceOf(SSLException.class);
    }

    /** As above, with a new session the client cannot resume: a full handshake, the costly one, is refused too. */
    @Test
    void aFullRenegotiationIsRefused() throws Exception {
        try (SSLSocket tls = connect("TLSv1.2", List.of())) {
            tls.startHandshake();
            InputStream in = tls.getInputStream();
            assertThat(new String(in.readNBytes(3), StandardCharsets.US_ASCII)).isEqualTo("220");
            tls.getSession().invalidate(); // not rejoinable: the client offers no session to resume
            assertRenegotiationRefused(tls, in);
        }
    }

    /** Refusing renegotiation leaves TLS 1.3's KeyUpdate alone (a post-handshake message, no new handshake). */
    @Test
    void aTls13KeyUpdateKeepsTheSessionGoing() throws Exception {
        try (SSLSocket tls = connect("TLSv1.3", List.of())) {
            tls.startHandshake();
            InputStream in = tls.getInputStream();
            assertThat(new String(in.readNBytes(3), StandardCharsets.US_ASCII)).isEqualTo("220");
            tls.startHandshake(); // on TLS 1.3, JSSE sends a KeyUpdate
            tls.getOutputStream().write("NOOP\r\n".getBytes(StandardCharsets.US_ASCII));
            tls.getOutputStream().flush();
            String rest = new String(in.readNBytes(in.available()), StandardCharsets.US_ASCII);
            while (!rest.contains("\r\n250 ")) {
                int b = in.read();
                assertThat(b).as("the session goes on after the KeyUpdate: " + rest).isNotEqualTo(-1);
                rest += (char) b;
            }
        }
    }

    /**
     * A library must not change the JVM it is embedded in: initializing the class (in a loader of its own, so its
     * static initializer runs here whatever ran before) leaves every system property as it was. The renegotiation
     * JSSE's {@code jdk.tls.rejectClientInitiatedRenegotiation} would refuse JVM-wide is refused per socket.
     */
    @Test
    void loadingServerTlsLeavesTheSystemPropertiesAlone() throws Exception {
        String property = "jdk.tls.rejectClientInitiatedRenegotiation";
        String before = System.clearProperty(property);
        try {
            Properties expected = (Properties) System.getProperties().clone();
            Class.forName(ServerTls.class.getName(), true, new OwnLoader(getClass().getClassLoader()));
            assertThat(System.getProperties()).isEqualTo(expected);
        } finally {
            if (before == null) {
                System.clearProperty(property);
            } else {
                System.setProperty(property, before);
            }
        }
    }

    /** Defines this package's classes itself (a second copy, initialized afresh); asks its parent for the rest. */
    private static final class OwnLoader extends ClassLoader {

        OwnLoader(ClassLoader parent) {
            super(parent);
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            if (!name.startsWith(ServerTls.class.getPackageName() + ".")) {
                return super.loadClass(name, resolve);
            }
            synchronized (getClassLoadingLock(name)) {
                Class<?> loaded = findLoadedClass(name);
                if (loaded != null) {
                    return loaded;
                }
                try (InputStream in = getParent().getResourceAsStream(name.replace('.', '/') + ".class")) {
                    if (in == null) {
                        throw new ClassNotFoundException(name);
                    }
                    byte[] bytes = in.readAllBytes();
                    return defineClass(name, bytes, 0, bytes.length);
                } catch (IOException e) {
                    throw new ClassNotFoundException(name, e);
                }
            }
        }
    }

    private record Openssl(int exit, String output) {
    }

    /** {@code openssl s_client} against the implicit-TLS port; the input is empty, so it ends after the handshake. */
    private static Openssl openssl(String... options) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of("openssl", "s_client", "-connect",
                "127.0.0.1:" + server.port(), "-servername", "mx.posthorn.test"));
        command.addAll(List.of(options));
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        byte[] output = process.getInputStream().readAllBytes();
        assertThat(process.waitFor(20, TimeUnit.SECONDS)).as("openssl finished").isTrue();
        return new Openssl(process.exitValue(), new String(output, StandardCharsets.UTF_8));
    }
}
