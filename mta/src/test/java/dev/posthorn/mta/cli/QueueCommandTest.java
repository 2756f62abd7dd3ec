package dev.posthorn.mta.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.posthorn.mta.config.Admin;
import dev.posthorn.mta.config.Config;
import dev.posthorn.mta.config.ConfigLoader;
import dev.posthorn.mta.config.Listener;
import dev.posthorn.mta.daemon.Daemon;
import dev.posthorn.mta.daemon.FreePorts;
import dev.posthorn.mta.daemon.Maildirs;
import dev.posthorn.smtp.Reply;
import dev.posthorn.smtp.testing.DnsResponder;
import dev.posthorn.smtp.testing.FakeSmtpServer;
import dev.posthorn.smtp.testing.FakeSmtpServer.Script;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code posthorn queue ...} and {@code posthorn explain} run in-process as the launcher runs them, against a
 * running daemon (loaded from a YAML file) whose exchanger for far.test greylists at RCPT.
 */
class QueueCommandTest {

    @TempDir
    Path dir;

    private DnsResponder dns;
    private FakeSmtpServer server;
    private volatile boolean greylisting = true;
    private Daemon daemon;
    private Path cliConfig;
    private Terminal terminal;

    @BeforeEach
    void start() throws Exception {
        dns = DnsResponder.builder().zone("far.test").mx("far.test", 10, "mx.far.test").a("mx.far.test", "127.0.0.3")
                .start();
        server = FakeSmtpServer.start(new InetSocketAddress("127.0.0.3", 0), n -> greylisting
                ? Script.accepting().withRcpt("x@far.test", Reply.of(451, "4.7.1", "greylisted"))
                : Script.accepting());
        Path config = Files.writeString(dir.resolve("posthorn.yaml"), """
                hostname: mx.a.test
                spool: %s
                trusted_networks: [127.0.0.0/8]
                domains: {a.test: {mailboxes: [alice], delivery: {maildir: %s}}}
                dns: {resolvers: ["%s"], timeout: 2s}
                queue: {retry: [1h]}
                outbound: {port: %d, mta_sts: false}
                checks: {spf: false, dkim: false, dmarc: false}
                """.formatted(dir.resolve("spool"), dir.resolve("mail"), "127.0.0.1:" + dns.address().getPort(),
                server.port()));
        daemon = Daemon.start(onFreePorts(ConfigLoader.load(config)));
        cliConfig = cliConfig(daemon.adminAddress().orElseThrow().getPort());
    }

    /**
     * The loaded file with its listeners on free ports (a file cannot say port 0): the MX listener and the admin
     * listener.
     */
    private static Config onFreePorts(Config c) {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        return new Config(c.hostname(), c.spool(), List.of(new Listener(loopback, 0, Listener.Role.MX)), c.tls(),
                c.trustedNetworks(), c.limits(), c.domains(), c.usersFile(), c.dns(), c.queue(), c.relay(), c.routes(),
                c.outbound(), c.dkim(), c.checks(), c.tarpit(), c.dnsbl(), c.senders(), c.admin(), c.log(),
                c.dmarcReports(), c.tlsReports())
                .withOperation(new Admin(Optional.of(new InetSocketAddress(loopback, 0)), Optional.empty()), c.log());
    }

    /** The file the commands are given: the daemon's spool (for the token) and where its admin API answers. */
    private Path cliConfig(int port) throws IOException {
        return Files.writeString(dir.resolve("cli-" + port + ".yaml"), """
                hostname: mx.a.test
                spool: %s
                admin: {listen: "127.0.0.1:%d"}
                """.formatted(dir.resolve("spool"), port));
    }

    @AfterEach
    void stop() throws Exception {
        daemon.close();
        server.close();
        dns.close();
    }

    private int run(String... args) {
        terminal = new Terminal();
        String[] full = Stream.concat(Stream.of(args), Stream.of("--config", cliConfig.toString()))
                .toArray(String[]::new);
        return terminal.run(full);
    }

