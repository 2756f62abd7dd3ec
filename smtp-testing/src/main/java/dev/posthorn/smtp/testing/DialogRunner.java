package dev.posthorn.smtp.testing;

import dev.posthorn.smtp.Reply;
import dev.posthorn.smtp.ReplyParser;
import dev.posthorn.smtp.io.LineReader;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Plays a {@link Dialog} against a server over a real TCP connection, as a remote client would, and stops at the
 * first step that does not hold. Replies are read with smtp-core's {@link ReplyParser}, the same parser Posthorn's
 * client uses, so the cases check what a real peer would understand.
 *
 * <p>Immutable and thread-safe: every {@link #run} opens its own connection, so cases may run in parallel.
 */
public final class DialogRunner {

    /** How long one reply may take (the conformance README's read deadline). */
    public static final Duration READ_DEADLINE = Duration.ofSeconds(5);
    /** How long the server must stay silent for {@code S: NOTHING}. */
    public static final Duration QUIET_PERIOD = Duration.ofSeconds(1);

    private final Duration readDeadline;
    private final Duration quietPeriod;

    /** A runner with the deadlines of the conformance README. */
    public DialogRunner() {
        this(READ_DEADLINE, QUIET_PERIOD);
    }

    /** A runner with other deadlines: shorter ones let tests of failures run fast, longer ones suit slow machines. */
    public DialogRunner(Duration readDeadline, Duration quietPeriod) {
        this.readDeadline = positive(readDeadline, "readDeadline");
        this.quietPeriod = positive(quietPeriod, "quietPeriod");
    }

    /**
     * Connects to {@code address} and plays every step. Never throws for a failed expectation, a broken connection
     * or a refused connection: each becomes a failed {@link DialogResult}.
     */
    public DialogResult run(Dialog dialog, InetSocketAddress address) {
        return new Session(Objects.requireNonNull(dialog, "dialog"), Objects.requireNonNull(address, "address"))
                .run();
    }

    private static Duration positive(Duration duration, String what) {
        if (duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException(what + " must be positive: " + duration);
        }
        return duration;
    }

    private static int millis(Duration duration) {
        return Math.clamp(duration.toMillis(), 1, Integer.MAX_VALUE);
    }

    private static String show(Duration duration) {
        long ms = duration.toMillis();
        return ms % 1000 == 0 ? ms / 1000 + " s" : ms + " ms";
    }

    private static String describe(IOException e) {
        return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    }

    /** One connection's state; lives only for one run. */
    private final class Session {

        private final Dialog dialog;
        private final InetSocketAddress address;
        private final Transcript transcript = new Transcript();
        private Socket socket;
        private OutputStream out;
        private RecordingInputStream recorder;
        private LineReader reader;

        Session(Dialog dialog, InetSocketAddress address) {
            this.dialog = dialog;
            this.address = address;
        }

        DialogResult run() {
            try {
                socket = new Socket();
                socket.connect(address, millis(readDeadline));
                attach(socket);
                transcript.note("connected to " + address);
            } catch (IOException e) {
                closeQuietly();
                return DialogResult.fail(dialog.name(), -1, 0, "could not connect to " + address + ": "
                        + describe(e), transcript.lines());
            }
            try {
                List<Step> steps = dialog.steps();
                for (int i = 0; i < steps.size(); i++) {
                    Step step = steps.get(i);
                    Optional<String> failure = play(step);
                    if (failure.isPresent()) {
                        keepReceived(0);
                        return DialogResult.fail(dialog.name(), i, step.line(), "line " + step.line() + " ("
                                + step.describe() + "): " + failure.get(), transcript.lines());
                    }
                }
                return DialogResult.pass(dialog.name(), transcript.lines());
            } finally {
                closeQuietly();
            }
        }

        private Optional<String> play(Step step) {
            return switch (step) {
                case Step.Send send -> send(send);
                case Step.Expect expect -> expect(expect);
                case Step.ExpectClose close -> expectClose();
                case Step.ExpectNothing nothing -> expectNothing();
                case Step.StartTls tls -> startTls();
            };
        }

        private Optional<String> send(Step.Send send) {
            byte[] wire = send.wire();
            transcript.sent(wire);
            try {
                out.write(wire);
                out.flush();
                return Optional.empty();
            } catch (IOException e) {
                return Optional.of("could not send: " + describe(e));
            }
        }

        private Optional<String> expect(Step.Expect expect) {
            for (int i = 1; i <= expect.times(); i++) {
                String which = expect.times() == 1 ? "" : "reply " + i + " of " + expect.times() + ": ";
                Reply reply;
                try {
                    socket.setSoTimeout(millis(readDeadline));
                    reply = ReplyParser.read(reader);
                } catch (SocketTimeoutException e) {
                    return Optional.of(which + "no complete reply within " + show(readDeadline));
                } catch (EOFException e) {
                    return Optional.of(which + "the server closed the connection instead of replying");
                } catch (ReplyParser.MalformedReplyException e) {
                    return Optional.of(which + "malformed reply: " + e.getMessage());
                } catch (IOException e) {
                    return Optional.of(which + "reading the reply failed: " + describe(e));
                } finally {
                    keepReceived(reader.buffered());
                }
                Optional<String> mismatch = expect.check(reply);
                if (mismatch.isPresent()) {
                    return Optional.of(which + mismatch.get());
                }
            }
            return Optional.empty();
        }

        /** EOF or a reset within the deadline, after at most one complete reply (which is not checked). */
        private Optional<String> expectClose() {
            long deadline = System.nanoTime() + readDeadline.toNanos();
            Reply last = null;
            while (true) {
                long left = deadline - System.nanoTime();
                try {
                    if (left <= 0) {
                        throw new SocketTimeoutException();
                    }
                    socket.setSoTimeout(millis(Duration.ofNanos(left)));
                    Reply reply = ReplyParser.read(reader);
                    keepReceived(reader.buffered());
                    if (last != null) {
                        return Optional.of("expected the connection to close, but after " + last
                                + " the server sent another reply: " + reply);
                    }
                    last = reply;
                } catch (SocketTimeoutException e) {
                    return Optional.of("the connection was still open after " + show(readDeadline)
                            + (last == null ? "" : " (the last reply was " + last + ")"));
                } catch (EOFException e) {
                    boolean clean = recorder.pending() == 0;
                    keepReceived(0);
                    if (!clean) {
                        return Optional.of("the server closed the connection in the middle of a reply");
                    }
                    transcript.note("connection closed by the server");
                    return Optional.empty();
                } catch (SocketException | SSLException e) {
                    keepReceived(0);
                    transcript.note("connection reset or aborted by the server: " + describe(e));
                    return Optional.empty();
                } catch (ReplyParser.MalformedReplyException e) {
                    keepReceived(0);
                    return Optional.of("malformed reply before the close: " + e.getMessage());
                } catch (IOException e) {
                    keepReceived(0);
                    return Optional.of("reading failed: " + describe(e));
                }
            }
        }

        /** No byte at all for the quiet period; bytes already read ahead count as an answer too. */
        private Optional<String> expectNothing() {
            try {
                if (reader.buffered() == 0) {
                    socket.setSoTimeout(millis(quietPeriod));
                    int first = reader.read();
                    if (first < 0) {
                        keepReceived(0);
                        return Optional.of("expected silence, but the server closed the connection");
                    }
                }
                byte[] got = recorder.take(0);
                transcript.received(got);
                return Optional.of("expected no data for " + show(quietPeriod) + ", but the server sent \""
                        + Escapes.encode(got) + "\"");
            } catch (SocketTimeoutException e) {
                transcript.note("no data for " + show(quietPeriod));
                return Optional.empty();
            } catch (IOException e) {
                keepReceived(0);
                return Optional.of("expected silence, but reading failed: " + describe(e));
            }
        }

        /**
         * Wraps the connection in TLS. Bytes the server sent after its 220 and before the handshake are refused: a
         * client that kept them would be open to the reply-injection twin of CVE-2011-0411.
         */
        private Optional<String> startTls() {
            if (reader.buffered() > 0) {
                byte[] early = recorder.take(0);
                transcript.received(early);
                return Optional.of("the server sent \"" + Escapes.encode(early)
                        + "\" before the TLS handshake; nothing may follow its 220");
            }
            try {
                SSLContext context = SSLContext.getInstance("TLS");
                context.init(null, new TrustManager[] {new TrustEverything()}, null);
                SSLSocket tls = (SSLSocket) context.getSocketFactory()
                        .createSocket(socket, address.getHostString(), address.getPort(), true);
                tls.setUseClientMode(true);
                tls.setSoTimeout(millis(readDeadline));
                socket = tls;
                tls.startHandshake();
                attach(tls);
                transcript.note("TLS handshake done: " + tls.getSession().getProtocol() + " "
                        + tls.getSession().getCipherSuite());
                return Optional.empty();
            } catch (GeneralSecurityException e) {
                return Optional.of("TLS is not available in this JVM: " + e.getMessage());
            } catch (IOException e) {
                return Optional.of("TLS handshake failed: " + describe(e));
            }
        }

        /** Fresh streams: after a TLS handshake nothing read or buffered on the plain connection may carry over. */
        private void attach(Socket connected) throws IOException {
            out = connected.getOutputStream();
            recorder = new RecordingInputStream(connected.getInputStream());
            reader = new LineReader(recorder);
        }

        /** Moves the bytes consumed so far (all but {@code unconsumed} still buffered ones) into the transcript. */
        private void keepReceived(int unconsumed) {
            if (recorder != null) {
                transcript.received(recorder.take(unconsumed));
            }
        }

        private void closeQuietly() {
            if (socket != null) {
                try {
                    socket.close();
                } catch (IOException e) {
                    transcript.note("closing the connection failed: " + describe(e));
                }
            }
        }
    }

    /**
     * Accepts every certificate and skips hostname checks: the runner tests the SMTP dialogue, and servers under test
     * use self-signed certificates for {@code mx.posthorn.test} while being reached at a loopback address.
     */
    private static final class TrustEverything extends X509ExtendedTrustManager {

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
