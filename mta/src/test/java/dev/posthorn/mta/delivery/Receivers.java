package dev.posthorn.mta.delivery;

import dev.posthorn.smtp.Replies;
import dev.posthorn.smtp.server.Envelope;
import dev.posthorn.smtp.server.ServerTls;
import dev.posthorn.smtp.server.SmtpServer;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Receiving MX hosts for TLS policy tests: Posthorn's own SMTP server on loopback addresses, all on one port (the
 * transport uses one port for every MX), each with its own certificate or none, recording what it takes.
 */
final class Receivers implements AutoCloseable {

    private final List<SmtpServer> servers = new ArrayList<>();
    private final List<Envelope> received = new CopyOnWriteArrayList<>();
    private final List<String> texts = new CopyOnWriteArrayList<>();
    private int port;

    /** Starts a server on {@code address} at the shared port, offering STARTTLS with {@code tls} (null: no TLS). */
    Receivers start(String address, String hostname, ServerTls tls) throws IOException {
        return start(address, hostname, tls, false);
    }

    /** As {@link #start(String, String, ServerTls)}, offering REQUIRETLS (RFC 8689) on TLS sessions when asked. */
    Receivers start(String address, String hostname, ServerTls tls, boolean requireTls) throws IOException {
        SmtpServer.Builder builder = SmtpServer.builder().bind(address, port).hostname(hostname)
                .offerRequireTls(requireTls)
                .sink((envelope, message) -> {
                    texts.add(new String(message.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
                    received.add(envelope);
                    return Replies.queued(envelope.id());
                });
        if (tls != null) {
            builder = builder.tls(tls);
        }
        SmtpServer server = builder.build().start();
        servers.add(server);
        port = server.port();
        return this;
    }

    int port() {
        return port;
    }

    /** The messages taken, by any of the servers, in order. */
    List<Envelope> received() {
        return received;
    }

    /** The texts of the messages taken, by any of the servers, in order (Received field on top). */
    List<String> texts() {
        return texts;
    }

    /** The messages taken by the server on {@code address}. */
    List<Envelope> receivedAt(String address) {
        return received.stream().filter(e -> e.session().local().getAddress().getHostAddress().equals(address))
                .toList();
    }

    @Override
    public void close() {
        servers.forEach(SmtpServer::close);
    }
}
