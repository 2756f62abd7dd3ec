package dev.posthorn.mta.capture;

import static org.assertj.core.api.Assertions.assertThat;

import dev.posthorn.mta.capture.web.DevProcess;
import dev.posthorn.smtp.client.SendOptions;
import dev.posthorn.smtp.client.SendResult;
import dev.posthorn.smtp.client.SmtpClient;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Messages the store must take in a JVM whose whole heap is 64 MB: one of about 200 MB (a 150 MB attachment, base64)
 * captured, indexed, viewed and its attachment read back, so no path of the store holds a message in memory; and
 * messages built to make a MIME parser hold them in memory (a 60 MB header block, 100,000 tiny parts), stored
 * unparsed with empty fields and served as raw source. And the 200 MB message through {@code bin/posthorn dev} run
 * with {@code -Xmx64m}: SMTP in, then out again whole over HTTP (raw and the attachment) and POP3 (RETR).
 */
class LargeCaptureIT {

    private static final long ATTACHMENT = 150L * 1024 * 1024;
    private static final String MAILBOX = "dev@one.test";
    private static final Duration DEADLINE = Duration.ofSeconds(60);
    private static final Pattern LISTED = Pattern.compile("\"id\":\"([^\"]+)\".*?\"size\":(\\d+)");

    @Test
    void twoHundredMegabytesStoredAndViewedInSixtyFourMegabytesOfHeap(@TempDir Path dir) throws Exception {
        Generated message = new Generated();
        List<String> lines = capture(dir, message);
        assertThat(lines.get(0)).isEqualTo("large");
        assertThat(Long.parseLong(lines.get(1))).isGreaterThan(message.sent);
        assertThat(lines.get(2)).isEqualTo("a large file follows");
        assertThat(Long.parseLong(lines.get(3))).isEqualTo(ATTACHMENT);
        assertThat(lines.get(4)).isEqualTo(HexFormat.of().formatHex(message.sha.digest()));
        assertThat(lines.get(5)).isEqualTo("1");
    }

    /**
     * The words, "a 200 MB message through with -Xmx64m", as a user would run it: the launcher's
     * ExitOnOutOfMemoryError makes any path that holds the message in the child's heap kill the child.
     */
    @Test
    void twoHundredMegabytesThroughPosthornDevInSixtyFourMegabytesOfHeap(@TempDir Path dir) throws Exception {
        Path eml = dir.resolve("big.eml");
        Sent sent = Sent.write(eml);
        DevProcess dev = DevProcess.start(dir, List.of("--pop3", "127.0.0.1:0", "--max-size", "262144000"),
                Map.of("POSTHORN_JAVA_OPTS", "-Xmx64m"));
        try (HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()) {
            SendResult result = SmtpClient.send("127.0.0.1", dev.smtpPort(), "big@app.test", List.of(MAILBOX), eml,
                    SendOptions.opportunistic());
            assertThat(result.reply().code()).as(state(dev)).isEqualTo(250);
            Matcher listed = LISTED.matcher(new String(get(http, dev, "/api/v1/messages").readNBytes(1 << 20),
                    StandardCharsets.UTF_8));
            assertThat(listed.find()).as(state(dev)).isTrue();
            String id = listed.group(1);
            long size = Long.parseLong(listed.group(2));
            assertThat(size).isGreaterThan(sent.size());
            long received = size - sent.size(); // the Received field in front of what was sent

            ReadBack raw;
            try (InputStream in = get(http, dev, "/api/v1/messages/" + id + "/raw")) {
                raw = ReadBack.of(in, received);
            }
            assertThat(raw.size()).isEqualTo(size);
            assertThat(raw.head()).startsWith("Received: ");
            assertThat(raw.tailSha()).isEqualTo(sent.sha());

            ReadBack part;
            try (InputStream in = get(http, dev, "/api/v1/messages/" + id + "/attachments/0")) {
                part = ReadBack.of(in, 0);
            }
            assertThat(part.size()).isEqualTo(ATTACHMENT);
            assertThat(part.sha()).isEqualTo(sent.attachmentSha());

            ReadBack retr = ReadBack.pop3(dev.pop3Port(), MAILBOX, received, DEADLINE);
            assertThat(retr.size()).isEqualTo(size);
            assertThat(retr.sha()).isEqualTo(raw.sha());
            assertThat(retr.tailSha()).isEqualTo(sent.sha());

            assertThat(dev.alive()).as(state(dev)).isTrue();
            assertThat(dev.printed() + dev.log()).doesNotContain("OutOfMemoryError");
        } catch (IOException e) {
            throw new AssertionError(e + "; " + state(dev), e);
        } finally {
            dev.stop();
        }
    }

