package dev.posthorn.mta.pop3;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Each POP3 command over a real socket, line by line (RFC 1939), against a maildrop of plain files. */
class Pop3DialogueTest {

    static final String BOX = "alice@example.test";
    static final String FIRST = "From: a@example.test\r\nSubject: one\r\n\r\nbody one\r\n";
    static final String SECOND = "From: b@example.test\nSubject: two\n\n.leading dot\n.\nlast\n";

    @RegisterExtension
    final Pop3Rig rig = new Pop3Rig();

    private InetSocketAddress start() throws IOException {
        return rig.start(Pop3Server.Settings.of(new InetSocketAddress("127.0.0.1", 0)).withHostname("pop3.test"));
    }

    private void twoMessages() throws IOException {
        DirectoryMaildrop.put(rig.root(), BOX, "m1", FIRST);
        DirectoryMaildrop.put(rig.root(), BOX, "m2", SECOND);
    }

    private static Pop3Client login(InetSocketAddress address, String user) throws IOException {
        Pop3Client client = new Pop3Client(address);
        assertThat(client.line()).isEqualTo("+OK POP3 pop3.test ready");
        assertThat(client.command("USER " + user)).startsWith("+OK");
        assertThat(client.command("PASS anything at all")).startsWith("+OK");
        return client;
    }

    @Test
    void userPassStatListRetrQuit() throws IOException {
        twoMessages();
        try (Pop3Client client = new Pop3Client(start())) {
            assertThat(client.line()).isEqualTo("+OK POP3 pop3.test ready");
            assertThat(client.command("USER " + BOX)).isEqualTo("+OK send PASS");
            assertThat(client.command("PASS secret")).isEqualTo("+OK maildrop has 2 messages (103 octets)");
            assertThat(client.command("STAT")).isEqualTo("+OK 2 103");
            assertThat(client.command("LIST")).isEqualTo("+OK scan listing follows");
            assertThat(client.lines()).containsExactly("1 48", "2 55");
            assertThat(client.command("RETR 1")).isEqualTo("+OK 48 octets");
            assertThat(client.lines()).containsExactly("From: a@example.test", "Subject: one", "", "body one");
            assertThat(client.command("NOOP")).isEqualTo("+OK");
            assertThat(client.command("QUIT")).isEqualTo("+OK 0 messages deleted");
            assertThat(client.closedByServer()).isTrue();
        }
    }

    @Test
    void retrSendsCrlfLineEndsAndStuffsLeadingDots() throws IOException {
        twoMessages();
        try (Pop3Client client = login(start(), BOX)) {
            assertThat(client.command("RETR 2")).isEqualTo("+OK 55 octets");
            // Pop3Client.line() fails on a line without CR, so every line here arrived with CRLF.
            assertThat(client.lines()).containsExactly("From: b@example.test", "Subject: two", "", "..leading dot",
                    "..", "last");
        }
    }

    @Test
    void aMessageWithoutAFinalLineEndGetsOne() throws IOException {
        DirectoryMaildrop.put(rig.root(), BOX, "m1", "Subject: x\r\n\r\nno end");
        try (Pop3Client client = login(start(), BOX)) {
            assertThat(client.command("RETR 1")).startsWith("+OK");
            assertThat(client.lines()).containsExactly("Subject: x", "", "no end");
        }
    }

    @Test
    void topSendsTheHeaderTheBlankLineAndNBodyLines() throws IOException {
        DirectoryMaildrop.put(rig.root(), BOX, "m1", "Subject: t\nX: y\n\nb1\n.b2\nb3\nb4\n");
        try (Pop3Client client = login(start(), BOX)) {
            assertThat(client.command("TOP 1 2")).isEqualTo("+OK top of message follows");
            assertThat(client.lines()).containsExactly("Subject: t", "X: y", "", "b1", "..b2");
            assertThat(client.command("TOP 1 0")).startsWith("+OK");
            assertThat(client.lines()).containsExactly("Subject: t", "X: y", "");
            assertThat(client.command("TOP 1 99")).startsWith("+OK");
            assertThat(client.lines()).containsExactly("Subject: t", "X: y", "", "b1", "..b2", "b3", "b4");
            assertThat(client.command("TOP 2 1")).isEqualTo("-ERR no such message");
            assertThat(client.command("TOP 1")).startsWith("-ERR");
        }
    }

    @Test
    void listAndUidlOfOneMessageAndOfAll() throws IOException {
        twoMessages();
        try (Pop3Client client = login(start(), BOX)) {
            assertThat(client.command("LIST 2")).isEqualTo("+OK 2 55");
            assertThat(client.command("LIST 3")).isEqualTo("-ERR no such message");
            assertThat(client.command("LIST 0")).isEqualTo("-ERR not a message number");
            assertThat(client.command("UIDL 1")).isEqualTo("+OK 1 m1");
            assertThat(client.command("UIDL")).isEqualTo("+OK unique-id listing follows");
            assertThat(client.lines()).containsExactly("1 m1", "2 m2");
        }
    }

