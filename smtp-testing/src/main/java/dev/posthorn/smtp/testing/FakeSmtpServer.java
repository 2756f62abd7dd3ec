package dev.posthorn.smtp.testing;

import dev.posthorn.smtp.Reply;
import dev.posthorn.smtp.io.DotUnstuffingInputStream;
import dev.posthorn.smtp.io.LineReader;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

/**
 * A fake SMTP server for testing clients and MTAs: each connection follows a {@link Script} of replies, and may
 * misbehave with a typed {@link Fault}. It records what it received, so a test can check both what a client did and
 * how it coped. Not an SMTP implementation: it accepts whatever syntax comes, and answers as told.
 */
public final class FakeSmtpServer implements AutoCloseable {

    /** A way to misbehave. */
    public sealed interface Fault {
        /** Behave. */
        record None() implements Fault {
        }

        /** An old server (RFC 821 only): EHLO draws {@code 502 5.5.1}, HELO is answered. */
        record NoEhlo() implements Fault {
        }

        /** Send the greeting, then close the connection. */
        record DropAfterGreeting() implements Fault {
        }

        /** Take the message data, then say nothing for this long (the client's data timeout should fire). */
        record StallInData(Duration stall) implements Fault {
        }

        /** Answer the n-th RCPT (1-based) with 421 and close: a server going away mid-transaction. */
        record CloseAtRcpt(int n) implements Fault {
        }

        /** Offer STARTTLS, answer 220, then send garbage instead of a TLS handshake. */
        record BrokenTls() implements Fault {
        }
    }

    /**
     * What one connection answers.
     *
     * @param greeting   the greeting (a 4xx/5xx greeting closes after it)
     * @param extensions the EHLO keywords offered
     * @param mail       the reply to MAIL
     * @param rcpt       replies to RCPT for particular addresses (lower case, without brackets)
     * @param otherRcpt  the reply to RCPT for any other address
     * @param data       the final reply after the message data
     * @param fault      how to misbehave
     */
    public record Script(Reply greeting, List<String> extensions, Reply mail, java.util.Map<String, Reply> rcpt,
                         Reply otherRcpt, Reply data, Fault fault) {
        public Script {
            Objects.requireNonNull(greeting, "greeting");
            extensions = List.copyOf(extensions);
            Objects.requireNonNull(mail, "mail");
            rcpt = java.util.Map.copyOf(rcpt);
            Objects.requireNonNull(otherRcpt, "otherRcpt");
            Objects.requireNonNull(data, "data");
            Objects.requireNonNull(fault, "fault");
        }

        /** A well-behaved server accepting everything, offering PIPELINING, 8BITMIME and SMTPUTF8. */
        public static Script accepting() {
            return new Script(Reply.of(220, "fake.test ESMTP fake"), List.of("PIPELINING", "8BITMIME", "SMTPUTF8",
                    "ENHANCEDSTATUSCODES"), Reply.of(250, "2.1.0", "ok"), java.util.Map.of(),
                    Reply.of(250, "2.1.5", "ok"), Reply.of(250, "2.0.0", "queued"), new Fault.None());
        }

        public Script withGreeting(Reply reply) {
            return new Script(reply, extensions, mail, rcpt, otherRcpt, data, fault);
        }

        public Script withExtensions(List<String> keywords) {
            return new Script(greeting, keywords, mail, rcpt, otherRcpt, data, fault);
        }

        public Script withMail(Reply reply) {
            return new Script(greeting, extensions, reply, rcpt, otherRcpt, data, fault);
        }

        /** Answers RCPT for {@code address} with {@code reply}. */
        public Script withRcpt(String address, Reply reply) {
            java.util.Map<String, Reply> copy = new java.util.HashMap<>(rcpt);
            copy.put(address.toLowerCase(Locale.ROOT), reply);
            return new Script(greeting, extensions, mail, copy, otherRcpt, data, fault);
        }

        public Script withData(Reply reply) {
            return new Script(greeting, extensions, mail, rcpt, otherRcpt, reply, fault);
        }

        public Script withFault(Fault newFault) {
            return new Script(greeting, extensions, mail, rcpt, otherRcpt, data, newFault);
        }
    }

