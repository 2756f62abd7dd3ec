package dev.posthorn.mta.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.posthorn.mailauth.dkim.DkimSigner;
import dev.posthorn.mailauth.dkim.KeyFile;
import dev.posthorn.mailauth.dkim.SigningKey;
import dev.posthorn.mta.delivery.Maildir;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code posthorn dkim verify} checks a message as it is stored: a file with CRLF line ends as on the wire, and the
 * LF file Posthorn's own Maildir delivery writes (RFC 6376 3.4 canonicalizes the CRLF form, so the LF file is read
 * back as it was received).
 */
class DkimCommandTest {

    @TempDir
    Path dir;

    private final Terminal terminal = new Terminal();
    private Path records;
    private String signed;

    @BeforeEach
    void sign() throws Exception {
        KeyPair key = KeyFile.generate("ed25519");
        records = Files.writeString(dir.resolve("records.txt"),
                KeyFile.dnsRecord("posthorn.test", "ed1", key.getPublic()) + "\n");
        String message = "From: Alice <alice@posthorn.test>\r\nTo: bob@posthorn.test\r\nSubject: stored\r\n"
                + "Date: Sun, 6 Dec 2026 12:00:00 +0000\r\n\r\nhello\r\n\r\nbye\r\n";
        DkimSigner signer = new DkimSigner(Map.of("posthorn.test", List.of(new SigningKey("ed1", key.getPrivate()))),
                DkimSigner.DEFAULT_HEADERS, DkimSigner.DEFAULT_OVERSIGNED, Optional.empty(), Clock.systemUTC());
        signed = signer.sign(stream(message)) + message;
        assertThat(signed).startsWith("DKIM-Signature:");
    }

    private static ByteArrayInputStream stream(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aMessageWithCrlfLineEndsPasses() throws Exception {
        Path file = Files.writeString(dir.resolve("wire.eml"), signed);
        assertThat(terminal.run("dkim", "verify", "--key-record", records.toString(), file.toString()))
                .as(terminal.err()).isZero();
        assertThat(terminal.out()).startsWith("dkim=pass header.d=posthorn.test header.s=ed1");
    }

    @Test
    void theMaildirFilePosthornWritesPasses() throws Exception {
        Path file = new Maildir(dir.resolve("mail"), "bob", "mx.posthorn.test")
                .store("alice@posthorn.test", "bob@posthorn.test", stream(signed));
        assertThat(Files.readString(file)).doesNotContain("\r").contains("\nDKIM-Signature:");
        assertThat(terminal.run("dkim", "verify", "--key-record", records.toString(), file.toString()))
                .as(terminal.out() + terminal.err()).isZero();
        assertThat(terminal.out()).startsWith("dkim=pass header.d=posthorn.test header.s=ed1");
    }

    @Test
    void theMaildirFileOnStandardInputPasses() throws Exception {
        Path file = new Maildir(dir.resolve("mail"), "bob", "mx.posthorn.test")
                .store("alice@posthorn.test", "bob@posthorn.test", stream(signed));
        assertThat(terminal.runWithInput(Files.readString(file), "dkim", "verify", "--key-record",
                records.toString())).as(terminal.out() + terminal.err()).isZero();
        assertThat(terminal.out()).startsWith("dkim=pass header.d=posthorn.test header.s=ed1");
    }

    @Test
    void aChangedLfFileStillFails() throws Exception {
        Path file = new Maildir(dir.resolve("mail"), "bob", "mx.posthorn.test")
                .store("alice@posthorn.test", "bob@posthorn.test",
                        stream(signed.replace("\r\n\r\nbye\r\n", "\r\n\r\nbuy\r\n"))); // the body, not a b= value
        assertThat(terminal.run("dkim", "verify", "--key-record", records.toString(), file.toString())).isEqualTo(1);
        assertThat(terminal.out()).startsWith("dkim=fail header.d=posthorn.test header.s=ed1");
    }
}
