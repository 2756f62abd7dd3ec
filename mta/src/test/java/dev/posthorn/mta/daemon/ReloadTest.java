package dev.posthorn.mta.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.posthorn.mta.admin.ApiRequest;
import dev.posthorn.mta.admin.ApiResponse;
import dev.posthorn.mta.admin.ControlApi;
import dev.posthorn.mta.admin.ReloadResult;
import dev.posthorn.mta.config.Config;
import dev.posthorn.mta.config.ConfigLoader;
import dev.posthorn.smtp.Reply;
import jakarta.mail.MessagingException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A reload reads the file again: new sessions get the new configuration, open ones finish under theirs. */
class ReloadTest {

    @TempDir
    Path dir;

    private Path file;

    /** A configuration file with one MX listener on {@code ports}, a local domain and the given mailboxes. */
    private Config write(String hostname, String mailboxes, int... ports) throws Exception {
        StringBuilder yaml = new StringBuilder("hostname: " + hostname + "\nspool: spool\nlisteners:\n");
        for (int port : ports) {
            yaml.append("  - { address: 127.0.0.1, port: ").append(port).append(", role: mx }\n");
        }
        yaml.append("trusted_networks: []\n")
                .append("dns: { resolvers: [ \"127.0.0.1:9\" ], timeout: 500ms }\n")
                .append("tarpit: { after_errors: 0 }\n")
                .append("checks: { spf: false, dkim: false, dmarc: false }\n")
                .append("admin: { listen: none }\n")
                .append("domains:\n  posthorn.test:\n    mailboxes: [ ").append(mailboxes).append(" ]\n")
                .append("    delivery: { maildir: mail }\n");
        file = Files.writeString(dir.resolve("posthorn.yaml"), yaml);
        return ConfigLoader.load(file);
    }

    private Daemon start(Config config) throws IOException {
        return Daemon.start(config, () -> ConfigLoader.load(file));
    }

    private List<String> mailbox(String name) throws IOException {
        return Maildirs.messages(dir.resolve("mail").resolve(name));
    }

    @Test
    void aMailboxAddedToTheFileIsAcceptedAfterTheReload() throws Exception {
        int port = FreePorts.loopback();
        try (Daemon daemon = start(write("mx.posthorn.test", "alice", port))) {
            InetSocketAddress mx = daemon.addresses().getFirst();
            assertThatThrownBy(() -> TestMail.send(mx, "s@client.test", "bob@posthorn.test", "before", "x\r\n"))
                    .isInstanceOf(MessagingException.class).hasStackTraceContaining("550 5.1.1");

            write("mx.posthorn.test", "alice, bob", port);
            ReloadResult result = daemon.reload();

            assertThat(result.applied()).isTrue();
            assertThat(result.problems()).isEmpty();
            TestMail.send(mx, "s@client.test", "bob@posthorn.test", "after", "x\r\n");
            await().atMost(Duration.ofSeconds(10)).until(() -> mailbox("bob").size() == 1);
        }
    }

    @Test
    void aConfigurationWithProblemsIsRefusedAndTheRunningOneStays() throws Exception {
        int port = FreePorts.loopback();
        try (Daemon daemon = start(write("mx.posthorn.test", "alice", port))) {
            Files.writeString(file, Files.readString(file) + "limits: { max_recipients: 5 }\n");

            ReloadResult result = daemon.reload();

            assertThat(result.applied()).isFalse();
            assertThat(result.problems()).singleElement().asString()
                    .startsWith(file + ":14:")
                    .contains("limits.max_recipients: must be at least 100");
            assertThat(daemon.check()).isEqualTo(result.problems());
            TestMail.send(daemon.addresses().getFirst(), "s@client.test", "alice@posthorn.test", "still", "x\r\n");
            await().atMost(Duration.ofSeconds(10)).until(() -> mailbox("alice").size() == 1);
        }
    }

    @Test
    void aSessionOpenDuringTheReloadFinishesUnderTheConfigurationItStartedWith() throws Exception {
        int port = FreePorts.loopback();
        try (Daemon daemon = start(write("one.posthorn.test", "alice", port));
             Talk open = new Talk(daemon.addresses().getFirst())) {
            assertThat(open.read().toString()).startsWith("220 one.posthorn.test");
            Reply ehlo = open.command("EHLO client.test");
            assertThat(ehlo.code()).isEqualTo(250);
            assertThat(ehlo.lines()).hasSizeGreaterThan(1);
            assertThat(ehlo.lines().getFirst()).startsWith("one.posthorn.test");

            write("two.posthorn.test", "bob, alice", port);
            assertThat(daemon.reload().applied()).isTrue();

            try (Talk fresh = new Talk(daemon.addresses().getFirst())) {
                assertThat(fresh.read().toString()).startsWith("220 two.posthorn.test");
            }
            // The open session goes on under the old name, which its message's Received field carries.
            assertThat(open.command("MAIL FROM:<s@client.test>").code()).isEqualTo(250);
            assertThat(open.command("RCPT TO:<alice@posthorn.test>").code()).isEqualTo(250);
            assertThat(open.command("DATA").code()).isEqualTo(354);
            assertThat(open.command("Subject: across\r\n\r\nbody\r\n.").code()).isEqualTo(250);
            await().atMost(Duration.ofSeconds(10)).until(() -> mailbox("alice").size() == 1);
            assertThat(mailbox("alice").getFirst()).contains("by one.posthorn.test");
        }
    }

