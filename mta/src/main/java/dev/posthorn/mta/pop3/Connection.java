package dev.posthorn.mta.pop3;

import dev.posthorn.smtp.LogText;
import dev.posthorn.smtp.io.LineReader;
import dev.posthorn.smtp.server.ServerTls;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.time.Duration;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection, on its own virtual thread: the socket, its TLS, deadlines, and the loop that reads a
 * command line, asks the {@link Session} and does what it says. Only this class writes to the wire.
 */
final class Connection implements Runnable {

    private static final Logger log = LoggerFactory.getLogger(Connection.class);
    private static final byte[] CRLF = {'\r', '\n'};
    private static final byte[] END = {'.', '\r', '\n'};
    private static final Duration HANDSHAKE_TIMEOUT = Duration.ofMinutes(1);

    private final Pop3Server server;
    private final Pop3Server.Settings settings;
    private final String id;
    /** The TCP socket: what the watch closes (closing the TLS socket would wait behind a stuck write). */
    private final Socket plain;
    private Socket socket;
    private TimedStreams.Input input;
    private LineReader in;
    private volatile TimedStreams.Output output;
    private OutputStream out;
    private Session session;

    Connection(Pop3Server server, Pop3Server.Settings settings, Socket socket, String id) {
        this.server = server;
        this.settings = settings;
        this.plain = socket;
        this.socket = socket;
        this.id = id;
    }

    String id() {
        return id;
    }

    @Override
    public void run() {
        try {
            if (settings.tlsMode() == Pop3Server.TlsMode.IMPLICIT) {
                upgrade();
            } else {
                open();
            }
            session = server.session(id, socket instanceof SSLSocket);
            write(Response.greeting(settings.hostname()));
            loop();
        } catch (SocketTimeoutException e) {
            log.debug("{}: idle timeout", id);
            tryWrite(Response.TIMEOUT);
        } catch (LineReader.LineTooLongException e) {
            log.debug("{}: endless line", id);
            tryWrite(Response.LINE_TOO_LONG);
        } catch (SSLException e) {
            log.debug("{}: TLS failed: {}", id, LogText.escape(e));
        } catch (IOException e) {
            log.debug("{}: connection ended: {}", id, LogText.escape(e));
        } catch (RuntimeException e) {
            log.error("{}: internal error", id, e);
            tryWrite(Response.INTERNAL_ERROR);
        } finally {
            if (session != null) {
                session.close(); // no QUIT, no UPDATE (RFC 1939 6): the marked messages stay
            }
            close();
            server.closed(this);
        }
    }

    private void loop() throws IOException {
        while (true) {
            if (!in.hasLine()) {
                out.flush(); // PIPELINING (RFC 2449 6.6): a batch of commands gets its answers in one write
            }
            input.deadline(settings.idleTimeout());
            LineReader.Line line = in.readLine(Command.MAX_LINE);
            if (line == null) {
                log.debug("{}: client went away", id);
                return;
            }
            Command command = line.tooLong() ? null : Command.parse(line.content());
            if (log.isTraceEnabled()) {
                log.trace("{}: C: {}", id, LogText.escape(command));
            }
            Action action = command == null ? session.lineTooLong() : session.handle(command);
            if (!perform(action)) {
                out.flush();
                return;
            }
        }
    }

    /** Does what the session said; false when the connection is to close. */
    private boolean perform(Action action) throws IOException {
        switch (action) {
            case Action.Reply reply -> write(reply.response());
            case Action.Lines lines -> {
                write(lines.first());
                for (String line : lines.lines()) {
                    out.write(line.getBytes(StandardCharsets.UTF_8));
                    out.write(CRLF);
                }
                out.write(END);
            }
            case Action.Text text -> text(text);
            case Action.StartTls start -> {
                return startTls();
            }
            case Action.Close close -> {
                write(close.response());
                return false;
            }
        }
        return true;
    }

    private void text(Action.Text text) throws IOException {
        InputStream message;
        try {
            message = text.drop().open(text.id());
        } catch (NoSuchFileException e) {
            write(Response.MESSAGE_GONE);
            return;
        } catch (IOException e) {
            log.warn("{}: cannot read message {}: {}", id, text.id(), LogText.escape(e));
            write(Response.MESSAGE_GONE);
            return;
        }
        try (message) {
            write(text.first());
            MessageText.write(message, out, text.bodyLines());
        }
    }

    /**
     * RFC 2595 4. Octets that came after STLS before the handshake were sent in plaintext and could be anyone's
     * (the STARTTLS command injection class, CVE-2011-0411): the connection is closed rather than carry them over.
     * The TLS socket gets fresh streams; nothing read before survives.
     */
    private boolean startTls() throws IOException {
        if (in.available() > 0) {
            log.info("{}: plaintext pipelined after STLS, closing", id);
            write(Response.PLAINTEXT_AFTER_STLS);
            return false;
        }
        write(Response.BEGIN_TLS);
        out.flush();
        upgrade();
        session.tlsStarted();
        return true;
    }

    private void upgrade() throws IOException {
        SSLSocket tls = settings.tls().wrap(socket);
        // A handshake is a few round trips: a client that sends nothing holds a connection a minute at most.
        long handshake = Math.min(settings.idleTimeout().toMillis(), HANDSHAKE_TIMEOUT.toMillis());
        tls.setSoTimeout(Math.clamp(handshake, 1, Integer.MAX_VALUE));
        socket = tls;
        ServerTls.handshake(tls);
        open();
        log.debug("{}: TLS {} {}", id, tls.getSession().getProtocol(), tls.getSession().getCipherSuite());
    }

    private void open() throws IOException {
        input = new TimedStreams.Input(socket);
        in = new LineReader(input, 1024);
        output = new TimedStreams.Output(socket);
        out = new BufferedOutputStream(output, 8192);
    }

    private void write(Response response) throws IOException {
        out.write(response.toWire());
    }

    private void tryWrite(Response response) {
        try {
            if (out != null) {
                write(response);
                out.flush();
            }
        } catch (IOException e) {
            log.trace("{}: last response not delivered", id, e);
        }
    }

    /** Called by the server's watch: a client that has taken no output for the idle timeout is cut off. */
    void enforceDeadline(long now) {
        TimedStreams.Output current = output;
        if (current != null && current.overdue(now, settings.idleTimeout())) {
            log.debug("{}: the client takes no output, closing", id);
            closePlain();
        }
    }

    /** Ends the connection now (the server is closing). */
    void closePlain() {
        try {
            plain.close();
        } catch (IOException e) {
            log.trace("{}: close failed", id, e);
        }
    }

    private void close() {
        try {
            socket.close();
        } catch (IOException e) {
            log.trace("{}: close failed", id, e);
        } finally {
            closePlain();
        }
    }
}
