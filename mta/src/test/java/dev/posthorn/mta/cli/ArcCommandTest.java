package dev.posthorn.mta.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.posthorn.mailauth.dkim.KeyFile;
import dev.posthorn.mta.delivery.Maildir;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code posthorn arc sign} adds ARC sets that {@code posthorn arc verify} accepts with key records from a file, as
 * the interop test uses them; a changed body fails, and a Maildir file (LF line ends) is read as received.
 */
class ArcCommandTest {

    private static final String MESSAGE = "From: Alice <alice@posthorn.test>\r\nTo: list@posthorn.test\r\n"
            + "Subject: sealed\r\nDate: Sun, 6 Dec 2026 12:00:00 +0000\r\n\r\nhello\r\n\r\nbye\r\n";

    @TempDir
    Path dir;

    private final Terminal terminal = new Terminal();
    private Path records;
    private Path key;

    @BeforeEach
    void keys() throws Exception {
        KeyPair pair = KeyFile.generate("rsa");
        key = dir.resolve("arc1.pem");
        KeyFile.write(key, pair.getPrivate());
        records = Files.writeString(dir.resolve("records.zone"),
                KeyFile.dnsRecord("posthorn.test", "arc1", pair.getPublic()) + "\n");
    }

    private Path sign(Path message, String name) {
        Path out = dir.resolve(name);
        int rc = terminal.run("arc", "sign", "--key-record", records.toString(), "--domain", "posthorn.test",
                "--selector", "arc1", "--key", key.toString(), "--authserv-id", "mx.posthorn.test",
                "--results", "spf=pass smtp.mailfrom=posthorn.test", "--out", out.toString(), message.toString());
        assertThat(rc).as(terminal.err()).isZero();
        return out;
    }

    private int verify(Path message) {
        return terminal.run("arc", "verify", "--key-record", records.toString(), message.toString());
    }

    @Test
    void twoSetsSignedHereVerifyHere() throws Exception {
        Path once = sign(Files.writeString(dir.resolve("plain.eml"), MESSAGE), "once.eml");
        assertThat(Files.readString(once)).startsWith("ARC-Seal: i=1; cv=none;")
                .contains("ARC-Authentication-Results: i=1; mx.posthorn.test; arc=none;\r\n"
                        + "\tspf=pass smtp.mailfrom=posthorn.test\r\n");
        Path twice = sign(once, "twice.eml");
        assertThat(Files.readString(twice)).startsWith("ARC-Seal: i=2; cv=pass;");
        assertThat(verify(twice)).as(terminal.err()).isZero();
        assertThat(terminal.out()).startsWith("arc=pass (i=2 d=posthorn.test oldest-pass=0: chain of 2 validated)");
    }

    @Test
    void aChangedBodyFails() throws Exception {
        Path once = sign(Files.writeString(dir.resolve("plain.eml"), MESSAGE), "once.eml");
        // The body's last line only: the same letters may occur in a signature's base64.
        String sealed = Files.readString(once);
        assertThat(sealed).endsWith("\r\n\r\nbye\r\n");
        Path changed = Files.writeString(dir.resolve("changed.eml"),
                sealed.substring(0, sealed.length() - "bye\r\n".length()) + "ciao\r\n");
        assertThat(verify(changed)).isEqualTo(1);
        assertThat(terminal.out())
                .startsWith("arc=fail (i=1: ARC-Message-Signature i=1: body hash did not verify)");
    }

    @Test
    void theMaildirFilePosthornWritesPasses() throws Exception {
        Path once = sign(Files.writeString(dir.resolve("plain.eml"), MESSAGE), "once.eml");
        Path stored = new Maildir(dir.resolve("mail"), "bob", "mx.posthorn.test").store("alice@posthorn.test",
                "bob@posthorn.test", new ByteArrayInputStream(Files.readAllBytes(once)));
        assertThat(Files.readString(stored, StandardCharsets.ISO_8859_1)).doesNotContain("\r");
        assertThat(verify(stored)).as(terminal.out()).isZero();
    }

    @Test
    void aMessageWithoutSetsIsNone() throws Exception {
        assertThat(verify(Files.writeString(dir.resolve("plain.eml"), MESSAGE))).isEqualTo(1);
        assertThat(terminal.out()).startsWith("arc=none (i=0: no ARC sets)");
    }
}