    @Test
    void deleThenQuitDeletesTheMessage() throws IOException {
        twoMessages();
        InetSocketAddress address = start();
        try (Pop3Client client = login(address, BOX)) {
            assertThat(client.command("DELE 1")).isEqualTo("+OK message 1 deleted");
            assertThat(client.command("DELE 1")).isEqualTo("-ERR message already deleted");
            assertThat(client.command("RETR 1")).isEqualTo("-ERR no such message");
            assertThat(client.command("LIST 1")).isEqualTo("-ERR no such message");
            assertThat(client.command("STAT")).isEqualTo("+OK 1 55");
            assertThat(client.command("LIST")).startsWith("+OK");
            assertThat(client.lines()).containsExactly("2 55");
            assertThat(Files.exists(DirectoryMaildrop.folder(rig.root(), BOX).resolve("m1.eml"))).isTrue();
            assertThat(client.command("QUIT")).isEqualTo("+OK 1 messages deleted");
        }
        assertThat(Files.exists(DirectoryMaildrop.folder(rig.root(), BOX).resolve("m1.eml"))).isFalse();
        try (Pop3Client client = login(address, BOX)) {
            assertThat(client.command("UIDL")).startsWith("+OK");
            assertThat(client.lines()).containsExactly("1 m2");
        }
    }

    @Test
    void deleThenRsetKeepsTheMessage() throws IOException {
        twoMessages();
        try (Pop3Client client = login(start(), BOX)) {
            assertThat(client.command("DELE 2")).startsWith("+OK");
            assertThat(client.command("RSET")).isEqualTo("+OK maildrop has 2 messages (103 octets)");
            assertThat(client.command("LIST 2")).isEqualTo("+OK 2 55");
            assertThat(client.command("QUIT")).isEqualTo("+OK 0 messages deleted");
        }
        assertThat(Files.exists(DirectoryMaildrop.folder(rig.root(), BOX).resolve("m2.eml"))).isTrue();
    }

    @Test
    void aSessionEndedWithoutQuitDeletesNothing() throws IOException {
        twoMessages();
        InetSocketAddress address = start();
        try (Pop3Client client = login(address, BOX)) {
            assertThat(client.command("DELE 1")).startsWith("+OK");
        }
        try (Pop3Client client = login(address, BOX)) { // also: the lock went with the connection
            assertThat(client.command("STAT")).isEqualTo("+OK 2 103");
        }
    }

    @Test
    void theSnapshotIsTakenAtPass() throws IOException {
        DirectoryMaildrop.put(rig.root(), BOX, "m1", FIRST);
        InetSocketAddress address = start();
        try (Pop3Client client = login(address, BOX)) {
            DirectoryMaildrop.put(rig.root(), BOX, "m2", SECOND);
            assertThat(client.command("STAT")).isEqualTo("+OK 1 48");
            assertThat(client.command("QUIT")).startsWith("+OK");
        }
        try (Pop3Client client = login(address, BOX)) {
            assertThat(client.command("STAT")).isEqualTo("+OK 2 103");
        }
    }

    @Test
    void aMessageGoneSinceTheSnapshotIsAnError() throws IOException {
        twoMessages();
        try (Pop3Client client = login(start(), BOX)) {
            Files.delete(DirectoryMaildrop.folder(rig.root(), BOX).resolve("m1.eml"));
            assertThat(client.command("RETR 1")).isEqualTo("-ERR [SYS/TEMP] the message is no longer there");
            assertThat(client.command("RETR 2")).startsWith("+OK");
            assertThat(client.lines()).hasSize(6);
        }
    }

    @Test
    void theUserNameIsTheMailboxWhateverItsCase() throws IOException {
        twoMessages();
        InetSocketAddress address = start();
        try (Pop3Client client = login(address, "Alice@EXAMPLE.test")) {
            assertThat(client.command("STAT")).isEqualTo("+OK 2 103");
        }
        try (Pop3Client client = login(address, "bob@example.test")) {
            assertThat(client.command("STAT")).isEqualTo("+OK 0 0");
            assertThat(client.command("LIST")).startsWith("+OK");
            assertThat(client.lines()).isEmpty();
        }
    }

    @Test
    void commandsOutOfStateAreRefused() throws IOException {
        twoMessages();
        InetSocketAddress address = rig.start(Pop3Server.Settings.of(new InetSocketAddress("127.0.0.1", 0))
                .withMaxBadCommands(20)); // each refusal below counts
        try (Pop3Client client = new Pop3Client(address)) {
            client.line();
            for (String command : List.of("STAT", "LIST", "RETR 1", "DELE 1", "NOOP", "RSET", "TOP 1 1", "UIDL")) {
                assertThat(client.command(command)).as(command).isEqualTo("-ERR command not valid in this state");
            }
            assertThat(client.command("PASS x")).isEqualTo("-ERR USER first");
            assertThat(client.command("USER " + BOX)).startsWith("+OK");
            assertThat(client.command("PASS x")).startsWith("+OK");
            assertThat(client.command("USER " + BOX)).isEqualTo("-ERR command not valid in this state");
            assertThat(client.command("PASS x")).isEqualTo("-ERR command not valid in this state");
        }
    }

