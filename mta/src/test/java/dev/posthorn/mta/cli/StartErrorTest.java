package dev.posthorn.mta.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.posthorn.mta.daemon.FreePorts;
import dev.posthorn.smtp.server.ServerTls;
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

/**
 * {@code posthorn run} that cannot start says what failed and why in one line and exits 1 (a daemon that did start
 * would block: hence the timeout). Real ports and real files.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class StartErrorTest {

    @TempDir
    Path dir;

    private final Terminal terminal = new Terminal();

    /** A configuration file with one MX listener on {@code port}, the spool at {@code spool}, no admin listener. */
    private Path config(int port, String spool, String more) throws Exception {
        return Files.writeString(dir.resolve("posthorn.yaml"), """
                spool: %s
                listeners:
                  - { address: 127.0.0.1, port: %d, role: mx }
                admin: { listen: none }
                %s""".formatted(spool, port, more));
    }

    @Test
    void aPortInUseIsNamedWithItsAddress() throws Exception {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            int port = taken.getLocalPort();
            Path file = config(port, "spool", "");

            assertThat(terminal.run("run", "--config", file.toString())).isEqualTo(1);

            assertThat(terminal.err()).isEqualTo(
                    "posthorn: cannot listen on 127.0.0.1:" + port + ": address already in use" + System.lineSeparator());
            assertThat(terminal.out()).isEmpty();
        }
    }

    @Test
    void aSpoolThatCannotBeMadeIsNamedWithTheReason() throws Exception {
        Files.writeString(dir.resolve("file"), "a file where a folder should be");
        Path file = config(FreePorts.loopback(), "file/spool", "");

        assertThat(terminal.run("run", "--config", file.toString())).isEqualTo(1);

        assertThat(terminal.err()).isEqualTo(
                "posthorn: spool " + dir.resolve("file/spool") + ": not a directory" + System.lineSeparator());
    }

    @Test
    void aSpoolWithoutPermissionSaysPermissionDenied() throws Exception {
        Path locked = Files.createDirectory(dir.resolve("locked"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("r-x------")));
        assumeFalse(Files.isWritable(locked), "root writes everywhere");
        Path file = config(FreePorts.loopback(), "locked/spool", "");

        assertThat(terminal.run("run", "--config", file.toString())).isEqualTo(1);

        assertThat(terminal.err()).isEqualTo(
                "posthorn: spool " + locked.resolve("spool") + ": permission denied" + System.lineSeparator());
    }

    @Test
    void aMissingCertificateIsRefusedAsConfigCheckReportsIt() throws Exception {
        ServerTls.selfSignedFiles("localhost", dir.resolve("tls/cert.pem"), dir.resolve("tls/key.pem"));
        Path file = config(FreePorts.loopback(), "spool", "tls: { cert: tls/missing.pem, key: tls/key.pem }\n");

        Terminal checking = new Terminal();
        assertThat(checking.run("config", "check", file.toString())).isEqualTo(1);
        String check = checking.err();
        assertThat(terminal.run("run", "--config", file.toString())).isEqualTo(1);

        String problem = file + ":5:14: tls.cert: " + dir.resolve("tls/missing.pem") + ": no such file";
        assertThat(check.lines()).containsExactly(problem);
        assertThat(terminal.err().lines()).containsExactly(problem,
                "posthorn: not started: the configuration has 1 problem(s)");
        assertThat(dir.resolve("spool")).doesNotExist();
    }

    @Test
    void aKeyOfAnotherCertificateIsRefusedAsConfigCheckReportsIt() throws Exception {
        ServerTls.selfSignedFiles("localhost", dir.resolve("tls/cert.pem"), dir.resolve("tls/key.pem"));
        ServerTls.selfSignedFiles("localhost", dir.resolve("old/cert.pem"), dir.resolve("old/key.pem"));
        Path file = config(FreePorts.loopback(), "spool", "tls: { cert: tls/cert.pem, key: old/key.pem }\n");

        Terminal checking = new Terminal();
        assertThat(checking.run("config", "check", file.toString())).isEqualTo(1);
        String check = checking.err();
        assertThat(terminal.run("run", "--config", file.toString())).isEqualTo(1);

        String problem = file + ":5:33: tls.key: the private key does not match the certificate in "
                + dir.resolve("tls/cert.pem");
        assertThat(check.lines()).containsExactly(problem);
        assertThat(terminal.err().lines()).containsExactly(problem,
                "posthorn: not started: the configuration has 1 problem(s)");
    }
}
