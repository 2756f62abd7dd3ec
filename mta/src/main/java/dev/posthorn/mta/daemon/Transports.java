package dev.posthorn.mta.daemon;

import dev.posthorn.mta.config.Delivery;
import dev.posthorn.mta.config.LmtpTarget;
import dev.posthorn.mta.delivery.Lmtp;
import dev.posthorn.mta.delivery.Maildir;
import dev.posthorn.mta.delivery.Outcome;
import dev.posthorn.mta.delivery.SmtpTransport;
import dev.posthorn.mta.routing.Destination;
import dev.posthorn.mta.schedule.QueueRunner;
import dev.posthorn.mta.spool.QueuedMessage;
import dev.posthorn.mta.spool.Spool;
import dev.posthorn.smtp.client.ClientTimeouts;
import dev.posthorn.smtp.client.Endpoint;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The local transports as the daemon configures them: Maildir under the domain's root, LMTP per target. */
final class Transports implements QueueRunner.LocalTransports {

    private final String hostname;
    private final SmtpTransport remote;
    private final int maxReceivedHeaders;
    private final Map<LmtpTarget, Lmtp> lmtp = new ConcurrentHashMap<>();
    private final Map<java.nio.file.Path, Maildir> maildirs = new ConcurrentHashMap<>();

    /** @param remote SMTP to other domains, or {@code null} where mail is not to leave this host */
    Transports(String hostname, SmtpTransport remote, int maxReceivedHeaders) {
        this.hostname = hostname;
        this.remote = remote;
        this.maxReceivedHeaders = maxReceivedHeaders;
    }

    @Override
    public SmtpTransport remote() {
        return remote;
    }

    @Override
    public int maxReceivedHeaders() {
        return maxReceivedHeaders;
    }

    @Override
    public Outcome maildir(Delivery.Maildir maildir, Destination.Mailbox mailbox, QueuedMessage message,
                           Spool spool) {
        Maildir target = maildirs.computeIfAbsent(maildir.root().resolve(mailbox.mailbox()),
                root -> new Maildir(root, hostname));
        try (InputStream body = spool.body(message)) {
            return new Outcome.Delivered("maildir " + target.deliver(message.envelope().sender(), mailbox.address(),
                    body).getFileName());
        } catch (IOException e) {
            return new Outcome.Deferred("4.3.0 maildir " + target.root() + ": " + e);
        }
    }

    @Override
    public Lmtp lmtp(Delivery.Lmtp delivery) {
        return lmtp.computeIfAbsent(delivery.target(), target -> new Lmtp(switch (target) {
            case LmtpTarget.Tcp tcp -> new Endpoint.Tcp(tcp.host(), tcp.port());
            case LmtpTarget.Unix unix -> new Endpoint.Unix(unix.socket());
        }, hostname, ClientTimeouts.RFC_5321));
    }
}
