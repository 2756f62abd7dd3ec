package dev.posthorn.smtp.server;

import dev.posthorn.smtp.LogText;
import dev.posthorn.smtp.Reply;
import java.net.InetSocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedder's {@link ServerEvents} as the server calls them: an exception thrown by one is logged and dropped, so
 * counting can never break the accept loop, leak a connection permit or change a reply.
 */
final class GuardedEvents implements ServerEvents {

    private static final Logger log = LoggerFactory.getLogger(GuardedEvents.class);

    private final ServerEvents events;

    private GuardedEvents(ServerEvents events) {
        this.events = events;
    }

    static ServerEvents of(ServerEvents events) {
        return events == NONE || events instanceof GuardedEvents ? events : new GuardedEvents(events);
    }

    private static void guard(String event, Runnable call) {
        try {
            call.run();
        } catch (RuntimeException e) {
            log.warn("server event {} failed", LogText.escape(event), e);
        }
    }

    @Override
    public void stressBegan(int open, int max) {
        guard("stressBegan", () -> events.stressBegan(open, max));
    }

    @Override
    public void stressEnded(int open, int max) {
        guard("stressEnded", () -> events.stressEnded(open, max));
    }

    @Override
    public void connectionOpened(InetSocketAddress remote) {
        guard("connectionOpened", () -> events.connectionOpened(remote));
    }

    @Override
    public void connectionClosed(InetSocketAddress remote) {
        guard("connectionClosed", () -> events.connectionClosed(remote));
    }

    @Override
    public void connectionRefused(InetSocketAddress remote, Refusal refusal, Reply reply) {
        guard("connectionRefused", () -> events.connectionRefused(remote, refusal, reply));
    }

    @Override
    public void sessionEnded(InetSocketAddress remote, SessionEnd end) {
        guard("sessionEnded", () -> events.sessionEnded(remote, end));
    }

    @Override
    public void tlsEstablished(InetSocketAddress remote, SessionInfo.TlsInfo tls) {
        guard("tlsEstablished", () -> events.tlsEstablished(remote, tls));
    }

    @Override
    public void authenticated(SessionInfo session, String mechanism, String user, Authenticator.AuthResult result) {
        guard("authenticated", () -> events.authenticated(session, mechanism, user, result));
    }

    @Override
    public void messageAccepted(SessionInfo session, Reply reply) {
        guard("messageAccepted", () -> events.messageAccepted(session, reply));
    }

    @Override
    public void messageRefused(SessionInfo session, Reply reply) {
        guard("messageRefused", () -> events.messageRefused(session, reply));
    }

    @Override
    public void recipientRefused(SessionInfo session, Reply reply) {
        guard("recipientRefused", () -> events.recipientRefused(session, reply));
    }

    @Override
    public void bytesReceived(SessionInfo session, long octets) {
        guard("bytesReceived", () -> events.bytesReceived(session, octets));
    }
}
