package dev.posthorn.smtp.client;

import dev.posthorn.smtp.MailParameters;
import dev.posthorn.smtp.Reply;
import dev.posthorn.smtp.ReplyParser;
import dev.posthorn.smtp.ReversePath;
import dev.posthorn.smtp.io.DotStuffingOutputStream;
import dev.posthorn.smtp.io.LineReader;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSession;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Locale;
import java.util.List;
import java.util.Objects;

/**
 * A blocking SMTP or LMTP client for one connection; several transactions may follow one another on it. Not
 * thread-safe: one connection is used by one thread at a time. For one message in one call, see the static
 * {@link #send(String, int, String, List, byte[]) send}.
 *
 * <pre>{@code
 * try (SmtpClient client = SmtpClient.connect(new Endpoint.Tcp("127.0.0.1", 25), Protocol.SMTP, "me.example",
 *         ClientTimeouts.RFC_5321)) {
 *     TransactionResult result = client.send(ReversePath.of(sender), MailParameters.NONE, recipients, message);
 *     client.quit();
 * }
 * }</pre>
 */
public final class SmtpClient implements AutoCloseable {

    /** SMTP (EHLO, falling back to HELO) or LMTP (LHLO, RFC 2033). */
    public enum Protocol { SMTP, LMTP }

    /** What the transcript gets for the message itself: its data is never recorded. */
    public static final String DATA_PLACEHOLDER = "(message data)";

    private Wire wire;
    private LineReader in;
    private OutputStream out;
    private final Protocol protocol;
    private final ClientTimeouts timeouts;
    private String helloName;
    private Reply greeting;
    private Capabilities capabilities = Capabilities.NONE;
    private Transcript transcript;

    private SmtpClient(Wire wire, Protocol protocol, ClientTimeouts timeouts) throws IOException {
        this.protocol = protocol;
        this.timeouts = timeouts;
        streams(wire);
    }

    /** Fresh streams on a wire: nothing read before a TLS upgrade is used after it. */
    private void streams(Wire newWire) throws IOException {
        this.wire = newWire;
        this.in = new LineReader(newWire.input(), 8192);
        this.out = new BufferedOutputStream(newWire.output(), 16 * 1024);
    }

    /**
     * Connects, reads the greeting and says EHLO (or LHLO). A refusing greeting (not 220) throws
     * {@link SmtpReplyException}; so does a refused hello.
     */
    public static SmtpClient connect(Endpoint endpoint, Protocol protocol, String helloName, ClientTimeouts timeouts)
            throws IOException {
        return connect(endpoint, protocol, helloName, timeouts, null);
    }

    /** As {@link #connect(Endpoint, Protocol, String, ClientTimeouts)}, recording the dialogue from the greeting on. */
    public static SmtpClient connect(Endpoint endpoint, Protocol protocol, String helloName, ClientTimeouts timeouts,
                                     Transcript transcript) throws IOException {
        Objects.requireNonNull(helloName, "helloName");
        Wire wire = Wire.open(endpoint, timeouts.connect());
        SmtpClient client;
        try {
            client = new SmtpClient(wire, protocol, timeouts);
            client.transcript = transcript;
            client.greeting = client.read(timeouts.greeting());
            if (client.greeting.code() != 220) {
                throw new SmtpReplyException("greeting", client.greeting);
            }
            client.hello(helloName);
        } catch (IOException | RuntimeException e) {
            wire.close();
            throw e;
        }
        return client;
    }

    /**
     * Sends one message in one call: connects, says EHLO (HELO for an old server), STARTTLS when offered (any
     * certificate: see {@link SendOptions#opportunistic()}), MAIL FROM with SIZE, BODY=8BITMIME and SMTPUTF8 as the
     * message, the addresses and the server call for, RCPT for each recipient, the data (dot-stuffed DATA, or BDAT
     * when the server offers CHUNKING), QUIT. Meant for applications and tests talking to a known server, such as
     * {@code posthorn sink} or {@code posthorn dev} on 127.0.0.1:1025; use {@link SendOptions#verifiedTls()} to
     * prove who the server is.
     *
     * <pre>{@code
     * byte[] message = "Subject: Hello\r\n\r\nHi there.\r\n".getBytes(StandardCharsets.UTF_8);
     * SendResult result = SmtpClient.send("127.0.0.1", 1025, "app@example.com",
     *         List.of("alice@example.com", "bob@example.com"), message);
     * System.out.println(result.reply() + ", refused: " + result.refused());
     * }</pre>
     *
     * @param from       the sender, {@code local@domain}, or {@code ""} for the null reverse path (a bounce)
     * @param recipients {@code local@domain} each; a UTF-8 address asks for SMTPUTF8 (RFC 6531)
     * @param message    the message in SMTP form (CRLF line ends; a bare CR or LF is repaired when sent as DATA)
     * @return which recipients took the message and which refused it (a 4xx or 5xx RCPT reply each)
     * @throws SmtpReplyException the greeting, EHLO, MAIL, or every recipient was refused (the reply says why)
     * @throws IOException        the connection failed or a deadline ({@link ClientTimeouts#RFC_5321}) passed
     */
    public static SendResult send(String host, int port, String from, List<String> recipients, byte[] message)
            throws IOException {
        return send(host, port, from, recipients, message, SendOptions.opportunistic());
    }

