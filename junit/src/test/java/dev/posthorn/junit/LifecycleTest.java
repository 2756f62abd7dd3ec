package dev.posthorn.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.posthorn.smtp.server.Chaos;
import dev.posthorn.smtp.server.SmtpServer;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

/**
 * When the extension starts and stops its servers, seen from outside: each fixture class below (static member classes,
 * which Surefire does not run itself) is run through the JUnit Launcher, records the servers and messages its tests
 * saw, and the test then checks them after the fixture's last test is over.
 */
class LifecycleTest {

    static final List<SmtpServer> servers = new CopyOnWriteArrayList<>();
    /** In {@link WithNested}, the servers of its instance field's capture, one a test. */
    static final List<SmtpServer> ownServers = new CopyOnWriteArrayList<>();
    static final List<CapturedMail> mails = new CopyOnWriteArrayList<>();

    @Test
    void aStaticFieldGivesOneServerForTheClassResetBeforeEachTestAndStoppedAfterTheLast() {
        TestExecutionSummary summary = run(PerClass.class);

        assertThat(summary.getTestsSucceededCount()).as(failures(summary)).isEqualTo(2);
        assertThat(servers).hasSize(2);
        assertThat(servers.get(0)).isSameAs(servers.get(1));
        assertThat(servers.get(0).listening()).isFalse();
        assertThatThrownBy(() -> mails.getFirst().rawBytes())
                .as("the message's file is deleted when the server stops")
                .isInstanceOf(UncheckedIOException.class);
    }

    @Test
    void anInstanceFieldGivesEachTestItsOwnServerStoppedAfterIt() {
        assertAServerPerTestEachStopped(run(PerMethod.class), servers, 2);
    }

    @Test
    void nestedClassesShareTheEnclosingClassesServerWhichStopsAfterTheOuterClass() {
        TestExecutionSummary summary = run(WithNested.class);

        assertThat(summary.getTestsSucceededCount()).as(failures(summary)).isEqualTo(3);
        assertThat(servers).hasSize(3);
        assertThat(servers.stream().distinct()).hasSize(1);
        assertThat(servers.getFirst().listening()).isFalse();
    }

    @Test
    void nestedClassesWithAnInstanceFieldOfTheEnclosingClassGetAServerPerTest() {
        assertAServerPerTestEachStopped(run(WithNested.class), ownServers, 3);
    }

    private static void assertAServerPerTestEachStopped(TestExecutionSummary summary, List<SmtpServer> seen,
                                                        int tests) {
        assertThat(summary.getTestsSucceededCount()).as(failures(summary)).isEqualTo(tests);
        assertThat(seen).hasSize(tests).doesNotHaveDuplicates();
        assertThat(seen).noneMatch(SmtpServer::listening);
    }

    private static TestExecutionSummary run(Class<?> fixture) {
        servers.clear();
        ownServers.clear();
        mails.clear();
        SummaryGeneratingListener listener = new SummaryGeneratingListener();
        LauncherFactory.create().execute(LauncherDiscoveryRequestBuilder.request()
                .selectors(selectClass(fixture))
                .configurationParameter("junit.jupiter.execution.parallel.enabled", "false")
                .build(), listener);
        return listener.getSummary();
    }

    private static String failures(TestExecutionSummary summary) {
        return summary.getFailures().stream()
                .map(f -> f.getTestIdentifier().getDisplayName() + ": " + f.getException())
                .toList().toString();
    }

    /** Sends one message and checks it is the only one the server holds. */
    static void sendAndSeeOnlyIt(SmtpCapture smtp, String subject) throws Exception {
        sendAndSeeOnlyIt(smtp, servers, subject);
    }

    /** The same, recording the server in {@code seen}. */
    static void sendAndSeeOnlyIt(SmtpCapture smtp, List<SmtpServer> seen, String subject) throws Exception {
        assertThat(smtp.messages()).isEmpty();
        seen.add(smtp.server());
        Send.text(smtp.session(), "app@example.com", "user@example.org", subject, "Hello");
        CapturedMail mail = smtp.awaitMessage();
        mails.add(mail);
        assertThat(mail.subject()).isEqualTo(subject);
        assertThat(mail.number()).isEqualTo(1);
        assertThat(smtp.messages()).hasSize(1);
    }

    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    static class PerClass {
        @RegisterExtension
        static final SmtpCapture smtp = SmtpCapture.create();

        @Test
        @Order(1)
        void first() throws Exception {
            sendAndSeeOnlyIt(smtp, "first");
            smtp.chaos().set(Chaos.parse("rcpt:reply=451 4.3.0 Busy"));
        }

        @Test
        @Order(2)
        void second() throws Exception {
            assertThat(smtp.chaos().rules()).as("the first test's chaos rules are cleared").isEmpty();
            sendAndSeeOnlyIt(smtp, "second");
        }
    }

    static class PerMethod {
        @RegisterExtension
        final SmtpCapture smtp = SmtpCapture.create();

        @Test
        void one() throws Exception {
            sendAndSeeOnlyIt(smtp, "one");
        }

        @Test
        void two() throws Exception {
            sendAndSeeOnlyIt(smtp, "two");
        }
    }

    /** A class with a capture in a static field and one in an instance field, and a nested class. */
    static class WithNested {
        @RegisterExtension
        static final SmtpCapture smtp = SmtpCapture.create();

        @RegisterExtension
        final SmtpCapture own = SmtpCapture.create();

        void sendToBoth(String subject) throws Exception {
            sendAndSeeOnlyIt(smtp, servers, subject);
            sendAndSeeOnlyIt(own, ownServers, subject);
        }

        @Test
        void outer() throws Exception {
            sendToBoth("outer");
        }

        @Nested
        class Inner {
            @Test
            void inner() throws Exception {
                sendToBoth("inner");
            }

            @Test
            void again() throws Exception {
                sendToBoth("again");
            }
        }
    }
}
