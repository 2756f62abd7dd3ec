package dev.posthorn.smtp.testing;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.BindException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.xbill.DNS.Message;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/**
 * A DNS server for tests: answers from fixed zone data over UDP and TCP on one loopback port, so that a resolver can
 * be tested against real wire traffic instead of a mock. Built with {@link #builder()}; see {@link DnsResponderBuilder}
 * for the records and faults it can serve.
 *
 * <p>Over UDP a response longer than 512 octets (RFC 1035 4.2.1), or than the client's EDNS payload size (RFC 6891
 * 6.2.5), is cut to whole RRsets with the TC bit set, and the client is expected to ask again over TCP, where messages
 * carry a two-octet length prefix (RFC 1035 4.2.2, RFC 7766 8).
 *
 * <p>Each socket is served by a virtual thread; {@link #close()} stops them all.
 */
public final class DnsResponder implements AutoCloseable {

    /** RFC 1035 4.2.1: a UDP message without EDNS carries at most 512 octets. */
    static final int PLAIN_UDP_LIMIT = 512;
    /** RFC 7766 6.2.3: a server closes an idle TCP connection; a test has no reason to hold one longer. */
    private static final int TCP_IDLE_MILLIS = (int) Duration.ofSeconds(10).toMillis();
    private static final int MAX_RECORDED = 10_000;
    private static final int BIND_ATTEMPTS = 20;

    /** How a query reached the responder. */
    public enum Transport { UDP, TCP }

    /**
     * One query the responder received, answered or not.
     *
     * @param name      the name asked for, lower case, without the trailing dot
     * @param type      the record type's mnemonic, e.g. {@code "MX"}
     * @param transport UDP or TCP
     */
    public record Query(String name, String type, Transport transport) {
    }

    private final DnsZones zones;
    private final DatagramSocket udp;
    private final ServerSocket tcp;
    private final Set<Socket> connections = ConcurrentHashMap.newKeySet();
    private final List<Query> received = new ArrayList<>();
    private final AtomicInteger count = new AtomicInteger();
    private final Thread udpThread;
    private final Thread tcpThread;

    private DnsResponder(DnsZones zones) throws IOException {
        this.zones = zones;
        InetAddress loopback = InetAddress.getLoopbackAddress();
        DatagramSocket boundUdp = null;
        ServerSocket boundTcp = null;
        // Both transports share one port number, as resolvers retry a truncated answer at the same address.
        for (int attempt = 1; boundTcp == null; attempt++) {
            boundUdp = new DatagramSocket(new InetSocketAddress(loopback, 0));
            ServerSocket candidate = new ServerSocket();
            try {
                candidate.bind(new InetSocketAddress(loopback, boundUdp.getLocalPort()), 50);
                boundTcp = candidate;
            } catch (BindException e) {
                candidate.close();
                boundUdp.close();
                if (attempt == BIND_ATTEMPTS) {
                    throw e;
                }
            }
        }
        this.udp = boundUdp;
        this.tcp = boundTcp;
        this.udpThread = Thread.ofVirtual().name("dns-responder-udp-" + port()).start(this::serveUdp);
        this.tcpThread = Thread.ofVirtual().name("dns-responder-tcp-" + port()).start(this::serveTcp);
    }

    /** A builder for the responder's zones, records and faults. */
    public static DnsResponderBuilder builder() {
        return new DnsResponderBuilder();
    }

    static DnsResponder start(DnsZones zones) throws IOException {
        return new DnsResponder(zones);
    }

    /** The loopback address and port to send queries to (the same for UDP and TCP). */
    public InetSocketAddress address() {
        return new InetSocketAddress(udp.getLocalAddress(), udp.getLocalPort());
    }

    /**
     * The trust anchors for the signed zones: DS records in zone file format (RFC 1035 5), one for each signed zone
     * that is not inside another served zone, as a validating resolver loads them; empty when none is signed.
     */
    public String trustAnchors() {
        return zones.trustAnchors();
    }

    public int port() {
        return udp.getLocalPort();
    }

    /** How many queries arrived, over both transports, including those dropped or refused. */
    public int queryCount() {
        return count.get();
    }

