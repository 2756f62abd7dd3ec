package dev.posthorn.mta.daemon;

import dev.posthorn.mta.config.Config;
import dev.posthorn.mta.config.Delivery;
import dev.posthorn.mta.config.LmtpTarget;
import dev.posthorn.mta.config.Relay;
import dev.posthorn.mta.dane.Dane;
import dev.posthorn.mta.delivery.Lmtp;
import dev.posthorn.mta.delivery.Maildir;
import dev.posthorn.mta.delivery.Outbound;
import dev.posthorn.mta.delivery.Outcome;
import dev.posthorn.mta.delivery.SmtpTransport;
import dev.posthorn.mta.dns.MxResolver;
import dev.posthorn.mta.routing.Destination;
import dev.posthorn.mta.schedule.QueueRunner;
import dev.posthorn.mta.spool.QueuedMessage;
import dev.posthorn.mta.spool.Spool;
import dev.posthorn.smtp.client.ClientTimeouts;
import dev.posthorn.smtp.client.Endpoint;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** The local transports as the daemon configures them: Maildir under the domain's root, LMTP per target. */
final class Transports implements QueueRunner.LocalTransports, AutoCloseable {

    private final String hostname;
    private final Outbound remote;
    private final int maxReceivedHeaders;
    private final Map<LmtpTarget, Lmtp> lmtp = new ConcurrentHashMap<>();
    private final Map<java.nio.file.Path, Maildir> maildirs = new ConcurrentHashMap<>();

    /** The transports the configuration asks for. */
    Transports(Config config) throws IOException {
        this.hostname = config.hostname();
        this.maxReceivedHeaders = config.queue().maxReceivedHeaders();
        MxResolver resolver = new MxResolver(config.dns().resolvers(), config.dns().timeout());
        // DANE: a validating resolver from the trust anchors, used only for destinations whose policy is dane.
        Dane dane = Dane.create(config.dns().resolvers(), config.dns().timeout(), config.dns().dnssecTrustAnchor());
        SmtpTransport smtp = new SmtpTransport(resolver, dane, hostname, config.outbound().port(),
                ClientTimeouts.RFC_5321, SmtpTransport.Policy.of(config.outbound().tls()));
        Optional<Outbound.Smarthost> smarthost = Optional.empty();
        if (config.relay().isPresent()) {
            Relay relay = config.relay().get();
            SmtpTransport.Policy policy = relay.auth().isPresent()
                    ? new SmtpTransport.Policy(relay.tls(), relay.auth().get().user(),
                            firstLine(relay.auth().get().passwordFile()))
                    : SmtpTransport.Policy.of(relay.tls());
            smarthost = Optional.of(new Outbound.Smarthost(relay.smarthost().host(), relay.smarthost().port(),
                    policy));
        }
        this.remote = new Outbound(smtp, smarthost, config.routes(), route -> lmtp(route.target()),
                SmtpTransport.Policy.of(config.outbound().tls()));
    }

    /** The password file's first line: the file is read once, at start, by the daemon alone. */
    private static String firstLine(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        if (lines.isEmpty() || lines.getFirst().isEmpty()) {
            throw new IOException("no password in " + file);
        }
        return lines.getFirst();
    }

    @Override
    public Outbound remote() {
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
        return lmtp(delivery.target());
    }

    Lmtp lmtp(LmtpTarget destination) {
        return lmtp.computeIfAbsent(destination, target -> new Lmtp(switch (target) {
            case LmtpTarget.Tcp tcp -> new Endpoint.Tcp(tcp.host(), tcp.port());
            case LmtpTarget.Unix unix -> new Endpoint.Unix(unix.socket());
        }, hostname, ClientTimeouts.RFC_5321));
    }

    @Override
    public void close() {
        remote.close();
    }
}
