package dev.posthorn.mta.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.posthorn.smtp.server.Authenticator;
import dev.posthorn.smtp.server.Authenticator.AuthResult;
import dev.posthorn.smtp.server.SessionInfo;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The users file and its password hashes. */
class UserStoreTest {

    private static final SessionInfo SESSION = new SessionInfo("c", new InetSocketAddress("127.0.0.1", 1),
            new InetSocketAddress("127.0.0.1", 25), "h", true, null, null, false);

    @TempDir
    Path dir;

    private static AuthResult check(UserStore store, String authzid, String user, String password) {
        return store.authenticate(SESSION, new Authenticator.Credentials(authzid, user, password));
    }

    @Test
    void argon2idHashesVerifyAndAreSalted() {
        String one = PasswordHash.hash("wonderland".toCharArray());
        String two = PasswordHash.hash("wonderland".toCharArray());
        assertThat(one).startsWith("$argon2id$v=19$m=19456,t=2,p=1$").isNotEqualTo(two);
        assertThat(PasswordHash.verify(one, "wonderland".toCharArray())).isTrue();
        assertThat(PasswordHash.verify(one, "wonderlanD".toCharArray())).isFalse();
    }

    @Test
    void knownArgon2idVectorFromTheReferenceImplementation() {
        // From the reference implementation (Debian's argon2):
        // echo -n password | argon2 somesalt -id -t 2 -m 16 -p 4 -l 32 -e
        String reference = "$argon2id$v=19$m=65536,t=2,p=4$c29tZXNhbHQ$GpZ3sK/oH9p7VIiV56G/64Zo/8GaUw434IimaPqxwCo";
        assertThat(PasswordHash.verify(reference, "password".toCharArray())).isTrue();
        assertThat(PasswordHash.verify(reference, "passwore".toCharArray())).isFalse();
    }

    @Test
    void bcryptHashesFromHtpasswdVerify() {
        String bcrypt = org.bouncycastle.crypto.generators.OpenBSDBCrypt.generate("2y",
                "wonderland".toCharArray(), new byte[16], 6);
        assertThat(PasswordHash.isSupported(bcrypt)).isTrue();
        assertThat(PasswordHash.verify(bcrypt, "wonderland".toCharArray())).isTrue();
        assertThat(PasswordHash.verify(bcrypt, "nope".toCharArray())).isFalse();
    }

    @Test
    void fileWithUsersAuthenticates() throws IOException {
        Path file = Files.writeString(dir.resolve("users.txt"), "# users\n\nalice:"
                + PasswordHash.hash("wonderland".toCharArray()) + "\n");
        UserStore store = UserStore.load(file);
        assertThat(check(store, "", "alice", "wonderland")).isEqualTo(new AuthResult.Success("alice"));
        assertThat(check(store, "alice", "alice", "wonderland")).isEqualTo(new AuthResult.Success("alice"));
        assertThat(check(store, "bob", "alice", "wonderland")).isInstanceOf(AuthResult.Failure.class);
        assertThat(check(store, "", "alice", "wrong")).isInstanceOf(AuthResult.Failure.class);
        assertThat(check(store, "", "mallory", "wonderland")).isInstanceOf(AuthResult.Failure.class);
    }

    @Test
    void malformedLinesAreReportedWithTheirNumber() throws IOException {
        Path file = Files.writeString(dir.resolve("users.txt"), "alice:$argon2id$broken\n");
        assertThatThrownBy(() -> UserStore.load(file)).hasMessageContaining("users.txt:1:");
        Path plain = Files.writeString(dir.resolve("plain.txt"), "bob:secret\n");
        assertThatThrownBy(() -> UserStore.load(plain)).hasMessageContaining("plain.txt:1:");
    }
}
