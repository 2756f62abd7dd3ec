package dev.posthorn.smtp.server;

import dev.posthorn.smtp.AddressLiteral;
import dev.posthorn.smtp.Command;
import dev.posthorn.smtp.CommandParser;
import dev.posthorn.smtp.CommandSyntaxException;
import dev.posthorn.smtp.LogText;
import dev.posthorn.smtp.Replies;
import dev.posthorn.smtp.Reply;
import dev.posthorn.smtp.io.ChunkInputStream;
import dev.posthorn.smtp.io.DotUnstuffingInputStream;
import dev.posthorn.smtp.io.LineReader;
import java.io.BufferedOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection: the socket, its TLS upgrade, deadlines, and the loop that reads commands, asks the
 * {@link Session} what to do and does it. Runs on its own virtual thread. Replies go out through its
 * {@link ReplyOutput} (buffered per pipelined group, shared with the server's graceful shutdown).
 */
final class Connection implements Runnable {

    private static final Logger log = LoggerFactory.getLogger(Connection.class);
    private static final int INPUT_BUFFER = 4096;
    private static final int OUTPUT_BUFFER = 1024;

    private final Acceptor server;
    private final StressGauge gauge;
    private final ServerSettings settings;
    private final String id;
    private final InetSocketAddress remote;
    private final boolean trusted;
    private final ServerEvents events;
    private final ReplyOutput output;
    private final ChaosFaults faults;
    private volatile Socket socket;
    /** The TCP socket, under TLS when there is TLS: what the deadline watch shuts or closes. */
    private final Socket plain;
    private volatile TimedInput timed;
    private LineReader in;
    private Session session;
    private LineReader.Line pending;
    private boolean tarpitted;
    private volatile Thread thread;
    /** How the session ended: the first cause seen wins (a refused client's QUIT stays a refusal). */
    private volatile ServerEvents.SessionEnd end;

    /**
     * @param remote  the client: the TCP peer, or the one a PROXY header named
     * @param trusted whether the client is one of the trusted clients, decided once at the accept
     */
    Connection(Acceptor server, StressGauge gauge, ServerSettings settings, Socket socket, InetSocketAddress remote,
               String id, boolean trusted) {
        this.server = server;
        this.gauge = gauge;
        this.trusted = trusted;
        this.settings = settings;
        this.socket = socket;
        this.plain = socket;
        this.id = id;
        this.remote = remote;
        this.events = settings.events();
        this.output = new ReplyOutput(id);
        this.faults = new ChaosFaults(settings.chaos());
    }

    String id() {
        return id;
    }

    /**
     * The client's address: the TCP peer's, or the one its proxy's PROXY header named (it stays readable after the
     * socket is closed).
     */
    InetSocketAddress remote() {
        return remote;
    }

    /** The settings the connection was accepted with (a reconfigured server keeps them for it). */
    ServerSettings settings() {
        return settings;
    }

    @Override
    public void run() {
        thread = Thread.currentThread();
        try {
            if (settings.implicitTls()) {
                upgrade();
            } else {
                open();
            }
            SessionInfo info = new SessionInfo(id, remote,
                    (InetSocketAddress) socket.getLocalSocketAddress(), null, false, tlsInfo(), null, trusted);
            session = new Session(settings, info,
                    Objects.requireNonNull(settings.handlers().newSession(info), "the factory made no handler"));
            if (greet()) {
                loop();
            }
        } catch (SocketTimeoutException e) {
            log.debug("{}: timeout", id);
            gauge.timedOut();
            ended(ServerEvents.SessionEnd.TIMEOUT);
            tryClose(Replies.TIMEOUT);
        } catch (LineReader.LineTooLongException e) {
            log.debug("{}: endless line", id);
            ended(ServerEvents.SessionEnd.PROTOCOL_VIOLATION);
            tryClose(Replies.LINE_TOO_LONG);
        } catch (SSLException e) {
            log.debug("{}: TLS failed: {}", id, LogText.escape(e));
            ended(ServerEvents.SessionEnd.TLS_FAILURE);
        } catch (IOException e) {
            log.debug("{}: connection ended: {}", id, LogText.escape(e));
        } catch (RuntimeException e) {
            log.error("{}: internal error", id, e);
            ended(ServerEvents.SessionEnd.ERROR);
            tryClose(Replies.INTERNAL_ERROR);
        } finally {
            closeSocket();
            if (session != null) {
                session.close();
            }
            events.sessionEnded(remote, end != null ? end : ServerEvents.SessionEnd.DROPPED);
            server.closed(this);
        }
    }

    private boolean greet() throws IOException {
        Chaos.Fault fault = faults.draw(Chaos.Stage.CONNECT);
        if (fault instanceof Chaos.Fault.Delay delay) {
            pause(delay.delay());
        } else if (fault instanceof Chaos.Fault.Respond respond) {
            log.info("{}: chaos at greeting: {}", id, LogText.escape(respond.reply()));
            // As a connection policy's refusal (RFC 5321 3.1): 554 and then only QUIT, or 421 and close.
            return refuseGreeting(respond.reply().isPermanentFailure() ? Decision.reject(respond.reply())
                    : Decision.defer(respond.reply()), false);
        } else if (fault != null) {
            return perform(ChaosFaults.instead(fault, null));
        }
        Decision decision = connectDecision();
        if (!(decision instanceof Decision.Accept) && !(decision instanceof Decision.Pass)) {
            return refuseGreeting(decision, true);
        }
        if (talkedEarly()) {
            refused(ServerEvents.Refusal.EARLY_TALKER, Replies.EARLY_TALKER);
            return closeWith(Replies.EARLY_TALKER);
        }
        output.write(Replies.greeting(settings.hostname()));
        return true;
    }

    /**
     * The greeting refuses the client; {@code told} whether the embedder's events hear of it as a policy refusal
     * (chaos is no refusal of the client's, so the events only see the session end).
     */
    private boolean refuseGreeting(Decision decision, boolean told) throws IOException {
        Reply reply = Session.replyOf(decision);
        if (told) {
            refused(ServerEvents.Refusal.POLICY, reply);
        } else {
            ended(ServerEvents.SessionEnd.REFUSED);
        }
        if (decision instanceof Decision.Reject) {
            // RFC 5321 3.1: a 554 greeting, then the session waits for QUIT (and refuses all else).
            log.info("{}: refused at greeting: {}", id, LogText.escape(reply));
            session.refuseService(reply);
            output.write(reply);
            return true;
        }
        return closeWith(reply);
    }

    private void refused(ServerEvents.Refusal refusal, Reply reply) {
        ended(ServerEvents.SessionEnd.REFUSED);
        events.connectionRefused(remote, refusal, reply);
    }

    private void ended(ServerEvents.SessionEnd cause) {
        if (end == null) {
            end = cause;
        }
    }

    private Decision connectDecision() {
        try {
            Decision decision = session.handler().connect(session.info());
            return decision == null ? Decision.disconnect(Replies.INTERNAL_ERROR) : decision;
        } catch (RuntimeException e) {
            log.warn("{}: connect policy failed", id, e);
            return Decision.disconnect(Replies.INTERNAL_ERROR);
        }
    }

    /** RFC 5321 4.3.1: the client waits for the greeting; one that talks first is not a real MTA. */
    private boolean talkedEarly() throws IOException {
        if (settings.greetingDelay().isZero()) {
            return in.available() > 0;
        }
        timed.deadline(settings.greetingDelay());
        try {
            in.read(); // any byte, or the end of the stream, before the greeting
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        }
    }

    private void loop() throws IOException {
        while (true) {
            LineReader.Line line = pending != null ? pending : readCommandLine();
            pending = null;
            if (line == null) {
                return;
            }
            if (!perform(interpret(line))) {
                return;
            }
        }
    }

    private Action interpret(LineReader.Line line) throws IOException {
        if (line.tooLong()) {
            return session.respond(Replies.LINE_TOO_LONG);
        }
        if (line.bareLf()) {
            return session.respond(Replies.BARE_LF);
        }
        Command command;
        try {
            command = CommandParser.parse(line.content(), session.utf8Recipients());
        } catch (CommandSyntaxException e) {
            return session.respond(e.reply());
        }
        Chaos.Fault fault = session.refused() ? null : faults.draw(ChaosFaults.stageOf(command));
        if (fault instanceof Chaos.Fault.Delay delay) {
            pause(delay.delay());
        } else if (fault != null) {
            log.debug("{}: chaos: {}", id, fault);
            return ChaosFaults.instead(fault, command);
        }
        return session.handle(command);
    }

    /** Does what the session asked; {@code false} when the connection is to end. */
    private boolean perform(Action action) throws IOException {
        return switch (action) {
            case Action.Respond respond -> {
                tarpit(respond.delay());
                output.write(respond.reply());
                yield true;
            }
            case Action.Close close -> {
                ended(close.reply().equals(Replies.CLOSING) ? ServerEvents.SessionEnd.QUIT
                        : close.reply().equals(Replies.TOO_MANY_ERRORS) ? ServerEvents.SessionEnd.TOO_MANY_ERRORS
                        : ServerEvents.SessionEnd.DISCONNECTED);
                yield closeWith(close.reply());
            }
            case Action.ReceiveData data -> receiveData();
            case Action.ReceiveChunks chunks -> receiveChunks(chunks.first());
            case Action.SkipChunk skip -> {
                timed.data(settings.dataTimeout());
                new ChunkInputStream(in, skip.bdat().size()).skipRest();
                yield perform(session.respond(skip.reply()));
            }
            case Action.StartTls startTls -> startTls();
            case Action.HangUp hangUp -> hangUp(hangUp);
            case Action.Authenticate auth -> perform(session.respond(
                    AuthExchange.run(auth.auth(), session, settings.authenticator(), events, this::challenge)));
        };
    }

    /**
     * Waits before a reply to a client that keeps failing. A virtual thread sleeping costs no platform thread; the
     * replies already buffered go out first, so the client sees each one as soon as it is due.
     */
    private void tarpit(Duration delay) throws IOException {
        if (delay.isZero()) {
            return;
        }
        if (!tarpitted) {
            tarpitted = true;
            log.info("{}: tarpit: {} keeps failing, replies now wait (first {} ms)", id,
                    AddressLiteral.format(remote.getAddress()), delay.toMillis());
        }
        pause(delay);
    }

    /**
     * Closes without a reply (chaos); first, for a stall, reads and drops the client's bytes until it closes or the
     * stall's time is up. The replies already due go out first: only the command that drew the fault goes unanswered.
     */
    private boolean hangUp(Action.HangUp hangUp) throws IOException {
        output.flush();
        ended(ServerEvents.SessionEnd.DISCONNECTED);
        if (hangUp.silence().isZero()) {
            return false;
        }
        timed.deadline(hangUp.silence());
        byte[] scratch = new byte[INPUT_BUFFER];
        try {
            while (in.read(scratch, 0, scratch.length) >= 0) {
                // said nothing back
            }
        } catch (SocketTimeoutException e) {
            log.debug("{}: chaos stall over", id);
        }
        return false;
    }

    /** Waits {@code delay} on this virtual thread, after sending the replies already due. */
    private void pause(Duration delay) throws IOException {
        if (delay.isZero()) {
            return;
        }
        output.flush();
        try {
            Thread.sleep(delay);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // aborted: the socket is closed, the next write fails
            throw new InterruptedIOException("interrupted in the tarpit");
        }
    }

    private boolean receiveData() throws IOException {
        output.write(Replies.START_MAIL_INPUT);
        output.flush();
        timed.data(settings.dataTimeout());
        return deliver(new DotUnstuffingInputStream(in));
    }

    private boolean receiveChunks(Command.Bdat first) throws IOException {
        timed.data(settings.dataTimeout());
        try {
            return deliver(new ChunkedBody(in, first, this::nextChunk));
        } catch (ChunkedBody.InterruptedTransactionException e) {
            return true; // the command that interrupted is pending and runs next
        }
    }

    private boolean deliver(InputStream body) throws IOException {
        Transaction transaction = session.transaction();
        Envelope envelope = new Envelope(transaction.id(), transaction.sender(), transaction.parameters(),
                transaction.recipients(), session.info(), Instant.now());
        byte[] header = Received.header(settings.hostname(), session.info(), transaction.id(),
                envelope.recipients(), transaction.parameters().smtpUtf8(), envelope.receivedAt());
        Chaos.Fault fault = faults.draw(Chaos.Stage.END_OF_DATA);
        try {
            Action result = Handover.deliver(ChaosFaults.sink(fault, session.handler()::data), envelope, header, body,
                    settings.maxMessageSize(), events, ChaosFaults.hangsUp(fault));
            if (result instanceof Action.Respond respond && respond.reply().isPositive()) {
                session.messageAccepted();
            }
            if (fault instanceof Chaos.Fault.Delay delay) {
                pause(delay.delay());
            } else if (result instanceof Action.Respond && ChaosFaults.hangsUp(fault)) {
                return perform(ChaosFaults.instead(fault, null));
            }
            return perform(result instanceof Action.Respond respond ? session.respond(respond.reply()) : result);
        } finally {
            session.endTransaction();
        }
    }

    /** Acknowledges a used-up chunk and reads the next command: a BDAT continues the message. */
    private Command.Bdat nextChunk(long octets) throws IOException {
        output.write(Replies.chunkReceived(octets));
        while (true) {
            LineReader.Line line = readCommandLine();
            if (line == null) {
                throw new EOFException("connection closed between BDAT chunks");
            }
            if (!line.tooLong() && !line.bareLf()) {
                try {
                    Command command = CommandParser.parse(line.content(), session.utf8Recipients());
                    if (command instanceof Command.Bdat bdat) {
                        timed.resumeData();
                        return bdat;
                    }
                    if (command instanceof Command.Noop) {
                        output.write(Replies.OK);
                        continue;
                    }
                } catch (CommandSyntaxException e) {
                    // handled as the pending line below
                }
            }
            pending = line;
            return null;
        }
    }

    /** RFC 3207 4, 5: nothing may follow STARTTLS in the same plaintext; the session starts over after TLS. */
    private boolean startTls() throws IOException {
        if (in.available() > 0) {
            log.info("{}: plaintext pipelined after STARTTLS, closing", id);
            ended(ServerEvents.SessionEnd.PROTOCOL_VIOLATION);
            return closeWith(Replies.PLAINTEXT_INJECTION);
        }
        output.write(Replies.READY_TO_START_TLS);
        output.flush();
        upgrade();
        session.tlsStarted(tlsInfo());
        return true;
    }

    private void upgrade() throws IOException {
        SSLSocket tls = settings.tls().wrap(socket);
        Duration handshake = settings.tlsHandshakeTimeout();
        if (gauge.since() != StressGauge.CALM && settings.stress().commandTimeout().compareTo(handshake) < 0) {
            handshake = settings.stress().commandTimeout(); // Postfix: smtpd_starttls_timeout = ${stress?10}{300}
        }
        tls.setSoTimeout((int) Math.min(Integer.MAX_VALUE, handshake.toMillis()));
        socket = tls;
        ServerTls.handshake(tls);
        open();
        events.tlsEstablished(remote, tlsInfo());
    }

    /** Fresh streams on the current socket: nothing buffered before a TLS upgrade survives it. */
    private void open() throws IOException {
        timed = new TimedInput(socket, plain, settings, gauge);
        in = new LineReader(timed, INPUT_BUFFER);
        output.use(new BufferedOutputStream(socket.getOutputStream(), OUTPUT_BUFFER));
    }

    private SessionInfo.TlsInfo tlsInfo() {
        if (socket instanceof SSLSocket tls) {
            return new SessionInfo.TlsInfo(tls.getSession().getProtocol(), tls.getSession().getCipherSuite());
        }
        return null;
    }

    private String challenge(String base64) throws IOException {
        output.write(Replies.authChallenge(base64));
        output.flush();
        timed.deadline(settings.commandTimeout());
        LineReader.Line line = in.readLine(ServerSettings.MAX_AUTH_LINE);
        if (line == null) {
            throw new EOFException("connection closed during AUTH");
        }
        return line.tooLong() ? null : new String(line.content(), StandardCharsets.US_ASCII);
    }

    private LineReader.Line readCommandLine() throws IOException {
        if (!output.awaitCommand(in.hasLine())) {
            ended(ServerEvents.SessionEnd.SHUTDOWN);
            output.writeNow(Replies.SHUTTING_DOWN);
            return null;
        }
        timed.deadline(settings.commandTimeout());
        LineReader.Line line = in.readLine(ServerSettings.MAX_COMMAND_LINE);
        output.commandRead();
        return line;
    }

    private boolean closeWith(Reply reply) throws IOException {
        output.write(reply);
        output.flush();
        return false;
    }

    private void tryClose(Reply reply) {
        output.tryClose(reply, socket);
    }

    /**
     * Called by the server's deadline watch: ends a read blocked past its deadline (the session then times out with
     * {@code 421 4.4.2}) and a reply the client has not taken within the command timeout (the connection is closed,
     * since a reply cannot reach it). Never blocks.
     */
    void enforceDeadlines(long now) {
        TimedInput input = timed;
        if (input != null && input.overdue(now)) {
            log.debug("{}: deadline passed while blocked in a read", id);
            input.expire();
            return;
        }
        long writing = output.writingSince();
        if (writing != ReplyOutput.NOT_WRITING && now - gauge.end(writing,
                TimedInput.nanos(settings.commandTimeout()), TimedInput.nanos(settings.stress().commandTimeout()), 0)
                > 0) {
            log.debug("{}: the client takes no replies, closing", id);
            gauge.timedOut();
            ended(ServerEvents.SessionEnd.TIMEOUT);
            try {
                plain.close(); // not the TLS socket: its close would send an alert, and wait behind the stuck write
            } catch (IOException e) {
                log.trace("{}: close failed", id, e);
            }
        }
    }

    /** Graceful shutdown: an idle session is told {@code 421} now; a busy one when it next waits for a command. */
    void shutdown() {
        output.shutdown(() -> {
            ended(ServerEvents.SessionEnd.SHUTDOWN);
            tryClose(Replies.SHUTTING_DOWN);
            closeSocket();
        });
    }

    /** Ends the connection now (shutdown deadline passed); a session waiting in the tarpit wakes up. */
    void abort() {
        closeSocket();
        Thread running = thread;
        if (running != null) {
            running.interrupt();
        }
    }

    private void closeSocket() {
        try {
            socket.close();
        } catch (IOException e) {
            log.trace("{}: close failed", id, e);
        }
    }
}
