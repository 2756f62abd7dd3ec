package dev.posthorn.mta.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import dev.posthorn.smtp.testing.Dialog;
import dev.posthorn.smtp.testing.DialogResult;
import dev.posthorn.smtp.testing.DialogRunner;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Log forging from the network (issue 12): a client on a real socket puts control characters, NEL (U+0085), the
 * Unicode line separators and bidi controls into everything a peer says that may reach a log line (HELO and EHLO
 * names, MAIL FROM addresses and parameters, AUTH user names, Message-ID and Subject), and the daemon's log, as the
 * logback.xml it ships writes it to System.err, carries none of them raw: every line is a log line that starts with
 * its time, and what the peer said is there, escaped.
 */
class LogInjectionTest {

    /** What must never reach the log raw: C0, C1 (NEL), the line and paragraph separators, bidi controls. */
    private static final String[] RAW = {"\r", "\u0000", "\u001b", "\u0085", "\u009b", "\u2028", "\u2029", "\u202a",
        "\u202e", "\u2066", "\u2069", "\u200e", "\u200f", "\u061c"};

    @TempDir
    Path dir;

    @Test
    void nothingAPeerSaysBreaksOrReordersALogLine() throws Exception {
        String log = logged(() -> {
            try (Daemon daemon = Daemon.start(TestConfigs.conformance(dir))) {
                InetSocketAddress address = daemon.addresses().getFirst();
                try (Talk talk = new Talk(address)) {
                    talk.read();
                    talk.command("EHLO client\u0085\u202e.test");
                    talk.command("HELO client\u2066\u001b[2J.test");
                    talk.command("EHLO client.test");
                    talk.command("MAIL FROM:<a\u0085b@client.test> SMTPUTF8");
                    talk.command("RSET");
                    talk.command("MAIL FROM:<x@client.test> ENVID=a\u009bb SMTPUTF8 X-\u2028=\u202a");
                    talk.command("RSET");
                    talk.command("MAIL FROM:<exe.\u202egpj@client.test> SMTPUTF8");
                    talk.command("RSET");
                    assertThat(talk.command("MAIL FROM:<j\u00f6rg@client.test> SMTPUTF8").code()).isEqualTo(250);
                    assertThat(talk.command("RCPT TO:<alice@posthorn.test> ORCPT=rfc822;a+2028\u2028b").code())
                            .isIn(250, 501, 553);
                    assertThat(talk.command("RCPT TO:<alice@posthorn.test>").code()).isEqualTo(250);
                    assertThat(talk.command("DATA").code()).isEqualTo(354);
                    assertThat(talk.command("Message-ID: <id\u202e\u2069\u200f@client.test>\r\n"
                            + "Subject: hi\u061c\u200e\u2029there\r\n\r\nbody\r\n.").code()).isEqualTo(250);
                    talk.command("QUIT");
                }
                String plain = Base64.getEncoder().encodeToString(
                        "\u0000mal\u202elory\u0085\u0000wrong".getBytes(StandardCharsets.UTF_8));
                DialogResult auth = new DialogRunner().run(Dialog.parse("auth", """
                        S: 220
                        C: EHLO client.test
                        S: 250
                        C: STARTTLS
                        S: 220
                        TLS
                        C: EHLO client.test
                        S: 250
                        C: AUTH PLAIN %s
                        S: 535
                        C: QUIT
                        S: 221
                        """.formatted(plain)), address);
                assertThat(auth.passed()).as(auth.report()).isTrue();
            }
        });

        assertThat(log).doesNotContain(RAW);
        // Every line is a log line (it starts with its time) or a line of a logged exception's stack trace.
        assertThat(log.lines().toList()).allMatch(line -> line.matches("\\d{4}-\\d\\d-\\d\\dT\\S+ .*")
                || line.matches("[\\w.$]+(: .*)?") || line.startsWith("\t") || line.startsWith("Caused by: "));
        // What the peer said is in the log, escaped: the test looks at lines that were written.
        assertThat(log).contains("auth_failed user=<mal\\u202elory\\x85>")
                .contains("queued from=<j\u00f6rg@client.test>")
                .containsPattern("message_id=<id\\S+@client.test>");
    }

    private static String logged(ThrowingRunnable run) throws Exception {
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream saved = System.err;
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            run.run();
        } finally {
            System.setErr(saved);
        }
        String log = captured.toString(StandardCharsets.UTF_8);
        saved.print(log);
        return log;
    }

    private interface ThrowingRunnable {
        void run() throws Exception;
    }
}
