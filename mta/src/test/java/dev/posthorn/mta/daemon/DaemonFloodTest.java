package dev.posthorn.mta.daemon;

import static dev.posthorn.mta.daemon.DaemonMetricsTest.parse;
import static dev.posthorn.mta.daemon.DaemonMetricsTest.sum;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.posthorn.mta.config.Admin;
import dev.posthorn.mta.config.Config;
import dev.posthorn.mta.config.Limits;
import dev.posthorn.smtp.server.Stress;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * limits.stress from the configuration to the listener: silent clients from 127.0.1.1-4 (five each, the per-address
 * limit) take all twenty connections; one from 127.0.2.1 still gets its message queued within seconds, and the
 * listener's stress shows in /metrics while it lasts.
 */
class DaemonFloodTest {

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private double metric(Daemon daemon, String name) throws Exception {
        InetSocketAddress admin = daemon.adminAddress().orElseThrow();
        String body = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + admin.getPort() + "/metrics"))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()).body();
        return sum(parse(body), name, "role", "mx");
    }

    private static Socket connect(InetAddress from, int port) throws IOException {
        Socket socket = new Socket();
        socket.bind(new InetSocketAddress(from, 0));
        socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5000);
        socket.setSoTimeout(10_000);
        return socket;
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder text = new StringBuilder();
        for (int c = in.read(); c >= 0 && c != '\n'; c = in.read()) {
            text.append((char) c);
        }
        return text.toString().strip();
    }

    /** One reply's last line (multi-line replies skipped to their end). */
    private static String reply(InputStream in) throws IOException {
        String line = line(in);
        while (line.length() > 3 && line.charAt(3) == '-') {
            line = line(in);
        }
        return line;
    }

    @Test
    void aClientIsServedWhileSilentClientsHoldEveryConnection() throws Exception {
        Config base = TestConfigs.conformance(dir);
        Limits limits = new Limits(1_000_000, 100, 20, 5, 1)
                .withStress(new Stress(50, Duration.ofSeconds(1), Duration.ofSeconds(1)));
        Config config = base.withTrust(List.of(), limits).withOperation(new Admin(Optional.of(
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)), Optional.empty()), base.log());
        List<Socket> silent = new ArrayList<>();
        try (Daemon daemon = Daemon.start(config)) {
            int port = daemon.addresses().getFirst().getPort();
            for (int i = 0; i < 20; i++) {
                Socket socket = connect(InetAddress.getByAddress(new byte[] {127, 0, 1, (byte) (1 + i % 4)}), port);
                silent.add(socket);
                assertThat(line(socket.getInputStream())).startsWith("220 ");
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> metric(daemon, "posthorn_smtp_stress") == 1);

            long start = System.nanoTime();
            try (Socket client = connect(InetAddress.getByAddress(new byte[] {127, 0, 2, 1}), port)) {
                InputStream in = client.getInputStream();
                OutputStream out = client.getOutputStream();
                assertThat(reply(in)).startsWith("220 ");
                for (String command : List.of("EHLO client.test", "MAIL FROM:<a@client.test>",
                        "RCPT TO:<alice@posthorn.test>", "DATA")) {
                    out.write((command + "\r\n").getBytes(StandardCharsets.US_ASCII));
                    assertThat(reply(in)).matches(command.equals("DATA") ? "354 .*" : "250 .*");
                }
                out.write("Subject: flood\r\n\r\nthrough\r\n.\r\n".getBytes(StandardCharsets.US_ASCII));
                assertThat(reply(in)).startsWith("250 2.0.0");
            }
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
            for (Socket socket : silent) {
                assertThat(reply(socket.getInputStream())).startsWith("421 4.4.2");
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> metric(daemon, "posthorn_smtp_stress") == 0);
            assertThat(metric(daemon, "posthorn_smtp_stress_episodes_total")).isEqualTo(1);
        } finally {
            for (Socket socket : silent) {
                socket.close();
            }
        }
    }
}