    private void send(String to) throws Exception {
        Properties props = new Properties();
        props.put("mail.smtp.host", daemon.addresses().getFirst().getHostString());
        props.put("mail.smtp.port", String.valueOf(daemon.addresses().getFirst().getPort()));
        MimeMessage message = new MimeMessage(Session.getInstance(props));
        message.setFrom(new InternetAddress("alice@a.test"));
        message.setRecipients(Message.RecipientType.TO, to);
        message.setSubject("queue");
        message.setText("hello far away\r\n");
        Transport.send(message);
    }

    private long queued() throws IOException {
        try (Stream<Path> files = Files.list(dir.resolve("spool/queue"))) {
            return files.filter(f -> f.getFileName().toString().matches("[0-9A-Za-z]+")).count();
        }
    }

    /** Sends to x@far.test and waits until the queue lists it deferred; returns its id. */
    private String deferred() throws Exception {
        send("x@far.test");
        await().atMost(Duration.ofSeconds(15)).until(() -> run("queue", "list", "--state", "deferred") == 0
                && terminal.out().contains("x@far.test (pending: "));
        Matcher id = Pattern.compile("^([0-9A-Za-z]+) +\\d+ ", Pattern.MULTILINE).matcher(terminal.out());
        assertThat(id.find()).isTrue();
        return id.group(1);
    }

    private List<String> alice() throws IOException {
        return Maildirs.messages(dir.resolve("mail/alice"));
    }

    @Test
    void listPrintsAlignedColumnsAndJsonPrintsTheApiDocument() throws Exception {
        assertThat(run("queue", "list")).isZero();
        assertThat(terminal.out()).isEqualTo("no queued messages\n");

        String id = deferred();
        assertThat(run("queue", "list")).isZero();
        List<String> lines = terminal.out().lines().toList();
        assertThat(lines.get(0)).matches("ID +SIZE +ARRIVAL +STATE +SENDER/RECIPIENTS");
        assertThat(lines.get(1)).matches(id + " +\\d+ +\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\dZ +deferred +alice@a.test");
        assertThat(lines.get(2)).matches(" +x@far.test \\(pending: mx.far.test\\[127.0.0.3\\] said: 451 4.7.1 greylisted\\)");
        assertThat(lines.get(2).indexOf('x')).isEqualTo(lines.get(1).indexOf("alice"));
        assertThat(lines.get(3)).isEqualTo("-- 1 message");

        assertThat(run("queue", "list", "--json", "--domain", "far.test")).isZero();
        assertThat(terminal.out()).startsWith("{\"count\":1,").contains("\"id\":\"" + id + "\"");
        assertThat(run("queue", "list", "--sender", "bob")).isZero();
        assertThat(terminal.out()).isEqualTo("no queued messages match\n");
        assertThat(run("queue", "list", "--state", "frozen")).isEqualTo(1);
        assertThat(terminal.err()).isEqualTo("posthorn: state: expected active, deferred or held\n");
    }

    @Test
    void showAndExplainTellWhyTheMessageWaits() throws Exception {
        String id = deferred();
        assertThat(run("queue", "show", id)).isZero();
        assertThat(terminal.out()).contains("id:         " + id, "state:      deferred", "sender:     alice@a.test",
                "attempts:   1", "next retry: ", "  x@far.test (pending: mx.far.test[127.0.0.3] said: 451 4.7.1 greylisted)");

        assertThat(run("explain", id)).isZero();
        assertThat(terminal.out()).contains("message " + id + " from <alice@a.test>", "attempt 1 at ",
                "  x@far.test: pending", "via smtp (mx)", "MX 10 mx.far.test 127.0.0.3",
                "host tried: mx.far.test[127.0.0.3]", "TLS: none; policy: level may",
                "C: RCPT TO:<x@far.test>", "S: 451 4.7.1 greylisted",
                "deferred: mx.far.test[127.0.0.3] said: 451 4.7.1 greylisted", "next retry: ");
        assertThat(run("explain", "--json", id)).isZero();
        assertThat(terminal.out()).contains("\"history\":[{", "\"S: 451 4.7.1 greylisted\"");
    }

