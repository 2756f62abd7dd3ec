package dev.posthorn.smtp.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class DialogRunnerTest {

    /** The README's deadlines: a shorter quiet period could pass a silence the server merely failed to break yet. */
    private static final DialogRunner RUNNER = new DialogRunner();
    /** For the cases that must wait for a deadline to fail. */
    private static final DialogRunner IMPATIENT = new DialogRunner(Duration.ofMillis(400), Duration.ofMillis(200));

    private static final ScriptedServer.Script EHLO_SERVER = c -> {
        c.send("220 mx.posthorn.test ESMTP\r\n");
        assertThat(c.readLine()).isEqualTo("EHLO client.test");
        c.send("250-mx.posthorn.test greets client.test\r\n250-PIPELINING\r\n250-SIZE 1000000\r\n"
                + "250 STARTTLS\r\n");
        c.awaitClientClose();
    };

    @Test
    void matchingRepliesPass() throws Exception {
        try (ScriptedServer server = new ScriptedServer(c -> {
            c.send("220 mx.posthorn.test ESMTP\r\n");
            assertThat(c.readLine()).isEqualTo("QUIT");
            c.send("221 2.0.0 Bye\r\n");
        })) {
            DialogResult result = RUNNER.run(dialog("S: 220\nC: QUIT\nS: 221 2.0.0\nS: CLOSE\n"), server.address());

            assertThat(result.passed()).as(result.report()).isTrue();
            assertThat(result.failedStep()).isEqualTo(-1);
            assertThat(result.message()).isEmpty();
            assertThat(result.transcript()).containsSubsequence("S: 220 mx.posthorn.test ESMTP", "C: QUIT",
                    "S: 221 2.0.0 Bye", "-- connection closed by the server");
            assertThat(server.received()).asString(StandardCharsets.UTF_8).isEqualTo("QUIT\r\n");
            assertThat(server.failure()).isNull();
        }
    }

    @Test
    void aWrongCodeFailsWithExpectedAndActual() throws Exception {
        try (ScriptedServer server = new ScriptedServer(c -> {
            c.send("554 5.7.1 go away\r\n");
            c.awaitClientClose();
        })) {
            DialogResult result = RUNNER.run(dialog("# comment\nS: 220\nC: QUIT\nS: 221\n"), server.address());

            assertThat(result.passed()).isFalse();
            assertThat(result.failedStep()).isZero();
            assertThat(result.failedLine()).isEqualTo(2);
            assertThat(result.message()).startsWith("line 2 (S: 220): expected 220, got 554 5.7.1 \"go away\"")
                    .contains("the code is not 220");
            assertThat(result.report()).contains("FAILED").contains("S: 554 5.7.1 go away");
            assertThat(server.received()).isEmpty();
        }
    }

    @Test
    void wordsAreLookedForInEveryLineOfAMultiLineReply() throws Exception {
        String passing = "S: 220\nC: EHLO client.test\nS: 250 ~pipelining ~SIZE ~starttls !AUTH !8BITMIME\n";
        try (ScriptedServer server = new ScriptedServer(EHLO_SERVER)) {
            DialogResult result = RUNNER.run(dialog(passing), server.address());
            assertThat(result.passed()).as(result.report()).isTrue();
            assertThat(result.transcript()).contains("S: 250-PIPELINING", "S: 250 STARTTLS");
        }
    }

    @Test
    void aMissingWordFails() throws Exception {
        try (ScriptedServer server = new ScriptedServer(EHLO_SERVER)) {
            DialogResult result = RUNNER.run(dialog("S: 220\nC: EHLO client.test\nS: 250 ~SIZE ~AUTH\n"),
                    server.address());
            assertThat(result.passed()).isFalse();
            assertThat(result.failedLine()).isEqualTo(3);
            assertThat(result.message()).contains("expected 250 ~SIZE ~AUTH").contains("no line contains AUTH")
                    .doesNotContain("no line contains SIZE");
        }
    }

    @Test
    void aForbiddenWordFails() throws Exception {
        try (ScriptedServer server = new ScriptedServer(EHLO_SERVER)) {
            DialogResult result = RUNNER.run(dialog("S: 220\nC: EHLO client.test\nS: 250 !starttls\n"),
                    server.address());
            assertThat(result.passed()).isFalse();
            assertThat(result.message()).contains("a line contains starttls: \"STARTTLS\"");
        }
    }

    @Test
    void enhancedStatusClassesAndAlternatives() throws Exception {
        try (ScriptedServer server = new ScriptedServer(c -> {
            c.send("220 hi\r\n");
            c.readLine();
            c.send("502 5.5.1 unknown\r\n");
            c.readLine();
            c.send("530 5.7.0 TLS first\r\n");
            c.readLine();
            c.send("250 2.0.0 ok\r\n");
            c.awaitClientClose();
        })) {
            DialogResult result = RUNNER.run(dialog("S: 220\nC: XYZZY\nS: 50x 5.5.x\nC: AUTH PLAIN\n"
                    + "S: 4xx|5xx 5.7.x\nC: NOOP\nS: 2xx|3xx 2.1.x\n"), server.address());
            assertThat(result.passed()).isFalse();
            assertThat(result.failedLine()).isEqualTo(7);
            assertThat(result.message()).contains("got 250 2.0.0 \"ok\"")
                    .contains("the enhanced status is not 2.1.x").doesNotContain("the code is not");
        }
    }

    @Test
    void aCodeOutsideTheAlternativesFails() throws Exception {
        try (ScriptedServer server = new ScriptedServer(c -> {
            c.send("421 4.3.2 shutting down\r\n");
            c.awaitClientClose();
        })) {
            DialogResult result = RUNNER.run(dialog("S: 2xx|5xx\n"), server.address());
            assertThat(result.passed()).isFalse();
            assertThat(result.message()).contains("the code is not 2xx|5xx");
        }
    }

    @Test
    void closeAfterOneLastReplyPasses() throws Exception {
        try (ScriptedServer server = new ScriptedServer(c -> {
            c.send("220 hi\r\n");
            c.readLine();
            c.send("221-so long\r\n221 and thanks\r\n");
        })) {
            DialogResult result = RUNNER.run(dialog("S: 220\nC: QUIT\nS: CLOSE\n"), server.address());
            assertThat(result.passed()).as(result.report()).isTrue();
            assertThat(result.transcript()).containsSubsequence("S: 221-so long", "S: 221 and thanks",
                    "-- connection closed by the server");
        }
    }

    @Test
    void closeByResetPasses() throws Exception {
        try (ScriptedServer server = new ScriptedServer(c -> {
            c.send("220 hi\r\n");
            c.readLine();
            c.socket.setSoLinger(true, 0);
            c.socket.close();
        })) {
            DialogResult result = RUNNER.run(dialog("S: 220\nC: QUIT\nS: CLOSE\n"), server.address());
            assertThat(result.passed()).as(result.report()).isTrue();
        }
    }

    @Test
    void closeFailsWhileTheConnectionStaysOpen() throws Exception {
        try (ScriptedServer server = new ScriptedServer(c -> {
            c.send("220 hi\r\n");
            c.readLine();
            c.send("250 still here\r\n");
            c.awaitClientClose();
        })) {
            DialogResult result = IMPATIENT.run(dialog("S: 220\nC: NOOP\nS: CLOSE\n"), server.address());
            assertThat(result.passed()).isFalse();
            assertThat(result.failedStep()).isEqualTo(2);
            assertThat(result.message()).contains("line 3 (S: CLOSE)").contains("still open after 400 ms")
                    .contains("250 still here");
        }
    }

    @Test
    void closeFailsWhenASecondReplyComes() throws Exception {
        try (ScriptedServer server = new ScriptedServer(c -> c.send("221 bye\r\n250 one more thing\r\n"))) {
            DialogResult result = RUNNER.run(dialog("S: CLOSE\n"), server.address());
            assertThat(result.passed()).isFalse();
            assertThat(result.message()).contains("another reply: 250 one more thing");
        }
    }

    @Test
    void nothingPassesWhileTheServerWaitsForData() throws Exception {
        try (ScriptedServer server = new ScriptedServer(c -> {
            c.send("220 hi\r\n");
            assertThat(c.readLine()).isEqualTo("DATA");
            c.send("354 go ahead\r\n");
            while (!".".equals(c.readLine())) {
                // the body: the server must stay silent until the final dot
            }
            c.send("250 2.0.0 queued\r\n");
            assertThat(c.readLine()).isEqualTo("QUIT");
            c.send("221 bye\r\n");
        })) {
            DialogResult result = RUNNER.run(dialog("S: 220\nC: DATA\nS: 354\nC: Subject: x\nC:\nC: body\n"
                    + "S: NOTHING\nC: .\nS: 250 2.0.0\nC: QUIT\nS: 221\nS: CLOSE\n"), server.address());
            assertThat(result.passed()).as(result.report()).isTrue();
            assertThat(result.transcript()).containsSubsequence("C: body", "-- no data for 1 s", "C: .");
            assertThat(server.failure()).isNull();
        }
    }

    @Test
    void nothingFailsWhenTheServerAnswers() throws Exception {
        try (ScriptedServer server = new ScriptedServer(c -> {
            c.send("220 hi\r\n");
            c.readLine();
            c.send("250 ok\r\n");
            c.awaitClientClose();
        })) {
            DialogResult result = RUNNER.run(dialog("S: 220\nC: NOOP\nS: NOTHING\n"), server.address());
            assertThat(result.passed()).isFalse();
            assertThat(result.failedLine()).isEqualTo(3);
            assertThat(result.message()).contains("expected no data for 1 s").contains("\"250 ok\\r\\n\"");
            assertThat(result.transcript()).contains("S: 250 ok");
        }
    }

    @Test
    void nothingFailsWhenTheServerCloses() throws Exception {
        try (ScriptedServer server = new ScriptedServer(c -> c.send("220 hi\r\n"))) {
            DialogResult result = RUNNER.run(dialog("S: 220\nS: NOTHING\n"), server.address());
            assertThat(result.passed()).isFalse();
            assertThat(result.message()).contains("closed the connection");
        }
    }

    @Test
    void tildeLinesSendExactBytes() throws Exception {
        byte[] expected = {'A', '\r', '\n', 0, (byte) 0xff, '\t', '\\', '.', '\n', (byte) 0xc3, (byte) 0xa9};
        try (ScriptedServer server = new ScriptedServer(c -> {
            c.send("220 hi\r\n");
            assertThat(c.readBytes(expected.length)).isEqualTo(expected);
            c.send("250 got them\r\n");
            assertThat(c.readLine()).isEqualTo("MAIL FROM:<jösé@client.test>");
            c.send("250 ok\r\n");
        })) {
            DialogResult result = RUNNER.run(dialog("S: 220\nC~ A\\r\\n\\x00\\xFF\\t\\\\.\\n\u00e9\nS: 250\n"
                    + "C: MAIL FROM:<jösé@client.test>\nS: 250\n"), server.address());

            assertThat(result.passed()).as(result.report()).isTrue();
            byte[] mail = "MAIL FROM:<jösé@client.test>\r\n".getBytes(StandardCharsets.UTF_8);
            byte[] all = new byte[expected.length + mail.length];
            System.arraycopy(expected, 0, all, 0, expected.length);
            System.arraycopy(mail, 0, all, expected.length, mail.length);
            assertThat(server.received()).isEqualTo(all);
            assertThat(result.transcript()).contains("C: A", "C~ \\x00\\xFF\\t\\\\.\\né",
                    "C: MAIL FROM:<jösé@client.test>");
        }
    }

    @Test
    void repeatedStepsAreExpandedAndCounted() throws Exception {
        try (ScriptedServer server = new ScriptedServer(c -> {
            c.send("220 hi\r\n");
            for (int i = 1; i <= 4; i++) {
                assertThat(c.readLine()).isEqualTo("RCPT TO:<alice@posthorn.test>");
                c.send(i <= 3 ? "250 2.1.5 ok\r\n" : "452 4.5.3 too many\r\n");
            }
            c.awaitClientClose();
        })) {
            DialogResult result = RUNNER.run(dialog("S: 220\nC* 4 RCPT TO:<alice@posthorn.test>\n"
                    + "S* 4 250 2.1.5\n"), server.address());
            assertThat(result.passed()).isFalse();
            assertThat(result.failedStep()).isEqualTo(2);
            assertThat(result.message()).contains("line 3 (S* 4 250 2.1.5): reply 4 of 4: expected 250 2.1.5, "
                    + "got 452 4.5.3 \"too many\"");
            assertThat(server.received()).asString(StandardCharsets.UTF_8)
                    .isEqualTo("RCPT TO:<alice@posthorn.test>\r\n".repeat(4));
        }
    }

    @Test
    void theTranscriptNeverCarriesControlCharacters() throws Exception {
        try (ScriptedServer server = new ScriptedServer(c -> {
            c.send("220 hi\u001b[2J there\u0007\r\n");
            c.readLine();
            c.send("250-line\u202eevil\r\n250 end\rtail\r\ngarbage\u0000\r");
            c.awaitClientClose();
        })) {
            DialogResult result = RUNNER.run(dialog("S: 220\nC: NOOP\nS: 251\n"), server.address());

            assertThat(result.passed()).isFalse();
            assertThat(result.transcript()).contains("S: 220 hi\\x1B[2J there\\x07", "S: 250-line\\u202Eevil",
                    "S: 250 end\\rtail", "S~ garbage\\x00\\r");
            String everything = result.report() + result.message();
            assertThat(everything.chars().filter(ch -> ch < 0x20 && ch != '\n' && ch != '\r' || ch == 0x7f
                    || ch == 0x202e)).isEmpty();
            assertThat(result.transcript()).allSatisfy(line -> assertThat(line).doesNotContain("\r", "\n"));
        }
    }

    @Test
    void aMalformedReplyFails() throws Exception {
        try (ScriptedServer server = new ScriptedServer(c -> {
            c.send("hello there\r\n");
            c.awaitClientClose();
        })) {
            DialogResult result = RUNNER.run(dialog("S: 220\n"), server.address());
            assertThat(result.passed()).isFalse();
            assertThat(result.message()).contains("malformed reply").contains("hello there");
        }
    }

    @Test
    void aMissingReplyFailsAtTheDeadline() throws Exception {
        try (ScriptedServer server = new ScriptedServer(ScriptedServer.Connection::awaitClientClose)) {
            DialogResult result = IMPATIENT.run(dialog("S: 220\n"), server.address());
            assertThat(result.passed()).isFalse();
            assertThat(result.message()).contains("no complete reply within 400 ms");
        }
    }

    @Test
    void aCloseInsteadOfAReplyFails() throws Exception {
        try (ScriptedServer server = new ScriptedServer(c -> {
            c.send("220 hi\r\n");
            c.readLine();
        })) {
            DialogResult result = RUNNER.run(dialog("S: 220\nC: NOOP\nS: 250\n"), server.address());
            assertThat(result.passed()).isFalse();
            assertThat(result.failedLine()).isEqualTo(3);
            assertThat(result.message()).contains("closed the connection instead of replying");
        }
    }

    @Test
    void aRefusedConnectionIsAResultNotAnException() throws Exception {
        InetSocketAddress address;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            address = new InetSocketAddress(probe.getInetAddress(), probe.getLocalPort());
        }
        DialogResult result = RUNNER.run(dialog("S: 220\n"), address);
        assertThat(result.passed()).isFalse();
        assertThat(result.failedStep()).isEqualTo(-1);
        assertThat(result.message()).startsWith("could not connect to");
    }

    static Dialog dialog(String text) {
        return Dialog.parse("test.dialog", text);
    }
}
