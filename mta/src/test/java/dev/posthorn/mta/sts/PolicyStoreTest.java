package dev.posthorn.mta.sts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Policies kept on disk: they read back equal; a file that does not read back is deleted. */
class PolicyStoreTest {

    @TempDir
    Path dir;

    private static CachedPolicy policy(String domain) {
        String body = PolicyServer.policy("enforce", "mx." + domain);
        return new CachedPolicy(domain, "20240101", body, StsPolicy.parse(body), Instant.ofEpochSecond(1_700_000_000));
    }

    @Test
    void savedPoliciesReadBack() throws Exception {
        PolicyStore store = new PolicyStore(dir.resolve("sts"));
        store.save(policy("example.net"));
        store.save(policy("example.org"));
        assertThat(new PolicyStore(dir.resolve("sts")).load())
                .containsExactlyInAnyOrder(policy("example.net"), policy("example.org"));
    }

    @Test
    void aDamagedFileIsDeleted() throws Exception {
        PolicyStore store = new PolicyStore(dir);
        store.save(policy("example.net"));
        Path file = dir.resolve("example.net.policy");
        Files.writeString(file, Files.readString(file).replace("mode: enforce", "mode: sometimes"));
        Files.writeString(dir.resolve("example.org.policy"), "garbage");
        assertThat(store.load()).isEmpty();
        assertThat(file).doesNotExist();
        assertThat(dir.resolve("example.org.policy")).doesNotExist();
    }

    @Test
    void aFileNamedForAnotherDomainIsNotBelieved() throws Exception {
        PolicyStore store = new PolicyStore(dir);
        store.save(policy("example.net"));
        Files.move(dir.resolve("example.net.policy"), dir.resolve("example.org.policy"));
        assertThat(store.load()).isEmpty();
    }

    @Test
    void onlyHostNamesBecomeFileNames() {
        PolicyStore store = new PolicyStore(dir);
        assertThatIllegalArgumentException().isThrownBy(() -> store.delete("../etc"));
        assertThatIllegalArgumentException().isThrownBy(() -> store.delete("a/b"));
    }
}
