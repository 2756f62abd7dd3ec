package dev.posthorn.mta.capture;

import static org.assertj.core.api.Assertions.assertThat;

import dev.posthorn.smtp.client.SendResult;
import dev.posthorn.smtp.client.SmtpClient;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A message of about 200 MB (a 150 MB attachment, base64) is captured, indexed, viewed and its attachment read back,
 * all in a JVM whose whole heap is 64 MB: no path of the store holds a message in memory.
 */
class LargeCaptureIT {

    private static final long ATTACHMENT = 150L * 1024 * 1024;

    @Test
    void twoHundredMegabytesStoredAndViewedInSixtyFourMegabytesOfHeap(@TempDir Path dir) throws Exception {
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
            Generated message = new Generated();
            SendResult result = SmtpClient.send("127.0.0.1", port, "big@app.test", List.of("dev@one.test"), message);
            assertThat(result.reply().code()).isEqualTo(250);
            assertThat(process.waitFor(10, java.util.concurrent.TimeUnit.MINUTES)).isTrue();
            assertThat(process.exitValue()).as(log(dir)).isZero();
            List<String> lines = Files.readAllLines(resultFile);
            assertThat(lines.get(0)).isEqualTo("large");
            assertThat(Long.parseLong(lines.get(1))).isGreaterThan(message.sent);
            assertThat(lines.get(2)).isEqualTo("a large file follows");
            assertThat(Long.parseLong(lines.get(3))).isEqualTo(ATTACHMENT);
            assertThat(lines.get(4)).isEqualTo(HexFormat.of().formatHex(message.sha.digest()));
            assertThat(lines.get(5)).isEqualTo("1");
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
}