    /** How many queries for {@code name} (any type, either transport) arrived. */
    public int queryCount(String name) {
        String wanted = normalise(name);
        return (int) queries().stream().filter(q -> q.name().equals(wanted)).count();
    }

    /** The queries received so far, oldest first (the first ten thousand). */
    public List<Query> queries() {
        synchronized (received) {
            return List.copyOf(received);
        }
    }

    private void serveUdp() {
        byte[] buffer = new byte[65_535];
        while (!udp.isClosed()) {
            DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
            try {
                udp.receive(packet);
                byte[] in = Arrays.copyOfRange(buffer, packet.getOffset(), packet.getOffset() + packet.getLength());
                Optional<byte[]> out = respond(in, Transport.UDP);
                if (out.isPresent()) {
                    udp.send(new DatagramPacket(out.get(), out.get().length, packet.getSocketAddress()));
                }
            } catch (IOException e) {
                if (udp.isClosed()) {
                    return;
                }
            }
        }
    }

    private void serveTcp() {
        while (!tcp.isClosed()) {
            try {
                Socket socket = tcp.accept();
                connections.add(socket);
                Thread.ofVirtual().name("dns-responder-tcp-" + socket.getPort()).start(() -> serveConnection(socket));
            } catch (IOException e) {
                if (tcp.isClosed()) {
                    return;
                }
            }
        }
    }

    /** Answers length-prefixed messages one after another until the client closes or idles (RFC 7766 6.2.1). */
    private void serveConnection(Socket socket) {
        try (socket) {
            socket.setSoTimeout(TCP_IDLE_MILLIS);
            DataInputStream in = new DataInputStream(new BufferedInputStream(socket.getInputStream()));
            OutputStream out = socket.getOutputStream();
            while (true) {
                int length = in.readUnsignedShort();
                byte[] message = in.readNBytes(length);
                if (message.length < length) {
                    return;
                }
                Optional<byte[]> answer = respond(message, Transport.TCP);
                if (answer.isPresent()) {
                    byte[] bytes = answer.get();
                    out.write(new byte[] {(byte) (bytes.length >>> 8), (byte) bytes.length});
                    out.write(bytes);
                    out.flush();
                }
            }
        } catch (EOFException e) {
            // the client closed the connection between messages
        } catch (IOException e) {
            // idle timeout, reset, or the responder closing: the connection simply ends
        } finally {
            connections.remove(socket);
        }
    }

    /** The wire answer to one message; empty for bytes that are not a DNS message and for dropped names. */
    private Optional<byte[]> respond(byte[] in, Transport transport) {
        Message query;
        try {
            query = new Message(in);
        } catch (IOException e) {
            return Optional.empty();
        }
        record(query, transport);
        return zones.answer(query).map(response -> response.toWire(
                transport == Transport.TCP ? Message.MAXLENGTH : udpLimit(query)));
    }

    private static int udpLimit(Message query) {
        OPTRecord opt = query.getOPT();
        return opt == null ? PLAIN_UDP_LIMIT
                : Math.clamp(opt.getPayloadSize(), PLAIN_UDP_LIMIT, DnsZones.EDNS_PAYLOAD);
    }

    private void record(Message query, Transport transport) {
        count.incrementAndGet();
        Record question = query.getQuestion();
        if (question == null) {
            return;
        }
        Query seen = new Query(normalise(question.getName().toString()), Type.string(question.getType()), transport);
        synchronized (received) {
            if (received.size() < MAX_RECORDED) {
                received.add(seen);
            }
        }
    }

    static String normalise(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return lower.endsWith(".") && lower.length() > 1 ? lower.substring(0, lower.length() - 1) : lower;
    }

    @Override
    public void close() {
        try {
            udp.close();
            tcp.close();
        } catch (IOException e) {
            // closing a listener: nothing left to do
        }
        for (Socket socket : connections) {
            try {
                socket.close();
            } catch (IOException e) {
                // already going
            }
        }
        try {
            udpThread.join(Duration.ofSeconds(5));
            tcpThread.join(Duration.ofSeconds(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "DnsResponder[" + address() + "]";
    }
}
