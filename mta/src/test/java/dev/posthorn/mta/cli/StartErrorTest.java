package dev.posthorn.mta.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.posthorn.smtp.server.ServerTls;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code posthorn run} that cannot start says what failed and why in one line and exits 1 (a daemon that did start
 * would block: hence the timeout). Real ports and real files.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class StartErrorTest {

    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine command = Main.commandLine();
        command.setOut(new PrintWriter(out, true));
        command.setErr(new PrintWriter(err, true));
        return command.execute(args);
    }

    /** A configuration file with one MX listener on {@code port}, the spool at {@code spool}, no admin listener. */
    private Path config(int port, String spool, String more) throws Exception {
        return Files.writeString(dir.resolve("posthorn.yaml"), """
                spool: %s
                listeners:
                  - { address: 127.0.0.1, port: %d, role: mx }
                admin: { listen: none }
                %s""".formatted(spool, port, more));
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    @Test
    void aPortInUseIsNamedWithItsAddress() throws Exception {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            int port = taken.getLocalPort();
            Path file = config(port, "spool", "");

            assertThat(run("run", "--config", file.toString())).isEqualTo(1);

            assertThat(err.toString()).isEqualTo(
                    "posthorn: cannot listen on 127.0.0.1:" + port + ": address already in use" + System.lineSeparator());
            assertThat(out.toString()).isEmpty();
        }
    }

    @Test
    void aSpoolThatCannotBeMadeIsNamedWithTheReason() throws Exception {
        Files.writeString(dir.resolve("file"), "a file where a folder should be");
        Path file = config(freePort(), "file/spool", "");

        assertThat(run("run", "--config", file.toString())).isEqualTo(1);

        assertThat(err.toString()).isEqualTo(
                "posthorn: spool " + dir.resolve("file/spool") + ": not a directory" + System.lineSeparator());
    }

    @Test
    void aSpoolWithoutPermissionSaysPermissionDenied() throws Exception {
        Path locked = Files.createDirectory(dir.resolve("locked"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("r-x------")));
        assumeFalse(Files.isWritable(locked), "root writes everywhere");
        Path file = config(freePort(), "locked/spool", "");

        assertThat(run("run", "--config", file.toString())).isEqualTo(1);

        assertThat(err.toString()).isEqualTo(
                "posthorn: spool " + locked.resolve("spool") + ": permission denied" + System.lineSeparator());
    }

    @Test
    void aMissingCertificateIsRefusedAsConfigCheckReportsIt() throws Exception {
        ServerTls.selfSignedFiles("localhost", dir.resolve("tls/cert.pem"), dir.resolve("tls/key.pem"));
        Path file = config(freePort(), "spool", "tls: { cert: tls/missing.pem, key: tls/key.pem }\n");

        assertThat(run("config", "check", file.toString())).isEqualTo(1);
        String check = err.toString();
        err.getBuffer().setLength(0);
        assertThat(run("run", "--config", file.toString())).isEqualTo(1);

        String problem = file + ":5:14: tls.cert: " + dir.resolve("tls/missing.pem") + ": no such file";
        assertThat(check.lines()).containsExactly(problem);
        assertThat(err.toString().lines()).containsExactly(problem,
                "posthorn: not started: the configuration has 1 problem(s)");
        assertThat(dir.resolve("spool")).doesNotExist();
    }

    @Test
    void aKeyOfAnotherCertificateIsRefusedAsConfigCheckReportsIt() throws Exception {
        ServerTls.selfSignedFiles("localhost", dir.resolve("tls/cert.pem"), dir.resolve("tls/key.pem"));
        ServerTls.selfSignedFiles("localhost", dir.resolve("old/cert.pem"), dir.resolve("old/key.pem"));
        Path file = config(freePort(), "spool", "tls: { cert: tls/cert.pem, key: old/key.pem }\n");

        assertThat(run("config", "check", file.toString())).isEqualTo(1);
        String check = err.toString();
        err.getBuffer().setLength(0);
        assertThat(run("run", "--config", file.toString())).isEqualTo(1);

        String problem = file + ":5:33: tls.key: the private key does not match the certificate in "
                + dir.resolve("tls/cert.pem");
        assertThat(check.lines()).containsExactly(problem);
        assertThat(err.toString().lines()).containsExactly(problem,
                "posthorn: not started: the configuration has 1 problem(s)");
    }
}