    /**
     * A message the server accepted (answered its data with 2xx).
     *
     * @param connection the 0-based connection number it came on
     * @param sender     the MAIL FROM path without brackets
     * @param recipients the RCPT TO paths that were accepted
     * @param bytes      the message as received, dot-unstuffed
     */
    public record Received(int connection, String sender, List<String> recipients, byte[] bytes) {
        public Received {
            recipients = List.copyOf(recipients);
        }

        public String text() {
            return new String(bytes, StandardCharsets.UTF_8);
        }
    }

    private final ServerSocket listener;
    private final IntFunction<Script> scripts;
    private final AtomicInteger connections = new AtomicInteger();
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final List<String> commands = new CopyOnWriteArrayList<>();
    private final java.util.Map<Socket, java.util.concurrent.locks.ReentrantLock> open =
            new java.util.concurrent.ConcurrentHashMap<>();

    private volatile Thread acceptor;

    private FakeSmtpServer(ServerSocket listener, IntFunction<Script> scripts) {
        this.listener = listener;
        this.scripts = scripts;
    }

    /** Starts on {@code address} (port 0: any free port); connection n follows {@code scripts.apply(n)}. */
    public static FakeSmtpServer start(InetSocketAddress address, IntFunction<Script> scripts) throws IOException {
        ServerSocket socket = new ServerSocket();
        socket.setReuseAddress(true);
        socket.bind(address, 50);
        FakeSmtpServer server = new FakeSmtpServer(socket, scripts);
        server.acceptor = Thread.ofVirtual().name("fake-smtp-accept").start(server::accept);
        return server;
    }