    /** As {@link #send(String, int, String, List, byte[])}, with the given TLS, EHLO name and deadlines. */
    public static SendResult send(String host, int port, String from, List<String> recipients, byte[] message,
                                  SendOptions options) throws IOException {
        boolean eightBit = false;
        for (byte b : message) {
            eightBit |= b < 0;
        }
        return OneCallSend.send(new Endpoint.Tcp(host, port), from, recipients,
                new java.io.ByteArrayInputStream(message), message.length,
                eightBit ? dev.posthorn.smtp.BodyType.EIGHT_BIT_MIME : dev.posthorn.smtp.BodyType.SEVEN_BIT, options);
    }

    /** As {@link #send(String, int, String, List, byte[])}, streaming the message from a file. */
    public static SendResult send(String host, int port, String from, List<String> recipients,
                                  java.nio.file.Path message) throws IOException {
        return send(host, port, from, recipients, message, SendOptions.opportunistic());
    }

    /** As {@link #send(String, int, String, List, java.nio.file.Path)}, with the given options. */
    public static SendResult send(String host, int port, String from, List<String> recipients,
                                  java.nio.file.Path message, SendOptions options) throws IOException {
        try (InputStream in = java.nio.file.Files.newInputStream(message)) {
            return send(host, port, from, recipients, in, java.nio.file.Files.size(message), options);
        }
    }

    /**
     * As {@link #send(String, int, String, List, byte[])}, streaming the message, of unknown size (so no SIZE and no
     * BDAT). The stream is read to its end and not closed.
     */
    public static SendResult send(String host, int port, String from, List<String> recipients, InputStream message)
            throws IOException {
        return send(host, port, from, recipients, message, -1, SendOptions.opportunistic());
    }

    /**
     * As {@link #send(String, int, String, List, InputStream)}, with the message's size in octets (or -1) and the
     * given options. With a size, SIZE is declared and BDAT used when offered; the stream must then hold exactly
     * that many octets.
     */
    public static SendResult send(String host, int port, String from, List<String> recipients, InputStream message,
                                  long size, SendOptions options) throws IOException {
        return OneCallSend.send(new Endpoint.Tcp(host, port), from, recipients, message, size, null, options);
    }

    private void hello(String name) throws IOException {
        helloName = name;
        Reply reply = command((protocol == Protocol.LMTP ? "LHLO " : "EHLO ") + name, timeouts.mail());
        if (reply.code() == 250) {
            capabilities = Capabilities.parse(reply);
            return;
        }
        if (protocol == Protocol.SMTP && reply.isPermanentFailure()) {
            reply = command("HELO " + name, timeouts.mail()); // RFC 5321 4.1.4: an old server may not know EHLO
            if (reply.code() == 250) {
                return;
            }
        }
        throw new SmtpReplyException("hello", reply);
    }

    /**
     * STARTTLS (RFC 3207) when the server offers it: the handshake, then EHLO again, since what was learned before
     * TLS cannot be trusted. Returns {@code false}, with the session still in plaintext, when the server does not
     * offer STARTTLS or refuses it; a failed handshake leaves the connection unusable and throws.
     *
     * @param peerName       the name to send as SNI and, when {@code verifyPeerName}, to check the certificate for
     * @param verifyPeerName whether to check the certificate's name (RFC 6125); the chain is checked by
     *                       {@code context}'s trust managers either way
     */
    public boolean startTls(SSLContext context, String peerName, boolean verifyPeerName) throws IOException {
        if (wire.tlsSession() != null || !capabilities.supports("STARTTLS")) {
            return false;
        }
        Reply reply = command("STARTTLS", timeouts.mail());
        if (reply.code() != 220) {
            return false;
        }
        if (in.buffered() > 0) {
            throw new IOException("server sent data after 220 to STARTTLS: refusing to use it (RFC 3207 5)");
        }
        streams(wire.startTls(context, peerName, verifyPeerName, timeouts.greeting()));
        capabilities = Capabilities.NONE;
        hello(helloName);
        return true;
    }

