package dev.posthorn.mta.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.posthorn.mta.config.Config;
import dev.posthorn.mta.config.ConfigLoader;
import dev.posthorn.mta.config.Limits;
import dev.posthorn.mta.config.Listener;
import dev.posthorn.mta.config.Network;
import dev.posthorn.smtp.Reply;
import dev.posthorn.smtp.ReplyParser;
import dev.posthorn.smtp.io.LineReader;
import dev.posthorn.smtp.server.Tarpit;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An MX listener behind a proxy on loopback ({@code proxy_protocol: true}, {@code proxy_from: [127.0.0.0/8]}): the
 * client the PROXY header names is the one the Received field, the per-address limit and the trusted networks see.
 * Loopback is a trusted network here, so a test fails if the proxy's address is used anywhere instead.
 */
class ProxyProtocolDaemonTest {

    @TempDir
    Path dir;

    private Config behindProxy(int maxPerIp) throws IOException {
        Config base = TestConfigs.conformance(dir);
        List<Network> loopback = List.of(Network.parse("127.0.0.0/8"));
        Listener listener = new Listener(InetAddress.getLoopbackAddress(), 0, Listener.Role.MX, true, loopback);
        Config config = new Config(base.hostname(), base.spool(), List.of(listener), base.tls(),
                base.trustedNetworks(), base.limits(), base.domains(), base.usersFile(), base.dns(), base.queue(),
                base.relay(), base.routes(), base.outbound());
        return config.withTrust(loopback, new Limits(1_000_000, 100, 100, maxPerIp, 1))
                .withAbuseRules(Tarpit.OFF, base.dnsbl(), base.senders());
    }

    /** A client that speaks through the proxy: the proxy's connection, its PROXY v1 header sent first. */
    private static final class Proxied implements AutoCloseable {
        private final Socket socket;
        private final LineReader in;

        Proxied(Daemon daemon, String header) throws IOException {
            socket = new Socket();
            socket.connect(daemon.addresses().getFirst(), 10_000);
            socket.setSoTimeout(10_000);
            in = new LineReader(socket.getInputStream());
            send(header);
        }

        private void send(String text) throws IOException {
            socket.getOutputStream().write(text.getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
        }

        Reply read() throws IOException {
            return ReplyParser.read(in);
        }

        Reply command(String line) throws IOException {
            send(line + "\r\n");
            return read();
        }

        /** The end of the stream or a reset (the server left octets unread), with nothing sent before it. */
        boolean closedWithoutAByte() {
            try {
                return in.read() < 0;
            } catch (java.net.SocketTimeoutException e) {
                return false;
            } catch (IOException e) {
                return true;
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    private static Proxied proxied(Daemon daemon, String client, int port) throws IOException {
        return new Proxied(daemon, "PROXY TCP4 " + client + " 127.0.0.1 " + port + " 25\r\n");
    }

    @Test
    void theReceivedFieldNamesTheOriginalClientWhichIsNotTrusted() throws Exception {
        try (Daemon daemon = Daemon.start(behindProxy(50)); Proxied talk = proxied(daemon, "203.0.113.7", 40001)) {
            assertThat(talk.read().code()).isEqualTo(220);
            assertThat(talk.command("EHLO client.test").lines().getFirst()).contains("[203.0.113.7]");
            assertThat(talk.command("MAIL FROM:<s@client.test>").code()).isEqualTo(250);
            // The proxy's loopback address would be trusted to relay; the client it speaks for is not.
            assertThat(talk.command("RCPT TO:<x@elsewhere.test>").code()).isEqualTo(550);
            assertThat(talk.command("RCPT TO:<alice@posthorn.test>").code()).isEqualTo(250);
            assertThat(talk.command("DATA").code()).isEqualTo(354);
            assertThat(talk.command("Subject: through the proxy\r\n\r\nhello\r\n.").code()).isEqualTo(250);
            assertThat(talk.command("QUIT").code()).isEqualTo(221);
            Path alice = dir.resolve("mail").resolve("alice");
            await().until(() -> !Maildirs.messages(alice).isEmpty());
            List<String> mail = Maildirs.messages(alice);
            assertThat(mail).singleElement().asString()
                    .containsPattern("Received: from client\\.test \\(\\[203\\.0\\.113\\.7\\]\\)")
                    .doesNotContain("[127.0.0.1]");
        }
    }

    @Test
    void thePerAddressLimitCountsTheOriginalClients() throws Exception {
        try (Daemon daemon = Daemon.start(behindProxy(1));
             Proxied first = proxied(daemon, "203.0.113.7", 40002)) {
            assertThat(first.read().code()).isEqualTo(220);
            try (Proxied other = proxied(daemon, "203.0.113.8", 40003);
                 Proxied again = proxied(daemon, "203.0.113.7", 40004)) {
                assertThat(other.read().code()).isEqualTo(220);
                assertThat(again.read().code()).isEqualTo(421);
            }
        }
    }

    @Test
    void aClientThatSkipsTheProxyIsClosedWithoutAReply() throws Exception {
        try (Daemon daemon = Daemon.start(behindProxy(50));
             Proxied talk = new Proxied(daemon, "EHLO client.test\r\n")) {
            assertThat(talk.closedWithoutAByte()).isTrue();
        }
    }

    @Test
    void aReloadTurnsTheProtocolOnForNewConnections() throws Exception {
        int port = FreePorts.loopback();
        Path file = dir.resolve("posthorn.yaml");
        String yaml = """
                hostname: mx.posthorn.test
                spool: spool
                listeners:
                  - { address: 127.0.0.1, port: %d, role: mx%s }
                trusted_networks: []
                dns: { resolvers: [ "127.0.0.1:9" ], timeout: 500ms }
                checks: { spf: false, dkim: false, dmarc: false }
                admin: { listen: none }
                domains:
                  posthorn.test:
                    mailboxes: [ alice ]
                    delivery: { maildir: mail }
                """;
        Files.writeString(file, yaml.formatted(port, ""));
        try (Daemon daemon = Daemon.start(ConfigLoader.load(file), () -> ConfigLoader.load(file))) {
            try (Proxied direct = new Proxied(daemon, "")) {
                assertThat(direct.read().code()).isEqualTo(220);
                Files.writeString(file, yaml.formatted(port, ", proxy_protocol: true, proxy_from: [ 127.0.0.1 ]"));
                assertThat(daemon.reload().applied()).isTrue();
                // The session already open keeps its settings; a new one must start with the header.
                assertThat(direct.command("EHLO client.test").lines().getFirst()).contains("[127.0.0.1]");
            }
            try (Proxied skipping = new Proxied(daemon, "EHLO client.test\r\n")) {
                assertThat(skipping.closedWithoutAByte()).isTrue();
            }
            try (Proxied proxied = proxied(daemon, "203.0.113.9", 40005)) {
                assertThat(proxied.read().code()).isEqualTo(220);
                assertThat(proxied.command("EHLO client.test").lines().getFirst()).contains("[203.0.113.9]");
            }
        }
    }
}
