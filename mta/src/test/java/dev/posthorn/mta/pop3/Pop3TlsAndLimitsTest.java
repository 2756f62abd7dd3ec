package dev.posthorn.mta.pop3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** STLS and pop3s (RFC 2595), and the limits: line length, bad commands, idle time, connections, slow readers. */
class Pop3TlsAndLimitsTest {

    static final String BOX = "alice@example.test";

    @RegisterExtension
    final Pop3Rig rig = new Pop3Rig();

    @Test
    void stlsThenLoginOverTls() throws IOException {
        DirectoryMaildrop.put(rig.root(), BOX, "m1", "Subject: s\r\n\r\nover tls\r\n");
        try (Pop3Client client = new Pop3Client(rig.start(Pop3Rig.stls()))) {
            client.line();
            assertThat(client.command("CAPA")).startsWith("+OK");
            assertThat(client.lines()).contains("STLS", "USER");
            assertThat(client.command("STLS")).isEqualTo("+OK begin TLS negotiation");
            client.startTls();
            assertThat(client.command("CAPA")).startsWith("+OK");
            assertThat(client.lines()).contains("USER").doesNotContain("STLS");
            assertThat(client.command("STLS")).isEqualTo("-ERR TLS already active");
            client.command("USER " + BOX);
            assertThat(client.command("PASS x")).startsWith("+OK maildrop has 1");
            assertThat(client.command("RETR 1")).startsWith("+OK");
            assertThat(client.lines()).containsExactly("Subject: s", "", "over tls");
            assertThat(client.command("STLS")).isEqualTo("-ERR command not valid in this state");
        }
    }

    @Test
    void plaintextPipelinedAfterStlsIsRefusedAndTheConnectionClosed() throws IOException {
        try (Pop3Client client = new Pop3Client(rig.start(Pop3Rig.stls()))) {
            client.line();
            client.sendRaw("STLS\r\nUSER " + BOX + "\r\n");
            assertThat(client.line()).isEqualTo("-ERR command sent after STLS before TLS, closing");
            assertThat(client.closedByServer()).isTrue();
        }
    }

    @Test
    void whatUserSaidBeforeStlsIsForgotten() throws IOException {
        try (Pop3Client client = new Pop3Client(rig.start(Pop3Rig.stls()))) {
            client.line();
            assertThat(client.command("USER " + BOX)).startsWith("+OK");
            assertThat(client.command("STLS")).startsWith("+OK");
            client.startTls();
            assertThat(client.command("PASS x")).isEqualTo("-ERR USER first");
        }
    }

    @Test
    void stlsWithoutACertificateIsRefused() throws IOException {
        InetSocketAddress address = rig.start(Pop3Server.Settings.of(new InetSocketAddress("127.0.0.1", 0)));
        try (Pop3Client client = new Pop3Client(address)) {
            client.line();
            assertThat(client.command("STLS")).isEqualTo("-ERR STLS not available");
            assertThat(client.command("NOOP")).startsWith("-ERR"); // still plaintext, still talking
        }
    }

    @Test
    void implicitTlsFromTheFirstOctet() throws IOException {
        DirectoryMaildrop.put(rig.root(), BOX, "m1", "Subject: s\r\n\r\nx\r\n");
        InetSocketAddress address = rig.start(Pop3Server.Settings.of(new InetSocketAddress("127.0.0.1", 0))
                .withHostname("pop3.test").withImplicitTls(Pop3Rig.TLS));
        try (Pop3Client client = Pop3Client.implicitTls(address)) {
            assertThat(client.line()).isEqualTo("+OK POP3 pop3.test ready");
            assertThat(client.command("CAPA")).startsWith("+OK");
            assertThat(client.lines()).doesNotContain("STLS");
            assertThat(client.command("STLS")).isEqualTo("-ERR TLS already active");
            client.command("USER " + BOX);
            assertThat(client.command("PASS x")).startsWith("+OK maildrop has 1");
        }
    }

    @Test
    void aCommandLineOver255OctetsIsRefused() throws IOException {
        try (Pop3Client client = new Pop3Client(rig.start(Pop3Rig.stls()))) {
            client.line();
            client.command("USER " + BOX);
            // RFC 2449 4: 255 octets with the CRLF. "PASS " and 248 octets is 253 before the CRLF: allowed.
            assertThat(client.command("PASS " + "p".repeat(249))).isEqualTo("-ERR command line longer than 255 octets");
            client.command("USER " + BOX);
            assertThat(client.command("PASS " + "p".repeat(248))).startsWith("+OK maildrop has");
        }
    }

    @Test
    void aLineWithoutEndEndsTheConnection() throws IOException {
        try (Pop3Client client = new Pop3Client(rig.start(Pop3Rig.stls()))) {
            client.line();
            client.sendRaw("USER " + "x".repeat(1 << 20) + "y"); // past LineReader.MAX_DISCARD, no LF
            assertThat(client.line()).isEqualTo("-ERR command line longer than 255 octets");
            assertThat(client.closedByServer()).isTrue();
        }
    }

