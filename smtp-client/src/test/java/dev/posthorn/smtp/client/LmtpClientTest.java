package dev.posthorn.smtp.client;

import static dev.posthorn.smtp.client.SmtpClientTest.message;
import static dev.posthorn.smtp.client.SmtpClientTest.to;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.posthorn.smtp.MailParameters;
import dev.posthorn.smtp.ReversePath;
import dev.posthorn.smtp.io.LineReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** LMTP (RFC 2033): one reply per recipient after the data, over TCP and a unix socket. */
class LmtpClientTest {

    private final List<String> heard = new CopyOnWriteArrayList<>();

    /** A tiny LMTP server: accepts every RCPT except "nobody", then answers each with the scripted reply. */
    private void serve(InputStream rawIn, OutputStream out, List<String> finals) throws IOException {
        LineReader in = new LineReader(rawIn);
        out.write("220 lmtp.test LMTP ready\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        int accepted = 0;
        while (true) {
            LineReader.Line line = in.readLine(2048);
            if (line == null) {
                return;
            }
            String text = new String(line.content(), StandardCharsets.UTF_8);
            heard.add(text);
            String verb = text.split(" ")[0];
            String reply = switch (verb) {
                case "LHLO" -> "250-lmtp.test\r\n250-PIPELINING\r\n250 ENHANCEDSTATUSCODES";
                case "MAIL" -> "250 2.1.0 ok";
                case "RCPT" -> {
                    if (text.contains("nobody")) {
                        yield "550 5.1.1 no such user";
                    }
                    accepted++;
                    yield "250 2.1.5 ok";
                }
                case "DATA" -> "354 go ahead";
                case "QUIT" -> "221 2.0.0 bye";
                case "SLEEP" -> null;
                default -> "500 5.5.2 what";
            };
            if (verb.equals("DATA")) {
                out.write((reply + "\r\n").getBytes(StandardCharsets.US_ASCII));
                out.flush();
                StringBuilder data = new StringBuilder();
                for (LineReader.Line l = in.readLine(2048); !new String(l.content(), StandardCharsets.UTF_8)
                        .equals("."); l = in.readLine(2048)) {
                    data.append(new String(l.content(), StandardCharsets.UTF_8)).append('\n');
                }
                heard.add("DATA:" + data);
                StringBuilder answers = new StringBuilder();
                for (int i = 0; i < accepted; i++) {
                    answers.append(finals.get(i)).append("\r\n");
                }
                out.write(answers.toString().getBytes(StandardCharsets.US_ASCII));
            } else if (reply != null) {
                out.write((reply + "\r\n").getBytes(StandardCharsets.US_ASCII));
            }
            out.flush();
            if (verb.equals("QUIT")) {
                return;
            }
        }
    }

    @Test
    void eachAcceptedRecipientGetsItsOwnFinalReplyOverTcp() throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 5, java.net.InetAddress.getLoopbackAddress())) {
            Thread.ofVirtual().start(() -> {
                try (Socket s = listener.accept()) {
                    serve(s.getInputStream(), s.getOutputStream(), List.of("250 2.0.0 saved", "452 4.2.2 full"));
                } catch (IOException e) {
                    heard.add("server error " + e);
                }
            });
            try (SmtpClient client = SmtpClient.connect(new Endpoint.Tcp("127.0.0.1", listener.getLocalPort()),
                    SmtpClient.Protocol.LMTP, "mta.test", ClientTimeouts.all(Duration.ofSeconds(5)))) {
                TransactionResult result = client.send(ReversePath.NULL, MailParameters.NONE,
                        List.of(to("alice@x.test"), to("nobody@x.test"), to("bob@x.test")), message("hi\r\n.x\r\n"));
                assertThat(result.recipients()).extracting(r -> r.reply().toString())
                        .containsExactly("250 2.0.0 saved", "550 5.1.1 no such user", "452 4.2.2 full");
                client.quit();
            }
        }
        assertThat(heard).contains("LHLO mta.test", "DATA:hi\n..x\n");
    }

    @Test
    void unixSocketsWork(@TempDir Path dir) throws Exception {
        Path socket = dir.resolve("lmtp");
        try (ServerSocketChannel listener = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            listener.bind(UnixDomainSocketAddress.of(socket));
            Thread.ofVirtual().start(() -> {
                try (SocketChannel s = listener.accept()) {
                    serve(Channels.newInputStream(s), Channels.newOutputStream(s), List.of("250 2.0.0 saved"));
                } catch (IOException e) {
                    heard.add("server error " + e);
                }
            });
            try (SmtpClient client = SmtpClient.connect(new Endpoint.Unix(socket), SmtpClient.Protocol.LMTP,
                    "mta.test", ClientTimeouts.all(Duration.ofSeconds(5)))) {
                TransactionResult result = client.send(ReversePath.NULL, MailParameters.NONE,
                        List.of(to("alice@x.test")), message("hi\r\n"));
                assertThat(result.recipients().getFirst().delivered()).isTrue();
            }
        }
    }

    @Test
    void aSilentServerHitsTheDeadlineOnAUnixSocket(@TempDir Path dir) throws Exception {
        Path socket = dir.resolve("silent");
        try (ServerSocketChannel listener = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            listener.bind(UnixDomainSocketAddress.of(socket));
            Thread.ofVirtual().start(() -> {
                try (SocketChannel s = listener.accept()) {
                    heard.add("accepted " + s.isConnected());
                    s.read(java.nio.ByteBuffer.allocate(1)); // silent until the client gives up and hangs up
                } catch (IOException e) {
                    heard.add("done");
                }
            });
            long start = System.nanoTime();
            assertThatThrownBy(() -> SmtpClient.connect(new Endpoint.Unix(socket), SmtpClient.Protocol.LMTP,
                    "mta.test", ClientTimeouts.all(Duration.ofMillis(300))))
                    .isInstanceOf(SocketTimeoutException.class);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
        }
    }
}