    @Test
    void listenersAddedStartAndListenersRemovedStop() throws Exception {
        int first = FreePorts.loopback();
        int second = FreePorts.loopback();
        try (Daemon daemon = start(write("mx.posthorn.test", "alice", first))) {
            write("mx.posthorn.test", "alice", first, second);
            assertThat(daemon.reload().applied()).isTrue();
            try (Talk added = new Talk(new InetSocketAddress("127.0.0.1", second))) {
                assertThat(added.read().toString()).startsWith("220 mx.posthorn.test");
            }

            write("mx.posthorn.test", "alice", second);
            assertThat(daemon.reload().applied()).isTrue();

            assertThat(daemon.addresses()).extracting(InetSocketAddress::getPort).containsExactly(second);
            await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThatThrownBy(
                    () -> new Socket("127.0.0.1", first).close()).isInstanceOf(ConnectException.class));
        }
    }

    @Test
    void aListenerThatCannotBindRefusesTheReloadWhole() throws Exception {
        int port = FreePorts.loopback();
        try (Daemon daemon = start(write("mx.posthorn.test", "alice", port));
             ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            write("two.posthorn.test", "alice", port, taken.getLocalPort());

            ReloadResult result = daemon.reload();

            assertThat(result.applied()).isFalse();
            assertThat(result.problems()).singleElement().asString().startsWith("not reloaded:");
            try (Talk still = new Talk(daemon.addresses().getFirst())) {
                assertThat(still.read().toString()).startsWith("220 mx.posthorn.test");
            }
        }
    }

    @Test
    void theSpoolCannotMoveWhileTheDaemonRuns() throws Exception {
        int port = FreePorts.loopback();
        try (Daemon daemon = start(write("mx.posthorn.test", "alice", port))) {
            Files.writeString(file, Files.readString(file).replace("spool: spool", "spool: elsewhere"));

            ReloadResult result = daemon.reload();

            assertThat(result.applied()).isFalse();
            assertThat(result.problems()).singleElement().asString().startsWith("spool: cannot change");
            assertThat(daemon.config().spool()).isEqualTo(dir.resolve("spool"));
        }
    }

    @Test
    void theAdminApiReloadsAndChecksTheFile() throws Exception {
        int port = FreePorts.loopback();
        try (Daemon daemon = start(write("mx.posthorn.test", "alice", port))) {
            ControlApi api = new ControlApi(daemon);
            ApiResponse check = api.handle(request("GET", "config", "check")).orElseThrow();
            assertThat(check.status()).isEqualTo(200);
            assertThat(check.json()).isEqualTo("{\"ok\":true,\"problems\":[]}");

            write("mx.posthorn.test", "alice, bob", port);
            ApiResponse reloaded = api.handle(request("POST", "reload")).orElseThrow();
            assertThat(reloaded.status()).isEqualTo(200);
            assertThat(reloaded.json()).isEqualTo("{\"reloaded\":true,\"problems\":[],\"notes\":[]}");
            assertThat(daemon.config().domains().get("posthorn.test").mailboxes().toString()).contains("bob");

            Files.writeString(file, Files.readString(file) + "colour: blue\n");
            ApiResponse refused = api.handle(request("POST", "reload")).orElseThrow();
            assertThat(refused.status()).isEqualTo(422);
            assertThat(refused.json()).startsWith("{\"reloaded\":false,\"problems\":[\"" + file + ":14:1: colour:"
                    + " unknown key");
            assertThat(api.handle(request("GET", "config", "check")).orElseThrow().json())
                    .startsWith("{\"ok\":false,\"problems\":[\"" + file + ":14:1: colour: unknown key");
            assertThat(api.handle(request("GET", "reload")).orElseThrow().status()).isEqualTo(405);
            assertThat(api.handle(request("GET", "queue"))).isEmpty();
        }
    }

    private static ApiRequest request(String method, String... path) {
        return new ApiRequest(method, List.of(path), Map.of(), new byte[0]);
    }
}