    /** Where this session's dialogue is recorded from now on ({@code null}: nowhere), e.g. for a reused session. */
    public void transcript(Transcript newTranscript) {
        this.transcript = newTranscript;
    }

    /** The TLS session, or {@code null} while the connection is plaintext. */
    public SSLSession tlsSession() {
        return wire.tlsSession();
    }

    /**
     * AUTH (RFC 4954) with PLAIN (RFC 4616) when offered, else LOGIN. Returns the server's final reply: 235 on
     * success. Never sends credentials over a connection without TLS unless {@code allowPlaintext}.
     */
    public Reply authenticate(String username, String password, boolean allowPlaintext) throws IOException {
        if (wire.tlsSession() == null && !allowPlaintext) {
            throw new IOException("refusing to send credentials without TLS");
        }
        String mechanisms = " " + capabilities.extensions().getOrDefault("AUTH", "").toUpperCase(Locale.ROOT) + " ";
        if (mechanisms.contains(" PLAIN ")) {
            return command("AUTH PLAIN " + base64("\0" + username + "\0" + password), "AUTH PLAIN ****",
                    timeouts.mail());
        }
        if (!mechanisms.contains(" LOGIN ")) {
            throw new IOException("server offers neither AUTH PLAIN nor AUTH LOGIN");
        }
        Reply reply = command("AUTH LOGIN", timeouts.mail());
        if (reply.code() == 334) {
            reply = command(base64(username), "****", timeouts.mail());
        }
        if (reply.code() == 334) {
            reply = command(base64(password), "****", timeouts.mail());
        }
        return reply;
    }

    private static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    public Reply greeting() {
        return greeting;
    }

    public Capabilities capabilities() {
        return capabilities;
    }

    /**
     * Sends one message to the recipients. The message must be in SMTP form already (CRLF line ends; the client
     * dot-stuffs it and repairs bare CR or LF). Parameters for extensions the server lacks are left out.
     *
     * @return one result per recipient; connection failures are thrown
     */
    public TransactionResult send(ReversePath sender, MailParameters parameters, List<Recipient> recipients,
                                  InputStream message) throws IOException {
        return send(sender, parameters, recipients, message, -1);
    }

    /**
     * As {@link #send(ReversePath, MailParameters, List, InputStream)}, knowing the message's size in octets (or -1):
     * a message over the server's SIZE is then not sent at all, and CHUNKING (RFC 3030) is used when offered (over
     * LMTP only for a BINARYMIME body, which cannot go as DATA; one of unknown size is refused with 554 5.6.3).
     * A message that needs an extension the server lacks (8BITMIME, BINARYMIME, SMTPUTF8) is not sent either: each
     * recipient gets a permanent failure saying why, since converting it could change what the sender wrote.
     */
    public TransactionResult send(ReversePath sender, MailParameters parameters, List<Recipient> recipients,
                                  InputStream message, long size) throws IOException {
        if (recipients.isEmpty()) {
            throw new IllegalArgumentException("no recipients");
        }
        Reply refusal = precheck(parameters, size);
        if (refusal != null) {
            return perRecipient(refusal, recipients, List.of(), List.of(), refusal);
        }
        // LMTP uses BDAT only where a binary body needs it: DATA is what every LMTP server takes (RFC 2033 4.2).
        boolean binary = parameters.body() == dev.posthorn.smtp.BodyType.BINARY_MIME;
        boolean chunking = (protocol == Protocol.SMTP || binary) && size >= 0 && capabilities.supports("CHUNKING");
        if (binary && !chunking) {
            Reply unsized = Reply.of(554, "5.6.3", "binary message of unknown size: BDAT needs it (RFC 3030 3)");
            return perRecipient(unsized, recipients, List.of(), List.of(), unsized);
        }
        boolean pipelining = capabilities.supports("PIPELINING");
        List<String> commands = new ArrayList<>();
        commands.add("MAIL FROM:" + sender + mailParameters(parameters));
        for (Recipient recipient : recipients) {
            commands.add("RCPT TO:" + recipient.path()
                    + (capabilities.supports("DSN") ? recipient.parameters().toWire() : ""));
        }
        if (!chunking) {
            commands.add("DATA");
        }
        List<Reply> replies = pipelining ? pipelined(commands) : stepwise(commands);
        if (chunking) {
            return chunked(replies, recipients, message, size);
        }

        Reply mail = replies.getFirst();
        List<Reply> rcptReplies = replies.subList(1, Math.min(replies.size(), recipients.size() + 1));
        Reply data = replies.size() == recipients.size() + 2 ? replies.getLast() : null;
        if (!mail.isPositive()) {
            return perRecipient(mail, recipients, List.of(), List.of(), mail);
        }
        List<Integer> accepted = new ArrayList<>();
        for (int i = 0; i < rcptReplies.size(); i++) {
            if (rcptReplies.get(i).isPositive()) {
                accepted.add(i);
            }
        }
        if (data == null || data.code() != 354) {
            // No DATA was sent (every RCPT refused) or it was refused: each recipient keeps its own refusal, and
            // the half-open transaction is reset so the next one on this connection starts clean.
            reset();
            return perRecipient(mail, recipients, rcptReplies, List.of(), data);
        }
        writeMessage(message, accepted.isEmpty());
        List<Reply> finals = new ArrayList<>();
        int expected = protocol == Protocol.LMTP ? accepted.size() : 1;
        for (int i = 0; i < Math.max(1, expected); i++) {
            finals.add(read(timeouts.dataTermination()));
        }
        return perRecipient(mail, recipients, rcptReplies, protocol == Protocol.LMTP ? finals : List.of(),
                protocol == Protocol.LMTP ? null : finals.getFirst());
    }

