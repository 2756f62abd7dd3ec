package dev.posthorn.smtp.server;

import static dev.posthorn.smtp.server.TestClient.assertReply;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.posthorn.smtp.Reply;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The session rules of RFC 5321 and the server's limits, over a real socket. */
class SessionRulesTest extends ServerTest {

    private final RecordingSink sink = new RecordingSink();

    private TestClient client(SmtpServer.Builder builder) throws Exception {
        server = builder.build().start();
        return TestClient.connect(server);
    }

    @Test
    void overlongCommandLineIsRefusedAndTheSessionGoesOn() throws Exception {
        try (TestClient c = client(TestServers.builder(sink)).hello()) {
            assertReply(c.command("NOOP " + "x".repeat(2100)), 500, "5.5.2");
            assertReply(c.command("NOOP " + "x".repeat(2000)), 250, "2.0.0");
            assertReply(c.command("QUIT"), 221, "2.0.0");
        }
    }

    @Test
    void bareLfCommandIsRefused() throws Exception {
        try (TestClient c = client(TestServers.builder(sink)).hello()) {
            c.raw("NOOP\n");
            assertReply(c.read(), 500, "5.5.2");
            assertReply(c.command("NOOP"), 250, "2.0.0");
        }
    }

    @Test
    void earlyTalkerIsRejectedAndDisconnected() throws Exception {
        server = TestServers.builder(sink).greetingDelay(Duration.ofMillis(500)).build().start();
        try (TestClient c = TestClient.connect(server)) {
            c.send("EHLO eager.test");
            assertReply(c.read(), 554, "5.5.1");
            assertThat(c.closedByServer()).isTrue();
        }
    }

    @Test
    void patientClientGetsTheGreetingAfterTheDelay() throws Exception {
        server = TestServers.builder(sink).greetingDelay(Duration.ofMillis(300)).build().start();
        try (TestClient c = TestClient.connect(server)) {
            assertThat(c.read().code()).isEqualTo(220);
        }
    }

    @Test
    void idleClientTimesOutWith421() throws Exception {
        try (TestClient c = client(TestServers.builder(sink).commandTimeout(Duration.ofMillis(300))).hello()) {
            assertReply(c.read(), 421, "4.4.2");
            assertThat(c.closedByServer()).isTrue();
        }
    }

    @Test
    void slowDripCommandHitsTheDeadline() throws Exception {
        // Each byte comes well within the deadline, but the whole line does not: the deadline is per command. The
        // client drips until the server answers; how many bytes that takes is the server's business.
        try (TestClient c = client(TestServers.builder(sink).commandTimeout(Duration.ofMillis(500))).hello()) {
            java.util.concurrent.Future<Reply> reply;
            int dripped = 0;
            try (var reader = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
                reply = reader.submit(c::read);
                try {
                    while (!reply.isDone() && dripped < 100) { // the client's read gives up after 5 s
                        c.raw("N");
                        dripped++;
                        Thread.sleep(100); // a slow peer: a fifth of the deadline between bytes
                    }
                } catch (java.io.IOException closed) {
                    // expected: the server hung up mid-line
                }
            }
            assertReply(reply.get(), 421, "4.4.2");
            assertThat(dripped).as("bytes sent, each well within the deadline").isGreaterThan(2);
        }
    }

    @Test
    void tooManyErrorsCloseTheSession() throws Exception {
        try (TestClient c = client(TestServers.builder(sink).maxErrors(3)).hello()) {
            for (int i = 0; i < 3; i++) {
                assertReply(c.command("XYZZY"), 500, "5.5.2");
            }
            assertReply(c.command("XYZZY"), 421, "4.7.0");
            assertThat(c.closedByServer()).isTrue();
        }
    }

    @Test
    void messageOverTheLimitIsRefusedAtEndOfDataAndNeverReachesTheSink() throws Exception {
        try (TestClient c = client(TestServers.builder(sink).maxMessageSize(1000)).hello()) {
            assertThat(c.command("MAIL FROM:<a@client.test>").code()).isEqualTo(250);
            assertThat(c.command("RCPT TO:<alice@posthorn.test>").code()).isEqualTo(250);
            assertThat(c.command("DATA").code()).isEqualTo(354);
            c.raw("Subject: big\r\n\r\n" + "0123456789".repeat(200) + "\r\n.\r\n");
            assertReply(c.read(), 552, "5.3.4");
            assertReply(c.command("NOOP"), 250, "2.0.0");
        }
        assertThat(sink.messages).isEmpty();
        assertThat(sink.failures).hasSize(1);
    }

    @Test
    void messageOfExactlyTheLimitIsAccepted() throws Exception {
        String body = "Subject: x\r\n\r\n" + "y".repeat(1000 - 16) + "\r\n";
        assertThat(body).hasSize(1000);
        try (TestClient c = client(TestServers.builder(sink).maxMessageSize(1000)).hello()) {
            c.command("MAIL FROM:<a@client.test> SIZE=1000");
            c.command("RCPT TO:<alice@posthorn.test>");
            c.command("DATA");
            c.raw(body + ".\r\n");
            assertReply(c.read(), 250, "2.0.0");
        }
        assertThat(sink.only().body()).isEqualTo(body);
    }

