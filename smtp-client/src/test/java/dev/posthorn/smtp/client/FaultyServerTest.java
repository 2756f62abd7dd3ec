package dev.posthorn.smtp.client;

import static dev.posthorn.smtp.client.SmtpClientTest.message;
import static dev.posthorn.smtp.client.SmtpClientTest.to;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.posthorn.smtp.BodyType;
import dev.posthorn.smtp.MailParameters;
import dev.posthorn.smtp.Reply;
import dev.posthorn.smtp.ReversePath;
import dev.posthorn.smtp.testing.FakeSmtpServer;
import dev.posthorn.smtp.testing.FakeSmtpServer.Fault;
import dev.posthorn.smtp.testing.FakeSmtpServer.Script;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** The client against servers that refuse, stall, drop the connection or lack extensions (smtp-testing's fake). */
class FaultyServerTest {

    private static SmtpClient connect(FakeSmtpServer server, Duration timeout) throws IOException {
        return SmtpClient.connect(new Endpoint.Tcp("127.0.0.1", server.port()), SmtpClient.Protocol.SMTP,
                "client.test", ClientTimeouts.all(timeout));
    }

    @Test
    void busyGreetingIsAReplyError() throws Exception {
        try (FakeSmtpServer server = FakeSmtpServer.start(Script.accepting()
                .withGreeting(Reply.of(421, "4.3.2", "busy")))) {
            assertThatThrownBy(() -> connect(server, Duration.ofSeconds(5))).isInstanceOf(SmtpReplyException.class)
                    .satisfies(e -> assertThat(((SmtpReplyException) e).reply().code()).isEqualTo(421));
        }
    }

    @Test
    void droppedConnectionIsAnIoError() throws Exception {
        try (FakeSmtpServer server = FakeSmtpServer.start(Script.accepting().withFault(new Fault.DropAfterGreeting()))) {
            assertThatThrownBy(() -> connect(server, Duration.ofSeconds(5))).isInstanceOf(IOException.class);
        }
    }

    @Test
    void stallAfterDataHitsTheDeadline() throws Exception {
        try (FakeSmtpServer server = FakeSmtpServer.start(Script.accepting()
                .withFault(new Fault.StallInData(Duration.ofSeconds(5))));
             SmtpClient client = connect(server, Duration.ofMillis(500))) {
            assertThatThrownBy(() -> client.send(ReversePath.NULL, MailParameters.NONE, List.of(to("a@x.test")),
                    message("x\r\n"))).isInstanceOf(SocketTimeoutException.class);
        }
    }

    @Test
    void serverClosingMidTransactionIsAnIoError() throws Exception {
        try (FakeSmtpServer server = FakeSmtpServer.start(Script.accepting().withFault(new Fault.CloseAtRcpt(2)));
             SmtpClient client = connect(server, Duration.ofSeconds(5))) {
            assertThatThrownBy(() -> client.send(ReversePath.NULL, MailParameters.NONE,
                    List.of(to("a@x.test"), to("b@x.test")), message("x\r\n"))).isInstanceOf(IOException.class);
        }
    }

    @Test
    void brokenTlsFailsTheHandshake() throws Exception {
        try (FakeSmtpServer server = FakeSmtpServer.start(Script.accepting().withFault(new Fault.BrokenTls()));
             SmtpClient client = connect(server, Duration.ofSeconds(5))) {
            assertThatThrownBy(() -> client.startTls(OpportunisticTls.context(), "fake.test", false))
                    .isInstanceOf(IOException.class);
        }
    }

    @Test
    void perRecipientRepliesWithoutPipelining() throws Exception {
        Script script = Script.accepting().withExtensions(List.of("8BITMIME"))
                .withRcpt("later@x.test", Reply.of(450, "4.2.1", "mailbox busy"));
        try (FakeSmtpServer server = FakeSmtpServer.start(script);
             SmtpClient client = connect(server, Duration.ofSeconds(5))) {
            TransactionResult result = client.send(ReversePath.NULL, MailParameters.NONE,
                    List.of(to("later@x.test"), to("now@x.test")), message("hi\r\n"));
            assertThat(result.recipients()).extracting(r -> r.reply().code()).containsExactly(450, 250);
            assertThat(server.received()).singleElement()
                    .satisfies(m -> assertThat(m.recipients()).containsExactly("now@x.test"));
            assertThat(server.commands()).containsSubsequence("MAIL FROM:<>", "RCPT TO:<later@x.test>",
                    "RCPT TO:<now@x.test>", "DATA");
        }
    }

    @Test
    void messagesNeedingMissingExtensionsAreNotSent() throws Exception {
        try (FakeSmtpServer server = FakeSmtpServer.start(Script.accepting().withExtensions(List.of("PIPELINING")));
             SmtpClient client = connect(server, Duration.ofSeconds(5))) {
            TransactionResult eightBit = client.send(ReversePath.NULL, new MailParameters(OptionalLong.empty(),
                    BodyType.EIGHT_BIT_MIME, false, null, null, null), List.of(to("a@x.test")), message("ü\r\n"));
            assertThat(eightBit.recipients().getFirst().reply().toString()).startsWith("554 5.6.3");
            TransactionResult utf8 = client.send(ReversePath.NULL, new MailParameters(OptionalLong.empty(),
                    null, true, null, null, null), List.of(to("a@x.test")), message("x\r\n"));
            assertThat(utf8.recipients().getFirst().reply().toString()).startsWith("553 5.6.7");
            assertThat(server.commands()).noneMatch(c -> c.startsWith("MAIL"));
        }
    }
}