    /** A reply for a message this server cannot take, or {@code null} when it can. */
    private Reply precheck(MailParameters p, long size) {
        if (size >= 0 && capabilities.sizeLimit().isPresent() && size > capabilities.sizeLimit().getAsLong()) {
            return Reply.of(552, "5.3.4", "Message of " + size + " octets exceeds the server's SIZE limit of "
                    + capabilities.sizeLimit().getAsLong() + " (RFC 1870)");
        }
        if (p.body() == dev.posthorn.smtp.BodyType.EIGHT_BIT_MIME && !capabilities.supports("8BITMIME")) {
            return Reply.of(554, "5.6.3", "8-bit message and the server does not offer 8BITMIME (RFC 6152 3)");
        }
        if (p.body() == dev.posthorn.smtp.BodyType.BINARY_MIME
                && !(capabilities.supports("BINARYMIME") && capabilities.supports("CHUNKING"))) {
            return Reply.of(554, "5.6.3", "binary message and the server does not offer BINARYMIME (RFC 3030 3)");
        }
        if (p.smtpUtf8() && !capabilities.supports("SMTPUTF8")) {
            return Reply.of(553, "5.6.7", "message needs SMTPUTF8 and the server does not offer it (RFC 6531 3.2)");
        }
        if (p.requireTls() && !(capabilities.supports("REQUIRETLS") && wire.tlsSession() != null)) {
            // RFC 8689 4.2.1: such a message goes only to a server that advertised REQUIRETLS after TLS. Transient:
            // another host, or the same one later, may offer it; the sender decides when to give up (5.7.30).
            return Reply.of(450, "4.7.30", "message needs REQUIRETLS and the server does not offer it over TLS"
                    + " (RFC 8689 4.2.1)");
        }
        return null;
    }

    /** After MAIL and RCPT: the whole message in one BDAT LAST (RFC 3030 2), no dot-stuffing. */
    private TransactionResult chunked(List<Reply> replies, List<Recipient> recipients, InputStream message,
                                      long size) throws IOException {
        Reply mail = replies.getFirst();
        List<Reply> rcptReplies = replies.subList(1, replies.size());
        if (!mail.isPositive() || rcptReplies.stream().noneMatch(Reply::isPositive)) {
            reset();
            return perRecipient(mail, recipients, mail.isPositive() ? rcptReplies : List.of(), List.of(), mail);
        }
        out.write(("BDAT " + size + " LAST\r\n").getBytes(StandardCharsets.US_ASCII));
        record("BDAT " + size + " LAST");
        record(DATA_PLACEHOLDER);
        wire.deadline(timeouts.dataBlock());
        long copied = message.transferTo(out);
        if (copied != size) {
            throw new IOException("message was " + copied + " octets, not the " + size + " announced");
        }
        out.flush();
        if (protocol == Protocol.LMTP) {
            // One reply per accepted recipient after BDAT LAST, as after DATA (RFC 2033 4.2, RFC 3030 4.1).
            List<Reply> finals = new ArrayList<>();
            for (long i = rcptReplies.stream().filter(Reply::isPositive).count(); i > 0; i--) {
                finals.add(read(timeouts.dataTermination()));
            }
            return perRecipient(mail, recipients, rcptReplies, finals, null);
        }
        Reply last = read(timeouts.dataTermination());
        return perRecipient(mail, recipients, rcptReplies, List.of(), last);
    }