    @Test
    void unknownAndMalformedCommandsGetServerTextOnly() throws IOException {
        try (Pop3Client client = new Pop3Client(start())) {
            client.line();
            assertThat(client.command("APOP alice 0123456789abcdef")).isEqualTo("-ERR unknown command");
            assertThat(client.command("XYZZY <script>")).isEqualTo("-ERR unknown command");
            assertThat(client.command("USER")).isEqualTo("-ERR USER needs a name");
            assertThat(client.command("USER a  b")).startsWith("-ERR arguments are");
            assertThat(client.command("quit")).isEqualTo("+OK bye");
        }
    }

    @Test
    void passwordsAreEnforcedWhenUsersAreConfigured() throws IOException {
        twoMessages();
        InetSocketAddress address = rig.start(Pop3Server.Settings.of(new InetSocketAddress("127.0.0.1", 0))
                .withUsers(Map.of("Alice@Example.test", "s3cret pass")));
        try (Pop3Client client = new Pop3Client(address)) {
            client.line();
            client.command("USER " + BOX);
            assertThat(client.command("PASS wrong")).isEqualTo("-ERR [AUTH] invalid user name or password");
            assertThat(client.command("PASS s3cret pass")).isEqualTo("-ERR USER first");
            client.command("USER bob@example.test");
            assertThat(client.command("PASS s3cret pass")).isEqualTo("-ERR [AUTH] invalid user name or password");
            client.command("USER ALICE@example.test");
            assertThat(client.command("PASS s3cret pass")).isEqualTo("+OK maildrop has 2 messages (103 octets)");
        }
    }

    @Test
    void anyMailboxOpensWithOneOfThePasswords() throws IOException {
        twoMessages();
        InetSocketAddress address = rig.start(Pop3Server.Settings.of(new InetSocketAddress("127.0.0.1", 0))
                .withPasswords(List.of("first", "second")));
        try (Pop3Client client = new Pop3Client(address)) {
            client.line();
            client.command("USER " + BOX);
            assertThat(client.command("PASS firs")).isEqualTo("-ERR [AUTH] invalid user name or password");
            client.command("USER " + BOX);
            assertThat(client.command("PASS second")).isEqualTo("+OK maildrop has 2 messages (103 octets)");
            assertThat(client.command("QUIT")).startsWith("+OK");
        }
        try (Pop3Client client = new Pop3Client(address)) {
            client.line();
            client.command("USER nobody@example.test");
            assertThat(client.command("PASS first")).isEqualTo("+OK maildrop has 0 messages (0 octets)");
        }
    }

    @Test
    void aMaildropIsLockedWhileASessionHasIt() throws IOException {
        twoMessages();
        InetSocketAddress address = start();
        try (Pop3Client first = login(address, BOX); Pop3Client second = new Pop3Client(address)) {
            second.line();
            second.command("USER " + BOX);
            assertThat(second.command("PASS x")).isEqualTo("-ERR [IN-USE] maildrop already in use by another session");
            assertThat(first.command("QUIT")).startsWith("+OK");
            second.command("USER " + BOX);
            assertThat(second.command("PASS x")).startsWith("+OK maildrop has 2");
        }
    }

    @Test
    void capaBeforeAndAfterLogin() throws IOException {
        try (Pop3Client client = new Pop3Client(start())) {
            client.line();
            assertThat(client.command("CAPA")).isEqualTo("+OK capability list follows");
            assertThat(client.lines()).containsExactly("TOP", "UIDL", "RESP-CODES", "AUTH-RESP-CODE", "PIPELINING",
                    "USER", "IMPLEMENTATION Posthorn"); // no STLS: no certificate
            client.command("USER " + BOX);
            client.command("PASS x");
            assertThat(client.command("CAPA")).startsWith("+OK");
            assertThat(client.lines()).doesNotContain("USER").contains("TOP", "UIDL");
        }
    }

    @Test
    void pipelinedCommandsAreAnsweredInOrder() throws IOException {
        twoMessages();
        try (Pop3Client client = new Pop3Client(start())) {
            client.line();
            client.sendRaw("USER " + BOX + "\r\nPASS x\r\nSTAT\r\nUIDL\r\nDELE 2\r\nQUIT\r\n");
            assertThat(client.line()).startsWith("+OK");
            assertThat(client.line()).startsWith("+OK maildrop has 2");
            assertThat(client.line()).isEqualTo("+OK 2 103");
            assertThat(client.line()).startsWith("+OK");
            assertThat(client.lines()).containsExactly("1 m1", "2 m2");
            assertThat(client.line()).isEqualTo("+OK message 2 deleted");
            assertThat(client.line()).isEqualTo("+OK 1 messages deleted");
            assertThat(client.closedByServer()).isTrue();
        }
        assertThat(Files.exists(DirectoryMaildrop.folder(rig.root(), BOX).resolve("m2.eml"))).isFalse();
    }
}