    @Test
    void aMaildropThatCannotBeOpenedIsATemporaryError() throws IOException {
        InetSocketAddress address = rig.start(Pop3Rig.stls(), mailbox -> {
            throw new IOException("the store is closed");
        });
        try (Pop3Client client = new Pop3Client(address)) {
            client.line();
            client.command("USER " + BOX);
            assertThat(client.command("PASS x")).isEqualTo("-ERR [SYS/TEMP] cannot open the maildrop");
            client.command("USER " + BOX);
            assertThat(client.command("PASS x")).as("the lock was let go").startsWith("-ERR [SYS/TEMP]");
            assertThat(client.command("QUIT")).isEqualTo("+OK bye");
        }
    }

    @Test
    void tooManyBadCommandsCloseTheConnection() throws IOException {
        try (Pop3Client client = new Pop3Client(rig.start(Pop3Rig.stls().withMaxBadCommands(3)))) {
            client.line();
            for (int i = 0; i < 3; i++) {
                assertThat(client.command("XYZZY")).isEqualTo("-ERR unknown command");
            }
            assertThat(client.command("XYZZY")).isEqualTo("-ERR too many bad commands, closing");
            assertThat(client.closedByServer()).isTrue();
        }
    }

    @Test
    void refusedPasswordsCountAsBadCommands() throws IOException {
        InetSocketAddress address = rig.start(Pop3Rig.stls().withMaxBadCommands(2)
                .withUsers(java.util.Map.of(BOX, "right")));
        try (Pop3Client client = new Pop3Client(address)) {
            client.line();
            for (int i = 0; i < 2; i++) {
                client.command("USER " + BOX);
                assertThat(client.command("PASS wrong")).startsWith("-ERR [AUTH]");
            }
            client.command("USER " + BOX);
            assertThat(client.command("PASS wrong")).isEqualTo("-ERR too many bad commands, closing");
            assertThat(client.closedByServer()).isTrue();
        }
    }

    @Test
    void anIdleClientIsToldAndDisconnected() throws IOException {
        try (Pop3Client client = new Pop3Client(rig.start(Pop3Rig.stls().withIdleTimeout(Duration.ofMillis(300))))) {
            client.line();
            client.sendRaw("NO"); // half a command: the deadline is the line's, not each octet's
            assertThat(client.line()).isEqualTo("-ERR idle too long, closing");
            assertThat(client.closedByServer()).isTrue();
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> rig.server().connectionCount() == 0);
    }

    @Test
    void connectionsOverTheLimitAreRefused() throws IOException {
        InetSocketAddress address = rig.start(Pop3Rig.stls().withMaxConnections(1));
        try (Pop3Client first = new Pop3Client(address)) {
            assertThat(first.line()).startsWith("+OK");
            try (Pop3Client second = new Pop3Client(address)) {
                assertThat(second.line()).isEqualTo("-ERR [SYS/TEMP] too many connections, try again later");
                assertThat(second.closedByServer()).isTrue();
            }
            assertThat(first.command("NOOP")).startsWith("-ERR"); // the first is served as before
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> rig.server().connectionCount() == 0);
        try (Pop3Client third = new Pop3Client(address)) {
            assertThat(third.line()).startsWith("+OK POP3");
        }
    }

    @Test
    void aClientThatTakesNoOutputIsCutOff() throws IOException {
        Path big = Files.createDirectories(DirectoryMaildrop.folder(rig.root(), BOX)).resolve("big.eml");
        try (OutputStream out = Files.newOutputStream(big)) {
            byte[] line = ("x".repeat(998) + "\r\n").getBytes(StandardCharsets.US_ASCII);
            for (int i = 0; i < 32 * 1024; i++) { // 32 MB: far more than the socket buffers hold
                out.write(line);
            }
        }
        InetSocketAddress address = rig.start(Pop3Rig.stls().withIdleTimeout(Duration.ofMillis(500)));
        try (Socket socket = new Socket(address.getAddress(), address.getPort())) {
            socket.setReceiveBufferSize(4096);
            String commands = "USER " + BOX + "\r\nPASS x\r\nRETR 1\r\n";
            socket.getOutputStream().write(commands.getBytes(StandardCharsets.US_ASCII));
            await().atMost(Duration.ofSeconds(10)).until(() -> rig.server().connectionCount() == 0);
        }
    }

    @Test
    void aFailedHandshakeEndsOnlyThatConnection() throws IOException {
        InetSocketAddress address = rig.start(Pop3Rig.stls().withImplicitTls(Pop3Rig.TLS));
        try (Socket socket = new Socket(address.getAddress(), address.getPort())) {
            socket.getOutputStream().write("USER plaintext\r\n".getBytes(StandardCharsets.US_ASCII));
            socket.setSoTimeout(5000);
            while (socket.getInputStream().read() >= 0) {
                // the server's alert, then the end
            }
        }
        try (Pop3Client client = Pop3Client.implicitTls(address)) {
            assertThat(client.line()).startsWith("+OK POP3");
        }
    }
}
