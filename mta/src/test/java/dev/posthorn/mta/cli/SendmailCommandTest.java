package dev.posthorn.mta.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.posthorn.mailauth.dkim.DkimResult;
import dev.posthorn.mailauth.dkim.DkimVerifier;
import dev.posthorn.mailauth.dkim.KeyFile;
import dev.posthorn.mailauth.dns.Answer;
import dev.posthorn.mta.config.ConfigLoader;
import dev.posthorn.mta.daemon.Daemon;
import dev.posthorn.mta.daemon.FreePorts;
import dev.posthorn.mta.daemon.Maildirs;
import dev.posthorn.mta.spool.Origin;
import dev.posthorn.mta.spool.QueuedMessage;
import dev.posthorn.mta.spool.Spool;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code posthorn sendmail} in-process as {@code bin/sendmail} runs it: the message lands in the spool with the
 * fields a local submission gets, a daemon delivers it, and bad input leaves nothing queued with sysexits.h's code.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SendmailCommandTest {

    @TempDir
    Path dir;

    private Path config;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private KeyPair key;
    private QueuedMessage message;
    private int port;

    @BeforeEach
    void configure() throws Exception {
        port = FreePorts.loopback(); // the config file needs a real port; only one test starts the daemon
        key = KeyFile.generate("ed25519");
        KeyFile.write(Files.createDirectories(dir.resolve("dkim")).resolve("ed1.pem"), key.getPrivate());
        config = Files.writeString(dir.resolve("posthorn.yaml"), config(""));
    }

    private String config(String extra) {
        return """
                hostname: mx.posthorn.test
                spool: %s
                listeners:
                  - address: 127.0.0.1
                    port: %d
                    role: mx
                dns:
                  resolvers: [ "127.0.0.1:9" ]
                  timeout: 1s
                domains:
                  posthorn.test:
                    mailboxes: [alice, bob]
                    delivery: { maildir: "%s" }
                dkim:
                  sign:
                    posthorn.test:
                      - selector: ed1
                        key: dkim/ed1.pem
                limits: { max_message_size: 100000 }
                admin: { listen: none }
                """.formatted(dir.resolve("spool"), port, dir.resolve("mail")) + extra;
    }

    private int sendmail(String input, String... args) {
        SendmailCommand command = new SendmailCommand();
        command.args = List.of(args);
        command.in = new ByteArrayInputStream(input.getBytes(StandardCharsets.ISO_8859_1));
        command.out = out;
        command.err = new PrintStream(err, true, StandardCharsets.UTF_8);
        command.env = Map.<String, String>of()::get;
        command.search = List.of(dir.resolve("none.yaml"));
        return command.call();
    }

    private List<Path> queueFiles() throws IOException {
        Path queue = dir.resolve("spool/queue");
        if (!Files.isDirectory(queue)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(queue)) {
            return files.toList();
        }
    }

    private String stderr() {
        return err.toString(StandardCharsets.UTF_8);
    }

    private List<String> mailbox(String name) throws IOException {
        return Maildirs.messages(dir.resolve("mail").resolve(name));
    }

    @Test
    void dashTCommitsWithTraceFieldsAndSignatureAndTheDaemonDeliversIt() throws Exception {
        try (Daemon daemon = Daemon.start(ConfigLoader.load(config))) {
            int status = sendmail("To: Bob <bob@posthorn.test>\nBcc: alice\nSubject: from cron\n\nhello\n.\nnot this\n",
                    "-t", "-f", "alice@posthorn.test", "-F", "Alice L.", "-C", config.toString());

            assertThat(status).as(stderr()).isZero();
            assertThat(stderr()).isEmpty();
            List<Path> files = queueFiles().stream().filter(f -> !f.getFileName().toString().contains(".")).toList();
            assertThat(files).hasSize(1);
            Spool spool = Spool.open(dir.resolve("spool"));
            message = spool.load(files.getFirst().getFileName().toString()).orElseThrow();
            assertThat(message.envelope().sender().toString()).isEqualTo("<alice@posthorn.test>");
            assertThat(message.envelope().recipients()).extracting(r -> r.address().toString())
                    .containsExactly("bob@posthorn.test", "alice@posthorn.test");
            assertThat(message.envelope().receivedCount()).hasValue(1);
            assertThat(message.envelope().client().origin()).as("a local user: every report it asks for")
                    .isEqualTo(Origin.AUTHENTICATED);
            assertThat(message.envelope().client().user()).contains(System.getProperty("user.name")
                    .replaceAll("[^A-Za-z0-9._-]", "_") + ", uid " + Files.getAttribute(Path.of("/proc/self"),
                    "unix:uid"));

            // What the admin API's flush does for a message not in memory: load it from the spool, attempt it now.
            daemon.runner().submit(message);
            await().atMost(Duration.ofSeconds(10)).until(() -> mailbox("bob").size() == 1
                    && mailbox("alice").size() == 1);
        }
        String bob = mailbox("bob").getFirst();
        assertThat(bob).contains("\nReceived: by mx.posthorn.test (Posthorn, from local user ")
                .contains("\tid " + message.id() + ";\n")
                .contains("From: \"Alice L.\" <alice@posthorn.test>\n")
                .contains("Message-ID: <" + message.id() + "@mx.posthorn.test>\n")
                .contains("\nDate: ")
                .doesNotContain("Bcc").doesNotContain("not this")
                .endsWith("\n\nhello\n");
        String wire = bob.substring(bob.indexOf("DKIM-Signature:")).replace("\n", "\r\n");
        String record = KeyFile.parseDnsRecord(KeyFile.dnsRecord("posthorn.test", "ed1", key.getPublic())).text();
        List<DkimResult> results = new DkimVerifier(name -> new Answer.Found<>(List.of(record)), Clock.systemUTC())
                .verify(new ByteArrayInputStream(wire.getBytes(StandardCharsets.UTF_8)));
        assertThat(results).extracting(DkimResult::status).containsExactly(DkimResult.Status.PASS);
    }

    @Test
    void bareRecipientsGetTheLocalDomainAndTheSenderIsTheUserAtTheHostname() throws Exception {
        assertThat(sendmail("Subject: x\n\nbody\n", "-i", "-C", config.toString(), "bob")).as(stderr()).isZero();
        QueuedMessage message = Spool.open(dir.resolve("spool")).sweep().getFirst();
        assertThat(message.envelope().recipients()).extracting(r -> r.address().toString())
                .containsExactly("bob@posthorn.test");
        assertThat(message.envelope().sender().toString()).endsWith("@mx.posthorn.test>");
    }

    @Test
    void theDaemonIsAskedToFlushTheMessageWithItsToken() throws Exception {
        try (FakeAdmin admin = FakeAdmin.start()) {
            Files.writeString(dir.resolve("admin.token"), "secret-token\n");
            Files.writeString(config, config("").replace("admin: { listen: none }",
                    "admin: { listen: \"127.0.0.1:" + admin.port() + "\", token_file: \"" + dir.resolve("admin.token")
                            + "\" }"));
            assertThat(sendmail("Subject: x\n\nbody\n", "-C", config.toString(), "bob@posthorn.test"))
                    .as(stderr()).isZero();
            String id = Spool.open(dir.resolve("spool")).sweep().getFirst().id();
            assertThat(admin.request()).startsWith("POST /api/v1/queue/" + id + "/flush HTTP/1.1\r\n")
                    .containsIgnoringCase("\r\nAuthorization: Bearer secret-token\r\n");
        }
    }

    @Test
    void anUnreachableDaemonIsNoError() throws Exception {
        Files.writeString(config, config("").replace("admin: { listen: none }", "admin: { listen: \"127.0.0.1:9\" }"));
        assertThat(sendmail("Subject: x\n\nbody\n", "-C", config.toString(), "bob@posthorn.test")).isZero();
        assertThat(stderr()).isEmpty();
        assertThat(queueFiles()).hasSize(1);
    }

    @Test
    void badInputGetsItsExitCodeAndOneLineAndNothingIsQueued() throws Exception {
        String c = config.toString();
        String longLine = "x".repeat(999);
        Object[][] cases = {
            {64, "S: x\n\nbody\n", new String[] {"-C", c}, "sendmail: no recipients: name them as arguments"},
            {64, "S: x\n\nbody\n", new String[] {"-t", "-C", c}, "sendmail: no recipients: none in the arguments"},
            {64, "", new String[] {"-Q", "-C", c, "bob"}, "sendmail: unknown option -Q"},
            {65, "S: x\n\n" + longLine + "\n", new String[] {"-C", c, "bob"}, "sendmail: line 3 is longer than 998"},
            {65, "S: x\r\n\r\nbody\nmore\r\n", new String[] {"-C", c, "bob"}, "sendmail: line 3 ends in a bare LF"},
            {65, "S: x\n\nbo\rdy\n", new String[] {"-C", c, "bob"}, "sendmail: line 3 contains a bare CR"},
            {65, "S: x\n\nbo\0dy\n", new String[] {"-C", c, "bob"}, "sendmail: line 3 contains a NUL"},
            {65, "S: x\n\n" + "0123456789\n".repeat(10_000), new String[] {"-C", c, "bob"},
                "sendmail: the message is larger than limits.max_message_size (100000 octets)"},
            {65, "S: x\n\nbody\n", new String[] {"-C", c, "bob@@posthorn.test"},
                "sendmail: invalid recipient address <bob@@posthorn.test>"},
            {65, "To: <a\u0001b@x>\n\nbody\n", new String[] {"-t", "-C", c}, "sendmail: invalid recipient address <a?b@x>"},
            {65, "S: x\n\nbody\n", new String[] {"-f", "a b@c", "-C", c, "bob"}, "sendmail: invalid sender address"},
            {67, "S: x\n\nbody\n", new String[] {"-C", c, "carol@posthorn.test"},
                "sendmail: no mailbox <carol@posthorn.test>"},
        };
        for (Object[] test : cases) {
            err.reset();
            int status = sendmail((String) test[1], (String[]) test[2]);
            assertThat(stderr()).as("stderr for %s", List.of((String[]) test[2])).startsWith((String) test[3])
                    .hasLineCount(1);
            assertThat(status).as(stderr()).isEqualTo(test[0]);
            assertThat(queueFiles()).as(stderr()).isEmpty();
        }
    }

    @Test
    void anUnusableConfigOrSpoolIsAConfigErrorOrATemporaryFailure() throws Exception {
        Path bad = Files.writeString(dir.resolve("bad.yaml"), "hostname: [\n");
        assertThat(sendmail("S: x\n\nbody\n", "-C", bad.toString(), "bob")).isEqualTo(78);
        assertThat(stderr()).startsWith("sendmail: 1 problem(s) in the configuration: " + bad + ":");

        err.reset();
        Files.writeString(dir.resolve("spool"), "a file where the spool should be");
        assertThat(sendmail("S: x\n\nbody\n", "-C", config.toString(), "bob")).isEqualTo(75);
        assertThat(stderr()).startsWith("sendmail: spool " + dir.resolve("spool"));
    }

    @Test
    void withoutAConfigurationAndWithoutADaemonsSpoolHereNothingIsQueuedAnywhere() throws Exception {
        Path defaultSpool = Path.of("var/spool").toAbsolutePath();
        org.junit.jupiter.api.Assumptions.assumeFalse(Files.exists(defaultSpool), "a spool in the test's folder");

        assertThat(sendmail("S: x\n\nbody\n", "bob@posthorn.test")).isEqualTo(78);

        assertThat(stderr()).isEqualTo("sendmail: no configuration (no -C, $POSTHORN_CONFIG, " + dir.resolve("none.yaml")
                + " or " + dir.resolve("none.yaml") + ") and no spool at " + defaultSpool
                + " of a daemon run with the embedded defaults\n");
        assertThat(defaultSpool).doesNotExist();
    }

    @Test
    void rootsSubmissionIsGivenToTheQueuesOwner() throws Exception {
        Path queue = Files.createDirectories(dir.resolve("spool/queue"));
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.getAttribute(queue, "unix:uid").equals(0),
                "runs as root, who may give files away");
        Files.setAttribute(queue, "unix:uid", 65534); // nobody: the daemon's user here

        assertThat(sendmail("S: x\n\nbody\n", "-C", config.toString(), "bob")).isZero();

        assertThat(queueFiles()).singleElement().satisfies(file -> {
            assertThat(Files.getAttribute(file, "unix:uid")).isEqualTo(65534);
            assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
                    .isEqualTo("rw-------");
        });
    }

    @Test
    void helpSaysWhichConfigurationIsUsed() throws Exception {
        assertThat(sendmail("", "--help")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).startsWith("Usage: sendmail [-t] [-i|-oi]")
                .contains("Used now: unusable: no configuration (no -C, $POSTHORN_CONFIG, " + dir.resolve("none.yaml"));
        out.reset();
        assertThat(sendmail("", "--help", "-C", config.toString())).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("Used now: " + config + " (-C)");
    }

    @Test
    void dashBsIsAnSmtpSessionOnStdinAndStdoutThatCommitsToTheSpoolAndMayRelay() throws Exception {
        java.io.PipedOutputStream client = new java.io.PipedOutputStream();
        java.io.PipedInputStream serverOut = new java.io.PipedInputStream(1 << 16);
        SendmailCommand command = new SendmailCommand();
        command.args = List.of("-bs", "-C", config.toString());
        command.in = new java.io.PipedInputStream(client, 1 << 16);
        command.out = new java.io.PipedOutputStream(serverOut);
        command.err = new PrintStream(err, true, StandardCharsets.UTF_8);
        command.env = Map.<String, String>of()::get;
        java.util.concurrent.CompletableFuture<Integer> exit = java.util.concurrent.CompletableFuture.supplyAsync(
                command::call);
        java.io.BufferedReader replies = new java.io.BufferedReader(
                new java.io.InputStreamReader(serverOut, StandardCharsets.US_ASCII));
        assertThat(reply(replies)).startsWith("220 mx.posthorn.test");
        String[][] dialog = {
            {"EHLO client.example", "250 "},
            {"MAIL FROM:<alice@posthorn.test>", "250 2.1.0"},
            {"RCPT TO:<bob@posthorn.test>", "250 2.1.5"},
            {"RCPT TO:<someone@elsewhere.example>", "250 2.1.5"},  // a local user may relay
            {"RCPT TO:<carol@posthorn.test>", "550 5.1.1"},
            {"DATA", "354 "},
            {"From: alice@posthorn.test\r\nSubject: over -bs\r\n\r\nhi\r\n.", "250 2.0.0 Ok: queued as "},
            {"QUIT", "221 "},
        };
        for (String[] step : dialog) {
            client.write((step[0] + "\r\n").getBytes(StandardCharsets.US_ASCII));
            client.flush();
            assertThat(reply(replies)).as(step[0]).startsWith(step[1]);
        }
        assertThat(exit.get(30, TimeUnit.SECONDS)).as(stderr()).isZero();
        List<QueuedMessage> queued = Spool.open(dir.resolve("spool")).sweep();
        assertThat(queued).hasSize(1);
        assertThat(queued.getFirst().envelope().recipients()).extracting(r -> r.address().toString())
                .containsExactly("bob@posthorn.test", "someone@elsewhere.example");
        assertThat(queued.getFirst().envelope().prependedHeaders()).asString(StandardCharsets.UTF_8)
                .startsWith("DKIM-Signature: v=1; a=ed25519-sha256;");
    }

    /** The last line of one reply (a multi-line reply's lines before it skipped). */
    private static String reply(java.io.BufferedReader replies) throws IOException {
        String line;
        while ((line = replies.readLine()) != null) {
            if (line.length() < 4 || line.charAt(3) != '-') {
                return line;
            }
        }
        return "";
    }

    @Test
    void throughTheCommandLineEveryWordReachesTheHandParser() {
        // picocli must not take -t, -oi or -f for its own options: the words arrive as given.
        picocli.CommandLine line = Main.commandLine();
        picocli.CommandLine.ParseResult parsed = line.parseArgs("sendmail", "-t", "-oi", "-fme@x", "--help", "bob",
                "--", "-odd", "@file");
        SendmailCommand command = parsed.subcommand().commandSpec().commandLine().getCommand();
        assertThat(command.args).containsExactly("-t", "-oi", "-fme@x", "--help", "bob", "--", "-odd", "@file");
    }
}