    private String mailParameters(MailParameters p) {
        MailParameters offered = new MailParameters(
                capabilities.supports("SIZE") ? p.size() : java.util.OptionalLong.empty(),
                capabilities.supports("8BITMIME") || p.body() == dev.posthorn.smtp.BodyType.BINARY_MIME ? p.body() : null,
                p.smtpUtf8() && capabilities.supports("SMTPUTF8"),
                capabilities.supports("DSN") ? p.ret() : null,
                capabilities.supports("DSN") ? p.envelopeId() : null,
                capabilities.supports("AUTH") ? p.auth() : null,
                p.requireTls());
        return offered.toWire();
    }

    /** Joins RCPT replies with the final replies: LMTP's one per accepted recipient, or SMTP's single one. */
    private TransactionResult perRecipient(Reply mail, List<Recipient> recipients, List<Reply> rcptReplies,
                                           List<Reply> lmtpFinals, Reply common) {
        List<TransactionResult.RecipientResult> results = new ArrayList<>();
        int next = 0;
        for (int i = 0; i < recipients.size(); i++) {
            Reply rcpt = i < rcptReplies.size() ? rcptReplies.get(i) : common;
            Reply outcome;
            if (!rcpt.isPositive()) {
                outcome = rcpt;
            } else if (!lmtpFinals.isEmpty()) {
                outcome = lmtpFinals.get(next++);
            } else {
                outcome = common != null ? common : rcpt;
            }
            results.add(new TransactionResult.RecipientResult(recipients.get(i), outcome));
        }
        return new TransactionResult(mail, results);
    }

    private List<Reply> pipelined(List<String> commands) throws IOException {
        for (String command : commands) {
            out.write((command + "\r\n").getBytes(StandardCharsets.UTF_8));
            record(command);
        }
        out.flush();
        List<Reply> replies = new ArrayList<>();
        for (int i = 0; i < commands.size(); i++) {
            replies.add(read(i == commands.size() - 1 ? timeouts.dataInit() : timeouts.rcpt()));
        }
        return replies;
    }

    private List<Reply> stepwise(List<String> commands) throws IOException {
        List<Reply> replies = new ArrayList<>();
        Reply mail = command(commands.getFirst(), timeouts.mail());
        replies.add(mail);
        if (!mail.isPositive()) {
            return replies;
        }
        boolean any = false;
        for (String command : commands.subList(1, commands.size())) {
            if (command.equals("DATA")) {
                if (any) {
                    replies.add(command("DATA", timeouts.dataInit()));
                }
            } else {
                Reply reply = command(command, timeouts.rcpt());
                any |= reply.isPositive();
                replies.add(reply);
            }
        }
        return replies;
    }

    /** Sends the message, or (when every recipient was refused after a pipelined DATA got 354) an empty one. */
    private void writeMessage(InputStream message, boolean empty) throws IOException {
        wire.deadline(timeouts.dataBlock());
        record(DATA_PLACEHOLDER);
        DotStuffingOutputStream data = new DotStuffingOutputStream(out);
        if (!empty) {
            message.transferTo(data);
        }
        data.finish();
        out.flush();
    }

    /** RSET (RFC 5321 4.1.1.5), e.g. before the next transaction after a failed one. */
    public Reply reset() throws IOException {
        return command("RSET", timeouts.mail());
    }

    /** QUIT, ignoring how the server answers: the transactions are already decided. */
    public void quit() throws IOException {
        try {
            command("QUIT", Duration.ofSeconds(10));
        } catch (IOException e) {
            // the server may close first
        }
    }

    private Reply command(String line, Duration timeout) throws IOException {
        return command(line, line, timeout);
    }

    /** Sends {@code line}; the transcript gets {@code shown} (the line with any credentials replaced). */
    private Reply command(String line, String shown, Duration timeout) throws IOException {
        out.write((line + "\r\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
        record(shown);
        return read(timeout);
    }

    private void record(String shown) {
        if (transcript != null) {
            transcript.sent(shown);
        }
    }

    private Reply read(Duration timeout) throws IOException {
        wire.deadline(timeout);
        Reply reply = ReplyParser.read(in);
        if (transcript != null) {
            transcript.received(reply);
        }
        return reply;
    }

    @Override
    public void close() throws IOException {
        wire.close();
    }
}