    /**
     * The generated message written to {@code eml} as it is made, never whole in this JVM's heap either.
     *
     * @param size          octets sent
     * @param sha           their SHA-256, in hex
     * @param attachmentSha the SHA-256 of the attachment's decoded octets, in hex
     */
    private record Sent(long size, String sha, String attachmentSha) {
        static Sent write(Path eml) throws Exception {
            Generated message = new Generated();
            try (DigestInputStream in = new DigestInputStream(message, ReadBack.sha256());
                 OutputStream out = Files.newOutputStream(eml)) {
                in.transferTo(out);
                return new Sent(Files.size(eml), HexFormat.of().formatHex(in.getMessageDigest().digest()),
                        HexFormat.of().formatHex(message.sha.digest()));
            }
        }
    }

    /** A GET of the dev server's {@code path}, which must answer 200; its body as it streams in. */
    private static InputStream get(HttpClient http, DevProcess dev, String path) throws Exception {
        HttpResponse<InputStream> answer;
        try {
            answer = http.send(HttpRequest.newBuilder(URI.create(dev.base() + path)).timeout(DEADLINE).GET().build(),
                    HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            throw new AssertionError("GET " + path + " failed: " + e + "; " + state(dev), e);
        }
        if (answer.statusCode() != 200) {
            answer.body().close();
            throw new AssertionError("GET " + path + " answered " + answer.statusCode() + "; " + state(dev));
        }
        return answer.body();
    }

    /** Whether the child runs, what it printed (an OutOfMemoryError ends up there) and its log: for a failure. */
    private static String state(DevProcess dev) throws IOException {
        return "posthorn dev " + (dev.alive() ? "runs" : "has exited") + "; printed " + dev.printed() + "; log:\n"
                + dev.log();
    }

    @Test
    void aSixtyMegabyteHeaderBlockIsStoredUnparsed(@TempDir Path dir) throws Exception {
        // 990-character lines (RFC 5322 2.1.1 allows 998), 60 MB of them before the body.
        Repeated message = new Repeated("Subject: endless header\r\nFrom: app@app.test\r\n",
                "X-Filler: " + "f".repeat(980) + "\r\n", 60 * 1024 * 1024 / 992, "\r\nbody\r\n");
        assertStoredUnparsed(capture(dir, message), message);
    }

    @Test
    void aHundredThousandPartsAreStoredUnparsed(@TempDir Path dir) throws Exception {
        Repeated message = new Repeated("Subject: many parts\r\nFrom: app@app.test\r\nMIME-Version: 1.0\r\n"
                + "Content-Type: multipart/mixed; boundary=b\r\n\r\n",
                "--b\r\nContent-Type: text/plain\r\n\r\nx\r\n", 100_000, "--b--\r\n");
        assertStoredUnparsed(capture(dir, message), message);
    }

    /** Indexed with empty fields; viewed as one raw attachment, the whole stored file, read back whole. */
    private static void assertStoredUnparsed(List<String> lines, Repeated message) {
        assertThat(lines.get(0)).isEmpty();
        long size = Long.parseLong(lines.get(1));
        assertThat(size).isGreaterThan(message.sent);
        assertThat(lines.get(2)).isEqualTo("null");
        assertThat(Long.parseLong(lines.get(3))).isEqualTo(size);
        assertThat(lines.get(5)).isEqualTo("1");
        assertThat(lines.get(6)).isEmpty();
        assertThat(lines.get(7)).isEqualTo("1");
        assertThat(lines.get(8)).isEqualTo("0");
    }

    /** Sends {@code message} to a {@link LargeCaptureServer} in a child JVM with 64 MB of heap; its result lines. */
    private static List<String> capture(Path dir, InputStream message) throws Exception {
        Path portFile = dir.resolve("port");
        Path resultFile = dir.resolve("result");
        Process process = new ProcessBuilder(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx64m",
                "-XX:+ExitOnOutOfMemoryError", "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), LargeCaptureServer.class.getName(),
                dir.resolve("store").toString(), portFile.toString(), resultFile.toString()))
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("server.log").toFile())
                .start();
        try {
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (!Files.exists(portFile) && process.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(portFile).as(log(dir)).exists();
            int port = Integer.parseInt(Files.readString(portFile).trim());
            SendResult result = SmtpClient.send("127.0.0.1", port, "big@app.test", List.of("dev@one.test"), message);
            assertThat(result.reply().code()).isEqualTo(250);
            assertThat(process.waitFor(10, java.util.concurrent.TimeUnit.MINUTES)).isTrue();
            assertThat(process.exitValue()).as(log(dir)).isZero();
            return Files.readAllLines(resultFile);
        } finally {
            process.destroyForcibly().waitFor();
        }
    }

