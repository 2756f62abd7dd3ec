package dev.posthorn.smtp.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.posthorn.smtp.Reply;
import dev.posthorn.smtp.io.DotStuffingOutputStream;
import java.io.BufferedOutputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A 200 MB message passes through a server whose whole heap is 64 MB: nothing holds a message in memory. */
class LargeMessageIT {

    private static final long SIZE = 200L * 1024 * 1024;

    @Test
    void twoHundredMegabytesThroughSixtyFourMegabytesOfHeap(@TempDir Path dir) throws Exception {
        Path portFile = dir.resolve("port");
        Process process = new ProcessBuilder(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx64m",
                "-cp", System.getProperty("java.class.path"),
                LargeMessageServer.class.getName(), portFile.toString(), String.valueOf(SIZE + 1_000_000)))
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("server.log").toFile())
                .start();
        try {
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (!Files.exists(portFile) && process.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(portFile).as(Files.exists(dir.resolve("server.log"))
                    ? Files.readString(dir.resolve("server.log")) : "no log").exists();
            int port = Integer.parseInt(Files.readString(portFile).trim());
            try (TestClient client = new TestClient(new InetSocketAddress("127.0.0.1", port))) {
                client.hello();
                assertThat(client.command("MAIL FROM:<big@client.test> SIZE=" + SIZE).code()).isEqualTo(250);
                assertThat(client.command("RCPT TO:<alice@posthorn.test>").code()).isEqualTo(250);
                assertThat(client.command("DATA").code()).isEqualTo(354);
                Socket socket = client.socket();
                socket.setSoTimeout(120_000);
                MessageDigest sha = MessageDigest.getInstance("SHA-256");
                long sent = send(new BufferedOutputStream(socket.getOutputStream(), 65536), sha);
                Reply reply = client.read();
                assertThat(reply.code()).as("%s", reply).isEqualTo(250);
                String[] words = reply.text().split(" ");
                assertThat(Long.parseLong(words[0])).isEqualTo(sent);
                assertThat(words[1]).isEqualTo(HexFormat.of().formatHex(sha.digest()));
            }
            assertThat(process.isAlive()).as("server survived").isTrue();
        } finally {
            process.destroyForcibly().waitFor();
        }
    }

    /** Writes about 200 MB of lines (some starting with dots, some 5,000 octets long); returns the octets. */
    private static long send(OutputStream socket, MessageDigest sha) throws Exception {
        Random random = new Random(20261123);
        DotStuffingOutputStream data = new DotStuffingOutputStream(socket);
        byte[] header = "Subject: large\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        long total = write(data, sha, header);
        byte[] line = new byte[5002];
        while (total < SIZE) {
            int length = random.nextInt(10) == 0 ? 5000 : random.nextInt(200);
            for (int i = 0; i < length; i++) {
                line[i] = (byte) ('!' + random.nextInt(90));
            }
            if (length > 0 && random.nextInt(20) == 0) {
                line[0] = '.';
            }
            line[length] = '\r';
            line[length + 1] = '\n';
            total += write(data, sha, java.util.Arrays.copyOf(line, length + 2));
        }
        data.finish();
        socket.flush();
        return total;
    }

    private static long write(OutputStream out, MessageDigest sha, byte[] bytes) throws Exception {
        out.write(bytes);
        sha.update(bytes);
        return bytes.length;
    }
}
