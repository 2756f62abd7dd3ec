package dev.posthorn.mta.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.posthorn.mailauth.dkim.DkimSigner;
import dev.posthorn.mailauth.dkim.KeyFile;
import dev.posthorn.mailauth.dkim.SigningKey;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Signing the spool file before the commit: only a header section too large to sign lets a message go on unsigned;
 * a failure to read the file back is the daemon's, and the client is told to try again (451 4.3.0), since unsigned
 * mail from a domain that publishes DMARC would be refused or junked at the receivers.
 */
class SigningReadErrorTest {

    private static final String HEADER = "From: alice@posthorn.test\r\nTo: bob@far.test\r\nSubject: hi\r\n\r\n";

    private static DkimSigner signer() throws Exception {
        return new DkimSigner(Map.of("posthorn.test", List.of(new SigningKey("s1",
                KeyFile.generate("ed25519").getPrivate()))), DkimSigner.DEFAULT_HEADERS,
                DkimSigner.DEFAULT_OVERSIGNED, Optional.of(Duration.ofDays(1)), Clock.systemUTC());
    }

    /** The header section, then a body whose read fails as a disk's does. */
    private static InputStream failingAfterHeader() {
        InputStream failing = new InputStream() {
            @Override
            public int read() throws IOException {
                throw new IOException("Input/output error");
            }
        };
        return new SequenceInputStream(new ByteArrayInputStream(HEADER.getBytes(StandardCharsets.US_ASCII)),
                failing);
    }

    @Test
    void aReadErrorIsNotTakenForATooLargeHeaderSection() throws Exception {
        assertThatThrownBy(() -> SpoolSink.sign(signer(), failingAfterHeader(), "01READ"))
                .isInstanceOf(IOException.class).hasMessage("Input/output error");
    }

    @Test
    void aHeaderSectionTooLargeToSignGoesOnUnsigned() throws Exception {
        String huge = "From: alice@posthorn.test\r\n" + ("X-Filler: " + "x".repeat(990) + "\r\n").repeat(1100)
                + "\r\nbody\r\n";
        assertThat(SpoolSink.sign(signer(), new ByteArrayInputStream(huge.getBytes(StandardCharsets.US_ASCII)),
                "01HUGE")).isEmpty();
    }

    @Test
    void aMessageReadWholeIsSigned() throws Exception {
        String message = HEADER + "body\r\n";
        assertThat(SpoolSink.sign(signer(), new ByteArrayInputStream(message.getBytes(StandardCharsets.US_ASCII)),
                "01OK")).startsWith("DKIM-Signature:");
    }
}
