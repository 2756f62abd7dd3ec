package dev.posthorn.mta.daemon;

import dev.posthorn.smtp.io.DotUnstuffingInputStream;
import dev.posthorn.smtp.io.LineReader;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;

/**
 * A tiny LMTP server (RFC 2033) on loopback for the daemon tests: takes every RCPT, and after the data answers each
 * accepted recipient with what the script says for it on that connection. FakeSmtpServer answers the data once,
 * as SMTP does, so it cannot stand in for an LMTP server.
 */
final class ScriptedLmtp implements AutoCloseable {

    /** A recipient the server answered 2xx for after the data, with the connection number (0-based). */
    record Delivered(int connection, String recipient) {
    }

    private final ServerSocket socket;
    private final BiFunction<Integer, String, String> finals;
    private final AtomicInteger connections = new AtomicInteger();
    private final List<Delivered> delivered = new CopyOnWriteArrayList<>();
    private final List<String> mails = new CopyOnWriteArrayList<>();
    private final List<byte[]> messages = new CopyOnWriteArrayList<>();
    private final boolean binary;
    private final Thread acceptor;

    /** @param finals the reply line after the data, by connection number and recipient (lower case) */
    ScriptedLmtp(String host, BiFunction<Integer, String, String> finals) throws IOException {
        this(host, finals, false);
    }

    /**
     * @param finals  the reply line after the data, by connection number and recipient (lower case)
     * @param binary  whether the server offers BINARYMIME and CHUNKING (RFC 3030), taking a message in one BDAT LAST
     */
    ScriptedLmtp(String host, BiFunction<Integer, String, String> finals, boolean binary) throws IOException {
        this.binary = binary;
        this.socket = new ServerSocket();
        socket.bind(new InetSocketAddress(host, 0));
        this.finals = finals;
        this.acceptor = Thread.ofVirtual().name("lmtp-accept").start(this::accept);
    }

    int port() {
        return socket.getLocalPort();
    }

    int connections() {
        return connections.get();
    }

    List<Delivered> delivered() {
        return List.copyOf(delivered);
    }

    /** The messages received, as they came after DATA (unstuffed) or BDAT. */
    List<byte[]> messages() {
        return List.copyOf(messages);
    }

    /** The MAIL commands received, as sent. */
    List<String> mails() {
        return List.copyOf(mails);
    }

    private void accept() {
        while (!socket.isClosed()) {
            try {
                Socket client = socket.accept();
                int n = connections.getAndIncrement();
                Thread.ofVirtual().name("lmtp-" + n).start(() -> serve(client, n));
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void serve(Socket client, int connection) {
        try (client) {
            client.setSoTimeout(10_000);
            LineReader in = new LineReader(client.getInputStream());
            OutputStream out = client.getOutputStream();
            send(out, "220 lmtp.test LMTP ready");
            List<String> recipients = new ArrayList<>();
            for (LineReader.Line line = in.readLine(2048); line != null; line = in.readLine(2048)) {
                String text = new String(line.content(), StandardCharsets.UTF_8);
                switch (text.split(" ", 2)[0].toUpperCase(Locale.ROOT)) {
                    case "LHLO" -> send(out, "250-lmtp.test\r\n250-PIPELINING\r\n250-8BITMIME\r\n"
                            + (binary ? "250-BINARYMIME\r\n250-CHUNKING\r\n" : "") + "250 ENHANCEDSTATUSCODES");
                    case "MAIL" -> {
                        mails.add(text);
                        recipients.clear();
                        send(out, "250 2.1.0 ok");
                    }
                    case "RCPT" -> {
                        recipients.add(text.substring(text.indexOf('<') + 1, text.indexOf('>')).toLowerCase(Locale.ROOT));
                        send(out, "250 2.1.5 ok");
                    }
                    case "DATA" -> {
                        send(out, "354 go ahead");
                        messages.add(new DotUnstuffingInputStream(in).readAllBytes());
                        send(out, answers(connection, recipients));
                    }
                    case "BDAT" -> {
                        String[] words = text.split(" ");
                        if (!binary || words.length != 3 || !words[2].equalsIgnoreCase("LAST")) {
                            send(out, "500 5.5.2 one BDAT LAST only, and only when offered");
                            return;
                        }
                        messages.add(in.readNBytes(Integer.parseInt(words[1])));
                        send(out, answers(connection, recipients));
                    }
                    case "RSET", "NOOP" -> send(out, "250 2.0.0 ok");
                    case "QUIT" -> {
                        send(out, "221 2.0.0 bye");
                        return;
                    }
                    default -> send(out, "500 5.5.2 unknown command");
                }
            }
        } catch (IOException e) {
            // the client went away: nothing to record
        }
    }

    /** Each recipient's reply after the data (RFC 2033 4.2), noting those delivered. */
    private String answers(int connection, List<String> recipients) {
        StringBuilder answers = new StringBuilder();
        for (String recipient : recipients) {
            String reply = finals.apply(connection, recipient);
            if (reply.startsWith("2")) {
                delivered.add(new Delivered(connection, recipient));
            }
            answers.append(answers.isEmpty() ? "" : "\r\n").append(reply);
        }
        return answers.toString();
    }

    private static void send(OutputStream out, String lines) throws IOException {
        out.write((lines + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    @Override
    public void close() throws IOException {
        socket.close();
        acceptor.interrupt();
    }
}
