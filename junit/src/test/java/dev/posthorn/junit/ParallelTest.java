package dev.posthorn.junit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.posthorn.smtp.server.SmtpServer;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/**
 * Tests that run at the same time, in a class and its nested class (GreenMail #517: servers on fixed ports clash):
 * each has a server of its own on a port of its own, and sees only its own message.
 */
@Execution(ExecutionMode.CONCURRENT)
class ParallelTest {

    private static final Set<SmtpServer> servers = ConcurrentHashMap.newKeySet();

    @RegisterExtension
    final SmtpCapture smtp = SmtpCapture.create();

    @RepeatedTest(6)
    void eachTestSeesOnlyItsOwnMessage(RepetitionInfo repetition) throws Exception {
        sendOwn(smtp, "outer " + repetition.getCurrentRepetition());
    }

    @Nested
    @Execution(ExecutionMode.CONCURRENT)
    class Inner {
        @RegisterExtension
        final SmtpCapture innerSmtp = SmtpCapture.create();

        @RepeatedTest(4)
        void aNestedTestHasItsOwnServerToo(RepetitionInfo repetition) throws Exception {
            assertThat(innerSmtp.port()).isNotEqualTo(smtp.port());
            sendOwn(innerSmtp, "inner " + repetition.getCurrentRepetition());
        }
    }

    private static void sendOwn(SmtpCapture capture, String subject) throws Exception {
        assertThat(servers.add(capture.server())).as("a server of its own").isTrue();
        Send.text(capture.session(), "app@example.com", "user@example.org", subject, "Hello");
        assertThat(capture.awaitMessages(1)).singleElement().extracting(CapturedMail::subject).isEqualTo(subject);
        assertThat(capture.messages()).hasSize(1);
    }

    @AfterAll
    static void everyTestHadItsOwnServer() {
        assertThat(servers).hasSize(6 + 4);
        assertThat(servers).noneMatch(SmtpServer::listening);
    }
}
