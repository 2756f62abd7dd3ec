package dev.posthorn.mta.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.posthorn.mta.config.Admin;
import dev.posthorn.mta.config.Config;
import dev.posthorn.mta.config.Logging;
import dev.posthorn.mta.config.Listener;
import dev.posthorn.mta.daemon.Daemon;
import dev.posthorn.mta.maillog.MailLog;
import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A first start with the users file in the spool: the daemon makes it (empty, mode 600), offers AUTH, and a user
 * added with {@code posthorn user add} logs in without a restart.
 */
class FirstUserTest {

    @TempDir
    Path dir;

    /** The defaults' layout in {@code dir}, with implicit-TLS submission only, on a free port. */
    private Config config() {
        Config defaults = Config.defaults(dir);
        Path spool = dir.resolve("spool");
        return new Config(defaults.hostname(), spool,
                List.of(new Listener(InetAddress.getLoopbackAddress(), 0, Listener.Role.SUBMISSIONS)),
                Optional.empty(), defaults.trustedNetworks(), defaults.limits(), defaults.domains(),
                Optional.of(Config.defaultUsersFile(spool)), defaults.dns(), defaults.queue(), defaults.relay(),
                defaults.routes(), defaults.outbound());
    }

    /** Angus Mail's settings for implicit TLS with AUTH to {@code server}, trusting its self-signed certificate. */
    private static Properties smtps(InetSocketAddress server) {
        Properties p = new Properties();
        p.put("mail.smtps.host", server.getAddress().getHostAddress());
        p.put("mail.smtps.port", String.valueOf(server.getPort()));
        p.put("mail.smtps.localhost", "client.test");
        p.put("mail.smtps.ssl.trust", "*");
        p.put("mail.smtps.auth", "true");
        return p;
    }

    private static boolean logsIn(InetSocketAddress server, String user, String password) throws Exception {
        Properties p = smtps(server);
        p.put("mail.smtps.connectiontimeout", "5000");
        p.put("mail.smtps.timeout", "5000");
        try (Transport transport = Session.getInstance(p).getTransport("smtps")) {
            transport.connect(user, password);
            return transport.isConnected();
        } catch (AuthenticationFailedException e) {
            return false;
        }
    }

    private static int userAdd(String password, String... args) {
        return new Terminal().runWithInput(password + "\n", args);
    }

    @Test
    void aUserAddedWhileRunningLogsInWithoutARestart() throws Exception {
        Path file = Files.writeString(dir.resolve("posthorn.yaml"), "spool: spool\n");
        try (Daemon daemon = Daemon.start(config())) {
            Path users = dir.resolve("spool/users");
            assertThat(users).isEmptyFile();
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(users))).isEqualTo("rw-------");
            assertThat(RunCommand.firstUserHint(config(), file)).contains("no users in " + users
                    + " yet; submission needs one: bin/posthorn user add --config " + file + " NAME (no restart needed)");
            InetSocketAddress submission = daemon.addresses().getFirst();
            assertThat(logsIn(submission, "carol", "correct horse")).isFalse();

            assertThat(userAdd("correct horse", "user", "add", "--password-stdin", "--config", file.toString(),
                    "carol")).isZero();

            await().atMost(Duration.ofSeconds(10)).until(() -> logsIn(submission, "carol", "correct horse"));
            assertThat(logsIn(submission, "carol", "wrong")).isFalse();
            assertThat(RunCommand.firstUserHint(config(), file)).isEmpty();
        }
    }

    /** The mail log's queued line names the user who submitted and the message's Message-ID (here as JSON). */
    @Test
    void theQueuedLineCarriesTheUserAndTheMessageId() throws Exception {
        Path file = Files.writeString(dir.resolve("posthorn.yaml"), "spool: spool\n");
        Config config = config().withOperation(Admin.OFF, new Logging(Logging.Format.JSON));
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        PrintStream saved = System.err;
        String messageId;
        try (Daemon daemon = Daemon.start(config)) {
            assertThat(userAdd("correct horse", "user", "add", "--password-stdin", "--config", file.toString(),
                    "carol")).isZero();
            await().atMost(Duration.ofSeconds(10)).until(() -> logsIn(daemon.addresses().getFirst(), "carol",
                    "correct horse"));
            System.setErr(new PrintStream(log, true, StandardCharsets.UTF_8));
            messageId = send(daemon.addresses().getFirst(), "carol", "correct horse");
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> log.toString(StandardCharsets.UTF_8).contains("\"event\":\"queued\""));
        } finally {
            System.setErr(saved);
            MailLog.format(Logging.Format.TEXT);
        }
        String queued = log.toString(StandardCharsets.UTF_8).lines()
                .filter(line -> line.contains("\"event\":\"queued\"")).findFirst().orElseThrow();
        assertThat(queued).startsWith("{\"time\":\"").endsWith("}")
                .contains("\"from\":\"carol@localhost\"", "\"user\":\"carol\"",
                        "\"message_id\":\"" + messageId + "\"");
    }

    /** Sends one message over implicit TLS with AUTH; returns its Message-ID. */
    private static String send(InetSocketAddress server, String user, String password) throws Exception {
        Properties p = smtps(server);
        Session session = Session.getInstance(p);
        MimeMessage message = new MimeMessage(session);
        message.setFrom(new InternetAddress(user + "@localhost"));
        message.setRecipients(Message.RecipientType.TO, "user@localhost");
        message.setSubject("logged");
        message.setText("hello");
        message.saveChanges();
        try (Transport transport = session.getTransport("smtps")) {
            transport.connect(user, password);
            transport.sendMessage(message, message.getAllRecipients());
        }
        return message.getMessageID();
    }

    @Test
    void withoutConfigTheHintAndUserAddUseTheDefaultsUsersFile() throws Exception {
        Config defaults = Config.defaults();

        assertThat(RunCommand.firstUserHint(Config.defaults(dir), null)).get().asString()
                .endsWith("submission needs one: bin/posthorn user add NAME (no restart needed)");
        // 'user add' without --config and 'run' without --config read the same Config.defaults().
        UserCommand.Add add = new UserCommand.Add();
        assertThat(add.usersFile()).isEqualTo(defaults.usersFile().orElseThrow())
                .isEqualTo(Path.of("var/spool/users").toAbsolutePath());
    }

    @Test
    void aUsersFileThatIsNamedButMissingStopsTheStart() {
        Config named = config();
        Path missing = dir.resolve("etc/users");
        Config config = new Config(named.hostname(), named.spool(), named.listeners(), named.tls(),
                named.trustedNetworks(), named.limits(), named.domains(), Optional.of(missing), named.dns(),
                named.queue(), named.relay(), named.routes(), named.outbound());

        assertThatThrownBy(() -> Daemon.start(config).close())
                .hasMessage("users_file " + missing + ": no such file");
    }
}
