package dev.posthorn.smtp.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.posthorn.smtp.Domain;
import dev.posthorn.smtp.ForwardPath;
import dev.posthorn.smtp.RcptParameters;
import dev.posthorn.smtp.Replies;
import dev.posthorn.smtp.ReversePath;
import dev.posthorn.smtp.server.Authenticator;
import dev.posthorn.smtp.server.Decision;
import dev.posthorn.smtp.server.ServerTls;
import dev.posthorn.smtp.server.SessionInfo;
import dev.posthorn.smtp.server.SessionPolicy;
import dev.posthorn.smtp.server.SmtpServer;
import java.io.IOException;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every dialogue case, the shared ones ({@code conformance/shared}) and Posthorn's own ({@code conformance/}), run
 * against a freshly started embeddable server with the settings of the conformance README.
 */
class ConformanceTest {

    private static final ServerTls TLS = ServerTls.selfSigned("mx.posthorn.test");
    private static final Domain LOCAL = new Domain("posthorn.test");
    private static final Set<String> MAILBOXES = Set.of("alice", "bob", "postmaster");

    static Stream<Dialog> cases() throws IOException {
        return DialogFiles.conformanceCases().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void passes(Dialog dialog) throws IOException {
        try (SmtpServer server = server(dialog).build().start()) {
            DialogResult result = new DialogRunner().run(dialog, server.address());
            assertThat(result.passed()).as(result.report()).isTrue();
        }
    }

    static SmtpServer.Builder server(Dialog dialog) {
        SmtpServer.Builder builder = SmtpServer.builder()
                .hostname("mx.posthorn.test")
                .maxMessageSize(Long.parseLong(dialog.setting("size").orElse("1000000")))
                .maxRecipients(Integer.parseInt(dialog.setting("max_rcpt").orElse("100")))
                .authenticator((session, credentials) ->
                        credentials.username().equals("alice") && credentials.password().equals("wonderland")
                                ? new Authenticator.AuthResult.Success("alice")
                                : new Authenticator.AuthResult.Failure())
                .authRequiresTls(!dialog.setting("auth_plain_without_tls").orElse("off").equals("on"))
                .policy(new LocalDomainPolicy())
                .sink((envelope, message) -> {
                    message.transferTo(java.io.OutputStream.nullOutputStream());
                    return Replies.queued(envelope.id());
                });
        if (!dialog.setting("tls").orElse("on").equals("off")) {
            builder = builder.tls(TLS);
        }
        return builder;
    }

    /** Local domain posthorn.test with three mailboxes; relay only for authenticated users. */
    static final class LocalDomainPolicy implements SessionPolicy {
        @Override
        public Decision rcpt(SessionInfo session, ReversePath from, ForwardPath to, RcptParameters parameters) {
            if (to.isBarePostmaster()) {
                return Decision.accept();
            }
            if (LOCAL.equals(to.mailbox().domain())) {
                return MAILBOXES.contains(to.mailbox().localPart().toLowerCase(Locale.ROOT))
                        ? Decision.accept() : Decision.reject(Replies.NO_SUCH_USER);
            }
            return session.authenticatedUser() != null ? Decision.accept() : Decision.reject(Replies.RELAY_DENIED);
        }
    }
}
