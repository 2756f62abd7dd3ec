package dev.posthorn.mta.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.posthorn.mta.config.Admin;
import dev.posthorn.mta.config.Config;
import dev.posthorn.mta.config.Limits;
import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.MessagingException;
import jakarta.mail.Transport;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The daemon's admin listener end to end: the metrics equal what a real client did, readiness, the token. */
class DaemonMetricsTest {

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private static Config withAdmin(Config config) {
        return config.withOperation(new Admin(Optional.of(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)),
                Optional.empty()), config.log());
    }

    private HttpResponse<String> get(Daemon daemon, String path) throws Exception {
        InetSocketAddress admin = daemon.adminAddress().orElseThrow();
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + admin.getPort() + path))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** One sample of the text format: a name, its labels, its value. */
    record Sample(String name, Map<String, String> labels, double value) {
    }

    private static final Pattern SAMPLE = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)})? (\\S+)");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\",?");

    /** The Prometheus text exposition format (0.0.4), comments skipped. */
    static List<Sample> parse(String text) {
        List<Sample> samples = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            Matcher sample = SAMPLE.matcher(line);
            assertThat(sample.matches()).as("a sample line: %s", line).isTrue();
            Map<String, String> labels = new LinkedHashMap<>();
            if (sample.group(2) != null) {
                Matcher label = LABEL.matcher(sample.group(2));
                while (label.find()) {
                    labels.put(label.group(1), label.group(2));
                }
            }
            samples.add(new Sample(sample.group(1), labels, Double.parseDouble(sample.group(3))));
        }
        return samples;
    }

    /** The sum of the samples named {@code name} whose labels include {@code labels} (pairs of name and value). */
    static double sum(List<Sample> samples, String name, String... labels) {
        return samples.stream().filter(s -> s.name().equals(name)).filter(s -> {
            for (int i = 0; i < labels.length; i += 2) {
                if (!labels[i + 1].equals(s.labels().get(labels[i]))) {
                    return false;
                }
            }
            return true;
        }).mapToDouble(Sample::value).sum();
    }

    private static long size(MimeMessage message) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        message.writeTo(out);
        return out.size();
    }

    @Test
    void theScrapedCountersEqualWhatTheClientDid() throws Exception {
        try (Daemon daemon = Daemon.start(withAdmin(TestConfigs.conformance(dir)))) {
            InetSocketAddress smtp = daemon.addresses().getFirst();
            long octets = 0;
            for (int i = 0; i < 3; i++) {
                // Two for one mailbox (delivered before the 250, never queued), one for two (queued).
                MimeMessage message = TestMail.message(TestMail.session(smtp), "s@client.test",
                        i < 2 ? "alice@posthorn.test" : "alice@posthorn.test, bob@posthorn.test", "accepted " + i,
                        "hello " + i + "\r\n");
                Transport.send(message);
                octets += size(message);
            }
            assertThatThrownBy(() -> TestMail.send(smtp, "s@client.test", "x@elsewhere.test", "relay", "no\r\n"))
                    .isInstanceOf(MessagingException.class).hasStackTraceContaining("550 5.7.1");
            assertThatThrownBy(() -> TestMail.send(smtp, "s@client.test", "nobody@posthorn.test", "who", "no\r\n"))
                    .isInstanceOf(MessagingException.class).hasStackTraceContaining("550 5.1.1");
            assertThatThrownBy(() -> TestMail.send(smtp, "s@client.test", "alice@posthorn.test", "big",
                    ("y".repeat(998) + "\r\n").repeat(1100)))
                    .isInstanceOf(MessagingException.class).hasStackTraceContaining("552 5.3.4");
            Properties tls = TestMail.session(smtp);
            tls.put("mail.smtp.starttls.enable", "true");
            tls.put("mail.smtp.starttls.required", "true");
            tls.put("mail.smtp.ssl.trust", "*");
            tls.put("mail.smtp.ssl.checkserveridentity", "false");
            tls.put("mail.smtp.auth", "true");
            assertThatThrownBy(() -> Transport.send(TestMail.message(tls, "s@client.test", "alice@posthorn.test",
                    "auth", "no\r\n"), "alice", "not-the-password")).isInstanceOf(AuthenticationFailedException.class);

            // Sessions are counted when the server has closed them, a moment after the client returned.
            await().atMost(Duration.ofSeconds(10)).until(() ->
                    sum(parse(get(daemon, "/metrics").body()), "posthorn_sessions_total") == 7);
            HttpResponse<String> response = get(daemon, "/metrics");
            assertThat(response.headers().firstValue("Content-Type"))
                    .hasValue("text/plain; version=0.0.4; charset=utf-8");
            List<Sample> m = parse(response.body());
            assertThat(sum(m, "posthorn_connections_total", "role", "mx")).isEqualTo(7);
            assertThat(sum(m, "posthorn_connections_open", "role", "mx")).isZero();
            assertThat(sum(m, "posthorn_messages_accepted_total", "role", "mx")).isEqualTo(3);
            assertThat(sum(m, "posthorn_recipients_refused_total", "role", "mx", "reason", "5.7.1")).isEqualTo(1);
            assertThat(sum(m, "posthorn_recipients_refused_total", "role", "mx", "reason", "5.1.1")).isEqualTo(1);
            assertThat(sum(m, "posthorn_messages_refused_total", "role", "mx", "reason", "5.3.4")).isEqualTo(1);
            assertThat(sum(m, "posthorn_messages_refused_total")).isEqualTo(1);
            assertThat(sum(m, "posthorn_auth_total", "role", "mx", "result", "failure")).isEqualTo(1);
            assertThat(sum(m, "posthorn_auth_total", "result", "success")).isZero();
            assertThat(sum(m, "posthorn_tls_sessions_total", "direction", "in", "protocol", "TLSv1.3")).isEqualTo(1);
            assertThat(sum(m, "posthorn_sessions_total", "outcome", "quit")).isGreaterThanOrEqualTo(5);
            assertThat(sum(m, "posthorn_spool_commit_seconds_count")).isEqualTo(1);
            assertThat(m).anyMatch(s -> s.name().equals("posthorn_spool_commit_seconds_bucket")
                    && "+Inf".equals(s.labels().get("le")) && s.value() == 1);
            await().atMost(Duration.ofSeconds(10)).until(() -> sum(parse(get(daemon, "/metrics").body()),
                    "posthorn_delivery_attempts_total", "transport", "maildir", "outcome", "delivered") == 4);
            // The three accepted messages as sent, and the too-large one as far as the sink read it: up to the
            // limit, less the last buffer (16 KiB, the sink's transferTo) in which the limit was crossed.
            assertThat(sum(m, "posthorn_received_bytes_total", "role", "mx"))
                    .isBetween(octets + 1_000_000 - 16_384.0, octets + 1_000_000.0);
            assertThat(m).extracting(Sample::name).contains("jvm_memory_used_bytes", "jvm_gc_max_data_size_bytes",
                    "jvm_threads_live_threads", "jvm_classes_loaded_classes", "process_cpu_usage",
                    "process_uptime_seconds", "process_files_open_files");
        }
    }

    @Test
    void readyzIs503WhenTheSpoolIsNotWritable() throws Exception {
        try (Daemon daemon = Daemon.start(withAdmin(TestConfigs.conformance(dir)))) {
            HttpResponse<String> ready = get(daemon, "/readyz");
            assertThat(ready.statusCode()).isEqualTo(200);
            assertThat(ready.body()).isEqualTo("{\"ready\":true}");
            assertThat(get(daemon, "/healthz").body()).isEqualTo("ok\n");
            // Even root cannot create a file in a directory that is not one.
            Path tmp = daemon.spoolRoot().resolve("tmp");
            Files.delete(tmp);
            Files.writeString(tmp, "not a directory");
            // An answer is reused for a second (the probe writes to the spool): the change shows within it.
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
                HttpResponse<String> broken = get(daemon, "/readyz");
                assertThat(broken.statusCode()).isEqualTo(503);
                assertThat(broken.body()).startsWith("{\"ready\":false,\"failed\":[{\"check\":\"spool\",")
                        .contains("the spool is not writable");
            });
            Files.delete(tmp);
            Files.createDirectory(tmp);
            await().atMost(Duration.ofSeconds(5)).until(() -> get(daemon, "/readyz").statusCode() == 200);
        }
    }

    @Test
    void readyzIs503WhenFreeDiskIsBelowTheLimit() throws Exception {
        try (Daemon daemon = Daemon.start(withAdmin(TestConfigs.trusting(dir, Long.MAX_VALUE / 4)))) {
            HttpResponse<String> ready = get(daemon, "/readyz");
            assertThat(ready.statusCode()).isEqualTo(503);
            assertThat(ready.body()).startsWith("{\"ready\":false,\"failed\":[{\"check\":\"disk\",")
                    .contains("below limits.min_free_disk " + Long.MAX_VALUE / 4).doesNotContain("spool");
        }
    }

    @Test
    void theTokenIsMadeOnceWithMode600AndTheApiNeedsIt() throws Exception {
        Config config = withAdmin(TestConfigs.conformance(dir));
        Path file = config.admin().tokenFileIn(config.spool());
        String first;
        try (Daemon daemon = Daemon.start(config)) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
            first = Files.readString(file);
            assertThat(get(daemon, "/api/v1/queue").statusCode()).isEqualTo(401);
        }
        try (Daemon daemon = Daemon.start(config)) {
            assertThat(Files.readString(file)).isEqualTo(first);
            InetSocketAddress admin = daemon.adminAddress().orElseThrow();
            HttpResponse<String> nothing = http.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + admin.getPort() + "/api/v1/no-such-part"))
                    .header("Authorization", "Bearer " + first.strip()).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(nothing.statusCode()).isEqualTo(404);
        }
    }

    @Test
    void aTakenAdminPortStopsTheStartAndLeavesNoListenerBehind() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Config base = TestConfigs.conformance(dir);
            Config config = base.withOperation(new Admin(Optional.of(new InetSocketAddress(
                    InetAddress.getLoopbackAddress(), taken.getLocalPort())), Optional.empty()), base.log());
            assertThatThrownBy(() -> Daemon.start(config)).isInstanceOf(IOException.class)
                    .hasMessage("cannot listen on 127.0.0.1:" + taken.getLocalPort() + ": address already in use");
        }
        try (Daemon daemon = Daemon.start(TestConfigs.conformance(dir))) {
            assertThat(daemon.adminAddress()).isEmpty(); // Admin.OFF
        }
    }

    @Test
    void aConnectionOverThePerAddressLimitIsCountedByReason() throws Exception {
        Config config = withAdmin(TestConfigs.conformance(dir).withTrust(List.of(),
                new Limits(1_000_000, 100, 100, 1, 1)));
        try (Daemon daemon = Daemon.start(config);
             Socket first = new Socket(InetAddress.getLoopbackAddress(), daemon.addresses().getFirst().getPort())) {
            int port = daemon.addresses().getFirst().getPort();
            first.setSoTimeout(5000);
            assertThat(new String(first.getInputStream().readNBytes(3), StandardCharsets.US_ASCII)).isEqualTo("220");
            try (Socket second = new Socket(InetAddress.getLoopbackAddress(), port)) {
                second.setSoTimeout(5000);
                assertThat(new String(second.getInputStream().readAllBytes(), StandardCharsets.US_ASCII))
                        .startsWith("421 4.7.0");
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> sum(parse(get(daemon, "/metrics").body()),
                    "posthorn_connections_open", "role", "mx") == 1);
            List<Sample> m = parse(get(daemon, "/metrics").body());
            assertThat(sum(m, "posthorn_connections_refused_total", "role", "mx", "reason", "per_ip_limit"))
                    .isEqualTo(1);
            assertThat(sum(m, "posthorn_connections_refused_total", "reason", "rate")).isZero(); // there, at zero
            assertThat(m).anyMatch(s -> s.name().equals("posthorn_connections_refused_total")
                    && "rate".equals(s.labels().get("reason")));
            assertThat(sum(m, "posthorn_connections_total", "role", "mx")).isEqualTo(2);
            assertThat(sum(m, "posthorn_sessions_total")).isZero(); // the refused one never had a session
        }
    }
}
