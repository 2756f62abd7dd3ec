package dev.posthorn.mta.daemon;

import dev.posthorn.mta.config.Listener;
import dev.posthorn.mta.maillog.MailLog;
import dev.posthorn.mta.policy.StrangerRates;
import dev.posthorn.smtp.AddressLiteral;
import dev.posthorn.smtp.Reply;
import dev.posthorn.smtp.server.Authenticator;
import dev.posthorn.smtp.server.ServerEvents;
import dev.posthorn.smtp.server.SessionInfo;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The SMTP listeners' events as meters in the daemon's registry, every one tagged with the listener's role (one
 * instance per role: listeners of the same role share their meters). Micrometer names with dots; the Prometheus
 * registry writes them as {@code posthorn_connections_open}, {@code posthorn_connections_total},
 * {@code posthorn_connections_refused_total{reason}}, {@code posthorn_sessions_total{outcome}},
 * {@code posthorn_messages_accepted_total}, {@code posthorn_messages_refused_total{reason}},
 * {@code posthorn_recipients_refused_total{reason}}, {@code posthorn_received_bytes_total},
 * {@code posthorn_smtp_stress} (listeners under stress now), {@code posthorn_smtp_stress_episodes_total},
 * {@code posthorn_tls_sessions_total{direction="in",protocol}} and {@code posthorn_auth_total{mechanism,result}}.
 *
 * <p>Tag values come from closed sets (enums, the server's own reply codes, the TLS protocol names the server
 * allows), never from peer text, so the number of series stays bounded whatever clients send. A failed AUTH also
 * gets its line in the mail log.
 */
final class ServerMetrics implements ServerEvents {

    private final MeterRegistry registry;
    private final Tags role;
    private final AtomicInteger open = new AtomicInteger();
    private final AtomicInteger stressed = new AtomicInteger();
    private final Counter stressEpisodes;
    private final Counter connections;
    private final Counter accepted;
    private final Counter bytes;

    ServerMetrics(MeterRegistry registry, Listener.Role listenerRole) {
        this.registry = registry;
        this.role = Tags.of("role", listenerRole.name().toLowerCase(Locale.ROOT));
        Gauge.builder("posthorn.connections.open", open, AtomicInteger::get).tags(role)
                .description("SMTP connections open now").register(registry);
        Gauge.builder("posthorn.smtp.stress", stressed, AtomicInteger::get).tags(role)
                .description("SMTP listeners under stress now (shortened deadlines)").register(registry);
        stressEpisodes = Counter.builder("posthorn.smtp.stress.episodes").tags(role)
                .description("Times an SMTP listener went under stress").register(registry);
        connections = Counter.builder("posthorn.connections").tags(role)
                .description("SMTP connections accepted").register(registry);
        accepted = Counter.builder("posthorn.messages.accepted").tags(role)
                .description("Messages accepted (queued) at the end of their data").register(registry);
        bytes = Counter.builder("posthorn.received.bytes").tags(role)
                .description("Octets of message data received, accepted or not").register(registry);
        // Every known outcome and reason from the start at zero, so a rate over the first one is not lost.
        for (SessionEnd end : SessionEnd.values()) {
            sessions(end);
        }
        for (String reason : List.of("per_ip_limit", "rate", "blocklist", "early_talker", "policy")) {
            refusals(reason);
        }
    }

    private Counter sessions(SessionEnd end) {
        return counter("posthorn.sessions", "SMTP sessions ended, by how", "outcome",
                end.name().toLowerCase(Locale.ROOT));
    }

    private Counter refusals(String reason) {
        return counter("posthorn.connections.refused", "SMTP connections turned away at or before the greeting",
                "reason", reason);
    }

    private Counter counter(String name, String description, String... tags) {
        return Counter.builder(name).tags(role).tags(tags).description(description).register(registry);
    }

    @Override
    public void stressBegan(int openNow, int max) {
        stressed.incrementAndGet();
        stressEpisodes.increment();
    }

    @Override
    public void stressEnded(int openNow, int max) {
        stressed.decrementAndGet();
    }

    @Override
    public void connectionOpened(InetSocketAddress remote) {
        open.incrementAndGet();
        connections.increment();
    }

    @Override
    public void connectionClosed(InetSocketAddress remote) {
        open.decrementAndGet();
    }

    @Override
    public void connectionRefused(InetSocketAddress remote, Refusal refusal, Reply reply) {
        refusals(reason(refusal, reply)).increment();
    }

    /** The connection policy's refusals told apart by the reply the MTA's own policy gives for each. */
    private static String reason(Refusal refusal, Reply reply) {
        return switch (refusal) {
            case PER_IP_LIMIT -> "per_ip_limit";
            case EARLY_TALKER -> "early_talker";
            case POLICY -> reply.equals(StrangerRates.CONNECTION_RATE) ? "rate"
                    : reply.code() == 554 ? "blocklist" : "policy";
        };
    }

    @Override
    public void sessionEnded(InetSocketAddress remote, SessionEnd end) {
        sessions(end).increment();
    }

    @Override
    public void tlsEstablished(InetSocketAddress remote, SessionInfo.TlsInfo tls) {
        counter("posthorn.tls.sessions", "TLS handshakes completed", "direction", "in", "protocol", tls.protocol())
                .increment();
    }

    @Override
    public void authenticated(SessionInfo session, String mechanism, String user, Authenticator.AuthResult result) {
        String outcome = switch (result) {
            case Authenticator.AuthResult.Success success -> "success";
            case Authenticator.AuthResult.Failure failure -> "failure";
            case Authenticator.AuthResult.TemporaryFailure failure -> "tempfail";
        };
        counter("posthorn.auth", "AUTH exchanges, by result", "mechanism", mechanism, "result", outcome).increment();
        if (!(result instanceof Authenticator.AuthResult.Success)) {
            MailLog.authFailed(user, AddressLiteral.format(session.remote().getAddress()));
        }
    }

    @Override
    public void messageAccepted(SessionInfo session, Reply reply) {
        accepted.increment();
    }

    @Override
    public void messageRefused(SessionInfo session, Reply reply) {
        counter("posthorn.messages.refused", "Messages refused at MAIL or at the end of their data",
                "reason", status(reply)).increment();
    }

    @Override
    public void recipientRefused(SessionInfo session, Reply reply) {
        counter("posthorn.recipients.refused", "Recipients refused at RCPT", "reason", status(reply)).increment();
    }

    @Override
    public void bytesReceived(SessionInfo session, long octets) {
        bytes.increment(octets);
    }

    /** The reply's enhanced status code (RFC 3463), else its reply code: a bounded set, from our own replies. */
    private static String status(Reply reply) {
        return reply.enhancedStatus().map(Object::toString).orElse(String.valueOf(reply.code()));
    }
}
