package dev.posthorn.junit;

import dev.posthorn.smtp.server.Authenticator;
import dev.posthorn.smtp.server.Authenticator.AuthResult;
import dev.posthorn.smtp.server.Chaos;
import dev.posthorn.smtp.server.SmtpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Map;
import java.nio.charset.StandardCharsets;

/**
 * One running capture: the server, its inbox and its certificate. Started whole or not at all: a server that does
 * not start leaves no directory behind.
 */
final class CaptureServer implements AutoCloseable {

    /** How long a stopping server lets a message in flight finish; a test's client has long finished by then. */
    private static final Duration SHUTDOWN_DEADLINE = Duration.ofSeconds(2);

    private final SmtpServer server;
    private final Inbox inbox;
    private final LoopbackCertificate certificate;
    private final Chaos chaos;

    private CaptureServer(SmtpServer server, Inbox inbox, LoopbackCertificate certificate, Chaos chaos) {
        this.server = server;
        this.inbox = inbox;
        this.certificate = certificate;
        this.chaos = chaos;
    }

    static CaptureServer start(CaptureSettings settings) {
        Inbox inbox = Inbox.inTemporaryDirectory();
        Chaos chaos = Chaos.seeded(settings.chaosSeed());
        try {
            LoopbackCertificate certificate = settings.tls() == CaptureSettings.Tls.NONE ? null
                    : LoopbackCertificate.generate(settings.hostname());
            SmtpServer.Builder builder = SmtpServer.builder()
                    .hostname(settings.hostname())
                    .maxMessageSize(settings.maxMessageSize())
                    .authenticator(authenticator(settings.users()))
                    .requireAuth(!settings.users().isEmpty())
                    // AUTH waits for TLS only where TLS is offered: on a plaintext loopback test server, a client
                    // configured with credentials should still get to send.
                    .authRequiresTls(certificate != null)
                    .sink(inbox)
                    .chaos(chaos);
            if (certificate != null) {
                builder = builder.tls(certificate.serverTls())
                        .implicitTls(settings.tls() == CaptureSettings.Tls.IMPLICIT);
            }
            return new CaptureServer(builder.build().start(), inbox, certificate, chaos);
        } catch (IOException | RuntimeException e) {
            closeQuietly(inbox, e);
            if (e instanceof IOException io) {
                throw new UncheckedIOException("cannot start the capturing SMTP server", io);
            }
            throw (RuntimeException) e;
        }
    }

    /** With users, their passwords; without, any credentials, the user name becoming the identity. */
    private static Authenticator authenticator(Map<String, String> users) {
        if (users.isEmpty()) {
            return (session, credentials) -> new AuthResult.Success(credentials.username());
        }
        return (session, credentials) -> {
            String expected = users.get(credentials.username());
            return expected != null && MessageDigest.isEqual(bytes(expected), bytes(credentials.password()))
                    ? new AuthResult.Success(credentials.username())
                    : new AuthResult.Failure();
        };
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static void closeQuietly(Inbox inbox, Exception cause) {
        try {
            inbox.close();
        } catch (IOException | RuntimeException e) {
            cause.addSuppressed(e);
        }
    }

    SmtpServer server() {
        return server;
    }

    Inbox inbox() {
        return inbox;
    }

    /** The server's chaos: no rules until a test sets some. */
    Chaos chaos() {
        return chaos;
    }

    /** The generated certificate, or null when TLS is off. */
    LoopbackCertificate certificate() {
        return certificate;
    }

    @Override
    public void close() {
        try {
            server.shutdown(SHUTDOWN_DEADLINE);
        } finally {
            try {
                inbox.close();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot delete the captured messages", e);
            }
        }
    }
}