    @Test
    void longTextLinesInDataAreStoredIntact() throws Exception {
        String line = "z".repeat(50_000);
        try (TestClient c = client(TestServers.builder(sink)).hello()) {
            c.command("MAIL FROM:<a@client.test>");
            c.command("RCPT TO:<alice@posthorn.test>");
            c.command("DATA");
            c.raw("Subject: long\r\n\r\n" + line + "\r\n.\r\n");
            assertReply(c.read(), 250, "2.0.0");
        }
        assertThat(sink.only().body()).isEqualTo("Subject: long\r\n\r\n" + line + "\r\n");
    }

    @Test
    void smuggledEndOfDataIsNotHonoured() throws Exception {
        try (TestClient c = client(TestServers.builder(sink)).hello()) {
            c.command("MAIL FROM:<a@client.test>");
            c.command("RCPT TO:<alice@posthorn.test>");
            c.command("DATA");
            c.raw("Subject: s\r\n\r\nfirst\n.\nMAIL FROM:<evil@client.test>\r\nRCPT TO:<bob@posthorn.test>\r\n"
                    + "DATA\r\nevil\r\n.\r\n");
            assertReply(c.read(), 250, "2.0.0");
            assertReply(c.command("NOOP"), 250, "2.0.0");
        }
        RecordingSink.Message message = sink.only();
        assertThat(message.envelope().recipients()).hasSize(1);
        assertThat(message.body()).contains("first\r\n.\r\nMAIL FROM:<evil@client.test>");
    }

    @Test
    void recipientsBeyondTheLimitGet452() throws Exception {
        try (TestClient c = client(TestServers.builder(sink).maxRecipients(3)).hello()) {
            c.command("MAIL FROM:<a@client.test>");
            for (int i = 0; i < 3; i++) {
                assertThat(c.command("RCPT TO:<r" + i + "@posthorn.test>").code()).isEqualTo(250);
            }
            assertReply(c.command("RCPT TO:<r4@posthorn.test>"), 452, "4.5.3");
        }
    }

    @Test
    void heloSessionRefusesEsmtpParameters() throws Exception {
        server = TestServers.builder(sink).build().start();
        try (TestClient c = TestClient.connect(server)) {
            c.read();
            assertThat(c.command("HELO client.test").code()).isEqualTo(250);
            assertReply(c.command("MAIL FROM:<a@client.test> BODY=8BITMIME"), 555, "5.5.4");
            assertReply(c.command("MAIL FROM:<a@client.test>"), 250, "2.1.0");
        }
    }

    @Test
    void policyRejectionsAndFailuresAreReplies() throws Exception {
        SessionPolicy policy = new SessionPolicy() {
            @Override
            public Decision rcpt(SessionInfo s, dev.posthorn.smtp.ReversePath from, dev.posthorn.smtp.ForwardPath to,
                                 dev.posthorn.smtp.RcptParameters p) {
                if (to.mailbox().localPart().equals("boom")) {
                    throw new IllegalStateException("lookup failed");
                }
                return to.mailbox().localPart().equals("nobody")
                        ? Decision.reject(dev.posthorn.smtp.Replies.NO_SUCH_USER) : Decision.accept();
            }
        };
        try (TestClient c = client(TestServers.builder(sink).policy(policy)).hello()) {
            c.command("MAIL FROM:<a@client.test>");
            assertReply(c.command("RCPT TO:<nobody@posthorn.test>"), 550, "5.1.1");
            assertReply(c.command("RCPT TO:<boom@posthorn.test>"), 451, "4.3.0");
            assertReply(c.command("RCPT TO:<alice@posthorn.test>"), 250, "2.1.5");
        }
    }

    @Test
    void shutdownTellsIdleSessions421() throws Exception {
        try (TestClient c = client(TestServers.builder(sink)).hello()) {
            await().until(() -> server.connectionCount() == 1);
            Thread.ofVirtual().start(() -> server.shutdown(Duration.ofSeconds(5)));
            assertReply(c.read(), 421, "4.3.2");
            assertThat(c.closedByServer()).isTrue();
        }
    }

    @Test
    void shutdownLetsAMessageInFlightFinish() throws Exception {
        try (TestClient c = client(TestServers.builder(sink)).hello()) {
            c.command("MAIL FROM:<a@client.test>");
            c.command("RCPT TO:<alice@posthorn.test>");
            c.command("DATA");
            c.raw("Subject: in flight\r\n\r\npart one\r\n");
            Thread stopper = Thread.ofVirtual().start(() -> server.shutdown(Duration.ofSeconds(5)));
            await().until(() -> !server.listening()); // the shutdown has begun while the message is in flight
            c.raw("part two\r\n.\r\n");
            assertReply(c.read(), 250, "2.0.0");
            assertReply(c.read(), 421, "4.3.2");
            stopper.join();
        }
        assertThat(sink.only().body()).endsWith("part one\r\npart two\r\n");
    }
}