    private static String log(Path dir) throws IOException {
        Path log = dir.resolve("server.log");
        return Files.exists(log) ? Files.readString(log) : "no log";
    }

    /** The message, made as it is read: a header, a text part, and ATTACHMENT seeded-random octets in base64. */
    private static final class Generated extends InputStream {
        private final Random random = new Random(20261207);
        private final MessageDigest sha;
        private byte[] chunk = ("Subject: large\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n"
                + "--b\r\nContent-Type: text/plain\r\n\r\na large file follows\r\n--b\r\n"
                + "Content-Type: application/octet-stream\r\nContent-Disposition: attachment; filename=big.bin\r\n"
                + "Content-Transfer-Encoding: base64\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        private int position;
        private long encoded;
        private boolean ended;
        long sent;

        Generated() throws Exception {
            sha = MessageDigest.getInstance("SHA-256");
        }

        @Override
        public int read() {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) {
            if (position == chunk.length && !next()) {
                return -1;
            }
            int n = Math.min(length, chunk.length - position);
            System.arraycopy(chunk, position, buffer, offset, n);
            position += n;
            sent += n;
            return n;
        }

        private boolean next() {
            if (ended) {
                return false;
            }
            if (encoded == ATTACHMENT) {
                chunk = "\r\n--b--\r\n".getBytes(StandardCharsets.US_ASCII);
                ended = true;
            } else {
                // 57 octets make one 76-character base64 line (RFC 2045 6.8); 1,000 lines at a time.
                byte[] raw = new byte[(int) Math.min(57 * 1000, ATTACHMENT - encoded)];
                random.nextBytes(raw);
                sha.update(raw);
                encoded += raw.length;
                chunk = (Base64.getMimeEncoder().encodeToString(raw) + "\r\n").getBytes(StandardCharsets.US_ASCII);
            }
            position = 0;
            return true;
        }
    }

    /** A head, a chunk {@code count} times, and a tail, made as it is read. */
    private static final class Repeated extends InputStream {
        private final byte[] chunk;
        private final byte[] tail;
        private byte[] current;
        private int position;
        private int left;
        long sent;

        Repeated(String head, String chunk, int count, String tail) {
            this.current = head.getBytes(StandardCharsets.US_ASCII);
            this.chunk = chunk.getBytes(StandardCharsets.US_ASCII);
            this.tail = tail.getBytes(StandardCharsets.US_ASCII);
            this.left = count;
        }

        @Override
        public int read() {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) {
            if (position == current.length) {
                if (current == tail) {
                    return -1;
                }
                current = left-- > 0 ? chunk : tail;
                position = 0;
            }
            int n = Math.min(length, current.length - position);
            System.arraycopy(current, position, buffer, offset, n);
            position += n;
            sent += n;
            return n;
        }
    }
}
