package dev.posthorn.mta.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.posthorn.smtp.Mailbox;
import dev.posthorn.smtp.ReversePath;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Which senders an authenticated user may use. */
class SenderOwnershipTest {

    private final SenderOwnership rule = new SenderOwnership(Set.of("example.org", "example.net")::contains);

    @ParameterizedTest
    @CsvSource({"alice, alice@example.org, true", "alice, ALICE@Example.net, true", "alice, alice+lists@example.org, true",
        "alice, bob@example.org, false", "alice, alice@elsewhere.test, false", "alice, alicex@example.org, false",
        "carol@partner.test, carol@partner.test, true", "carol@partner.test, carol@example.org, false"})
    void sendersAreTheUsersOwn(String user, String sender, boolean allowed) {
        assertThat(rule.mayUse(user, ReversePath.of(Mailbox.parse(sender, false)))).isEqualTo(allowed);
    }

    @org.junit.jupiter.api.Test
    void usersDoNotSendBounces() {
        assertThat(rule.mayUse("alice", ReversePath.NULL)).isFalse();
    }

    private final SenderOwnership configured = new SenderOwnership(Set.of("example.org", "example.net")::contains,
            java.util.Map.of("alice", java.util.List.of("sales@example.org", "@partner.test"),
                    "bob@partner.test", java.util.List.of("bob@partner.test", "bob@example.org")));

    @ParameterizedTest
    @CsvSource({"alice, sales@example.org, true", "ALICE, Sales@Example.org, true", "alice, sales+q4@example.org, true",
        "alice, anyone@partner.test, true", "alice, anyone@sub.partner.test, false",
        "alice, alice@example.org, false", "alice, salesx@example.org, false", "alice, sales@example.net, false",
        "bob@partner.test, bob@example.org, true", "bob@partner.test, bob@example.net, false",
        "carol, carol@example.net, true", "carol, sales@example.org, false"})
    void configuredEntriesReplaceTheDefaultForTheirUser(String user, String sender, boolean allowed) {
        assertThat(configured.mayUse(user, ReversePath.of(Mailbox.parse(sender, false)))).isEqualTo(allowed);
    }

    @org.junit.jupiter.api.Test
    void usersWithEntriesDoNotSendBouncesEither() {
        assertThat(configured.mayUse("alice", ReversePath.NULL)).isFalse();
    }
}