    /** Starts on 127.0.0.1, every connection following {@code script}. */
    public static FakeSmtpServer start(Script script) throws IOException {
        return start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), n -> script);
    }

    public int port() {
        return listener.getLocalPort();
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) listener.getLocalSocketAddress();
    }

    /** Connections accepted so far. */
    public int connections() {
        return connections.get();
    }

    public List<Received> received() {
        return List.copyOf(received);
    }

    /** Every command line received, in order, across connections. */
    public List<String> commands() {
        return List.copyOf(commands);
    }

    private void accept() {
        while (!listener.isClosed()) {
            try {
                Socket socket = listener.accept();
                int n = connections.getAndIncrement();
                Thread.ofVirtual().name("fake-smtp-" + n).start(() -> serve(socket, n, scripts.apply(n)));
            } catch (IOException e) {
                return;
            }
        }
    }

    /**
     * Closes every open connection, as a server whose idle timeout struck would: between commands, never while one is
     * being handled (a message recorded as received has had its reply sent).
     */
    public void closeConnections() throws IOException {
        for (Map.Entry<Socket, java.util.concurrent.locks.ReentrantLock> entry : open.entrySet()) {
            entry.getValue().lock();
            try {
                entry.getKey().close();
            } finally {
                entry.getValue().unlock();
            }
        }
    }

    private void serve(Socket socket, int connection, Script script) {
        open.put(socket, new java.util.concurrent.locks.ReentrantLock());
        try (socket) {
            socket.setSoTimeout(30_000);
            new FakeSession(socket, connection, script, this).run();
        } catch (IOException e) {
            // the client went away, or the script ended the connection
        } finally {
            open.remove(socket);
        }
    }

    void record(String command) {
        commands.add(command);
    }

    void record(Received message) {
        received.add(message);
    }

    /**
     * Stops listening, and returns once the accept loop has ended: a socket closed while a (virtual) thread is in
     * {@code accept} is released when that thread leaves it, so without the wait a test that connects right after
     * could still be greeted (seen in posthorn-junit's TestServersTest).
     */
    @Override
    public void close() throws IOException {
        listener.close();
        Thread thread = acceptor;
        if (thread != null) {
            try {
                thread.join(java.time.Duration.ofSeconds(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** One connection's conversation. */
    private record FakeSession(Socket socket, int connection, Script script, FakeSmtpServer server) {

        void run() throws IOException {
            LineReader in = new LineReader(socket.getInputStream());
            OutputStream out = socket.getOutputStream();
            send(out, script.greeting());
            if (!script.greeting().isPositive() || script.fault() instanceof Fault.DropAfterGreeting) {
                return;
            }
            String sender = null;
            List<String> accepted = new ArrayList<>();
            int rcpts = 0;
            while (true) {
                LineReader.Line line = in.readLine(4096);
                if (line == null) {
                    return;
                }
                // Held while a command is handled, so that closeConnections() never falls between a message
                // being recorded and its reply going out (a client would then send it again).
                java.util.concurrent.locks.ReentrantLock busy = server.open.get(socket);
                busy.lock();
                try {
                    String text = new String(line.content(), StandardCharsets.UTF_8);
                    server.record(text);
                    String verb = text.split(" ", 2)[0].toUpperCase(Locale.ROOT);
                    switch (verb) {
                        case "EHLO", "LHLO" -> {
                            if (script.fault() instanceof Fault.NoEhlo) {
                                send(out, Reply.of(502, "5.5.1", "command not recognized"));
                                continue;
                            }
                            List<String> lines = new ArrayList<>();
                            lines.add("fake.test");
                            lines.addAll(script.extensions());
                            if (script.fault() instanceof Fault.BrokenTls) {
                                lines.add("STARTTLS");
                            }
                            send(out, new Reply(250, null, lines));
                        }
                        case "HELO" -> send(out, Reply.of(250, "fake.test"));
                        case "MAIL" -> {
                            sender = path(text);
                            accepted.clear();
                            rcpts = 0;
                            send(out, script.mail());
                        }
                        case "RCPT" -> {
                            rcpts++;
                            if (script.fault() instanceof Fault.CloseAtRcpt close && close.n() == rcpts) {
                                send(out, Reply.of(421, "4.3.2", "going away"));
                                return;
                            }
                            String address = path(text);
                            Reply reply = script.rcpt().getOrDefault(address.toLowerCase(Locale.ROOT), script.otherRcpt());
                            if (reply.isPositive()) {
                                accepted.add(address);
                            }
                            send(out, reply);
                        }
                        case "DATA" -> {
                            if (sender == null || accepted.isEmpty()) {
                                send(out, Reply.of(554, "5.5.1", "no valid recipients"));
                                continue;
                            }
                            send(out, Reply.of(354, "go ahead"));
                            byte[] message = new DotUnstuffingInputStream(in).readAllBytes();
                            if (script.fault() instanceof Fault.StallInData stall) {
                                sleep(stall.stall());
                                return;
                            }
                            if (script.data().isPositive()) {
                                server.record(new Received(connection, sender, accepted, message));
                            }
                            send(out, script.data());
                            sender = null;
                        }
                        case "STARTTLS" -> {
                            if (script.fault() instanceof Fault.BrokenTls) {
                                send(out, Reply.of(220, "2.0.0", "go ahead"));
                                out.write("this is not a TLS handshake\r\n".getBytes(StandardCharsets.US_ASCII));
                                return;
                            }
                            send(out, Reply.of(454, "4.7.0", "TLS not available"));
                        }
                        case "RSET", "NOOP" -> {
                            sender = "RSET".equals(verb) ? null : sender;
                            send(out, Reply.of(250, "2.0.0", "ok"));
                        }
                        case "QUIT" -> {
                            send(out, Reply.of(221, "2.0.0", "bye"));
                            return;
                        }
                        default -> send(out, Reply.of(502, "5.5.1", "not implemented"));
                    }
                } finally {
                    busy.unlock();
                }
            }
        }

        private static String path(String command) {
            int open = command.indexOf('<');
            int close = command.indexOf('>', open + 1);
            return open < 0 || close < 0 ? "" : command.substring(open + 1, close);
        }

        private static void send(OutputStream out, Reply reply) throws IOException {
            out.write(reply.toWire());
            out.flush();
        }

        private static void sleep(Duration duration) {
            try {
                Thread.sleep(duration);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
