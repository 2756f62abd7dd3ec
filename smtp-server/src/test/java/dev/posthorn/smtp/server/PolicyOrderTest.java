package dev.posthorn.smtp.server;

import static dev.posthorn.smtp.server.TestClient.assertReply;
import static dev.posthorn.smtp.server.TestClient.expect;
import static org.assertj.core.api.Assertions.assertThat;

import dev.posthorn.smtp.ForwardPath;
import dev.posthorn.smtp.MailParameters;
import dev.posthorn.smtp.RcptParameters;
import dev.posthorn.smtp.Reply;
import dev.posthorn.smtp.ReversePath;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * {@link SessionPolicy#inOrder}: small policies asked in turn, the first refusal answering, over a real socket; and
 * the trusted-client question asked once per connection, its answer carried in every snapshot the policies see.
 */
class PolicyOrderTest {

    private static final Reply WELCOME = Reply.of(250, "2.1.0", "Sender welcome");

    /** Refuses MAIL from {@code spam@…}; records every question it is asked. */
    private record Named(String name, List<String> asked, String refusedSender) implements SessionPolicy {
        @Override
        public Decision mail(SessionInfo session, ReversePath from, MailParameters parameters) {
            asked.add(name + ":mail:" + from + ":" + session.trusted());
            return from.toString().startsWith("<spam@") && name.equals(refusedSender)
                    ? Decision.reject(Reply.of(550, "5.7.1", name + " says no")) : Decision.accept();
        }

        @Override
        public Decision rcpt(SessionInfo session, ReversePath from, ForwardPath to, RcptParameters parameters) {
            asked.add(name + ":rcpt:" + to + ":" + session.trusted());
            return to.toString().startsWith("<later@") ? Decision.defer(Reply.of(450, "4.2.0", name + " defers"))
                    : Decision.accept();
        }
    }

    @Test
    void theFirstRefusalAnswersAndTheRestAreNotAsked() throws Exception {
        List<String> asked = new CopyOnWriteArrayList<>();
        AtomicInteger trustQuestions = new AtomicInteger();
        SessionPolicy welcome = new SessionPolicy() {
            @Override
            public Decision mail(SessionInfo session, ReversePath from, MailParameters parameters) {
                return new Decision.Accept(WELCOME);
            }
        };
        SmtpServer server = TestServers.builder(new RecordingSink())
                .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                .trustedClients(address -> {
                    trustQuestions.incrementAndGet();
                    return address.isLoopbackAddress();
                })
                .policy(SessionPolicy.inOrder(new Named("first", asked, "first"), welcome,
                        new Named("second", asked, "none")))
                .build().start();
        try (server; TestClient client = TestClient.connect(server).hello()) {
            assertReply(client.command("MAIL FROM:<spam@x.test>"), 550, "5.7.1");
            assertThat(asked).containsExactly("first:mail:<spam@x.test>:true");

            asked.clear();
            Reply mail = expect(client.command("MAIL FROM:<ham@x.test>"), 250);
            assertThat(mail.lines()).containsExactly("Sender welcome"); // the first accepting reply given
            assertReply(client.command("RCPT TO:<later@y.test>"), 450, "4.2.0");
            assertThat(client.command("RCPT TO:<later@y.test>").lines().getFirst()).isEqualTo("first defers");
            expect(client.command("RCPT TO:<now@y.test>"), 250);
            assertThat(asked).containsExactly("first:mail:<ham@x.test>:true", "second:mail:<ham@x.test>:true",
                    "first:rcpt:<later@y.test>:true", "first:rcpt:<later@y.test>:true", "first:rcpt:<now@y.test>:true",
                    "second:rcpt:<now@y.test>:true");
            expect(client.command("RSET"), 250);
            expect(client.command("EHLO again.test"), 250);
            expect(client.command("MAIL FROM:<ham@x.test>"), 250);
        }
        assertThat(trustQuestions).as("the trusted-clients predicate is asked once per connection").hasValue(1);
    }
}
