package dev.posthorn.mta.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.posthorn.mta.auth.UserStore;
import dev.posthorn.smtp.server.Authenticator;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code posthorn user}: the users file is managed without passwords on the command line. */
class UserCommandTest {

    @TempDir
    Path dir;

    private final Terminal terminal = new Terminal();

    private int run(String stdin, String... args) {
        return terminal.runWithInput(stdin, args);
    }

    private boolean authenticates(String user, String password) throws Exception {
        var session = new dev.posthorn.smtp.server.SessionInfo("c", new InetSocketAddress("127.0.0.1", 1),
                new InetSocketAddress("127.0.0.1", 2), "h", true, null, null, false);
        return UserStore.load(dir.resolve("users.txt")).authenticate(session,
                new Authenticator.Credentials("", user, password)) instanceof Authenticator.AuthResult.Success;
    }

    @Test
    void addPasswdDelAndList() throws Exception {
        String config = Files.writeString(dir.resolve("posthorn.yaml"), "users_file: users.txt\n").toString();
        assertThat(run("wonderland\n", "user", "add", "--password-stdin", "--config", config, "alice")).isZero();
        assertThat(run("builder\n", "user", "add", "--password-stdin", "--config", config, "bob")).isZero();
        assertThat(authenticates("alice", "wonderland")).isTrue();
        assertThat(run("again\n", "user", "add", "--password-stdin", "--config", config, "alice")).isEqualTo(1);
        assertThat(run("looking-glass\n", "user", "passwd", "--password-stdin", "--config", config, "alice"))
                .isZero();
        assertThat(authenticates("alice", "wonderland")).isFalse();
        assertThat(authenticates("alice", "looking-glass")).isTrue();
        assertThat(run("", "user", "del", "--config", config, "bob")).isZero();
        assertThat(UserStore.load(dir.resolve("users.txt")).users()).containsExactly("alice");
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(dir.resolve("users.txt")))).isEqualTo("rw-------");
    }

    @Test
    void withoutATerminalThePasswordMustComeFromStdinOnPurpose() throws Exception {
        String config = Files.writeString(dir.resolve("posthorn.yaml"), "users_file: users.txt\n").toString();
        assertThat(run("wonderland\n", "user", "add", "--config", config, "alice")).isEqualTo(1);
        assertThat(terminal.err()).contains("posthorn: no terminal").doesNotContain("at dev.posthorn");
        assertThat(dir.resolve("users.txt")).doesNotExist();
    }

    @Test
    void configWithoutUsersFileKeepsUsersInTheSpoolWhereTheDaemonReadsThem() throws Exception {
        String config = Files.writeString(dir.resolve("posthorn.yaml"), "hostname: mx.example.org\n").toString();
        assertThat(run("x\n", "user", "add", "--password-stdin", "--config", config, "alice")).isZero();
        Path users = dir.resolve("var/spool/users");
        assertThat(UserStore.load(users).users()).containsExactly("alice");
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(users)))
                .isEqualTo("rw-------");
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(users.getParent()))).isEqualTo("rwx------");
    }
}