    @Test
    void anUnknownIdExitsOneSayingSo() {
        for (String[] command : List.of(new String[] {"queue", "show"}, new String[] {"queue", "hold"},
                new String[] {"queue", "release"}, new String[] {"queue", "delete"}, new String[] {"queue", "bounce"},
                new String[] {"queue", "flush"}, new String[] {"explain"})) {
            String[] args = Stream.concat(Stream.of(command), Stream.of("0NOPE")).toArray(String[]::new);
            assertThat(run(args)).as(String.join(" ", command)).isEqualTo(1);
            assertThat(terminal.err()).isEqualTo("posthorn: no message 0NOPE in the queue\n");
        }
    }

    @Test
    void aDaemonThatDoesNotAnswerIsNamedByItsAddress() throws Exception {
        int port = FreePorts.loopback();
        cliConfig = cliConfig(port);
        assertThat(run("queue", "list")).isEqualTo(1);
        assertThat(terminal.err()).isEqualTo("posthorn: the daemon is not running: nothing answers at 127.0.0.1:"
                + port + "\n");
    }

    @Test
    void holdKeepsTheMessageAndReleaseDeliversIt() throws Exception {
        String id = deferred();
        greylisting = false;
        server.closeConnections();
        assertThat(run("queue", "hold", id)).isZero();
        assertThat(terminal.out()).isEqualTo(id + ": held\n");
        assertThat(run("queue", "flush")).isZero();
        assertThat(terminal.out()).isEqualTo("0 deferred message(s) made due now\n");
        assertThat(run("queue", "flush", id)).isEqualTo(1);
        assertThat(terminal.err()).isEqualTo("posthorn: message " + id + " is held; release it first\n");
        assertThat(run("queue", "list", "--state", "held")).isZero();
        assertThat(terminal.out()).contains(id + " ").contains(" held ");

        assertThat(run("queue", "release", id)).isZero();
        assertThat(terminal.out()).isEqualTo(id + ": released\n");
        await().atMost(Duration.ofSeconds(15)).until(() -> queued() == 0);
        assertThat(server.received()).hasSize(1);
    }

    @Test
    void deleteRemovesTheMessageWithoutAReport() throws Exception {
        String id = deferred();
        assertThat(run("queue", "delete", id)).isZero();
        assertThat(terminal.out()).isEqualTo(id + ": deleted\n");
        assertThat(queued()).isZero();
        assertThat(alice()).isEmpty();
        assertThat(run("queue", "show", id)).isEqualTo(1);
    }

    @Test
    void bounceSendsTheSenderAFailureReport() throws Exception {
        String id = deferred();
        assertThat(run("queue", "bounce", id)).isZero();
        assertThat(terminal.out()).isEqualTo(id + ": bounced\n");
        await().atMost(Duration.ofSeconds(15)).until(() -> alice().size() == 1 && queued() == 0);
        assertThat(alice().getFirst()).contains("Action: failed", "bounced by the administrator");
    }

    @Test
    void flushOfADomainAndOfOneMessageDeliverNow() throws Exception {
        String first = deferred();
        greylisting = false;
        server.closeConnections();
        assertThat(run("queue", "flush", first)).isZero();
        assertThat(terminal.out()).isEqualTo(first + ": flushed\n");
        await().atMost(Duration.ofSeconds(15)).until(() -> queued() == 0);

        greylisting = true;
        server.closeConnections();
        deferred();
        greylisting = false;
        server.closeConnections();
        assertThat(run("queue", "flush", "--domain", "far.test")).isZero();
        assertThat(terminal.out()).isEqualTo("1 deferred message(s) for far.test made due now\n");
        await().atMost(Duration.ofSeconds(15)).until(() -> queued() == 0);
        assertThat(server.received()).hasSize(2);
    }
}
