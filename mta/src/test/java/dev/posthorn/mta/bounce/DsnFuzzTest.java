package dev.posthorn.mta.bounce;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.InternetHeaders;
import java.io.IOException;
import java.util.Collections;

/**
 * Fuzz target for the tests' DSN reader ({@link Dsns#read}): a report that the bounce and relay tests assert on is
 * read by it, and so is whatever another MTA might send back. Whatever the bytes, it returns a report whose fields
 * can all be read, or throws {@link MessagingException} or {@link IOException}. The seed corpus holds real reports:
 * Posthorn's own failure, delay and success reports, and failure reports as Postfix, Exim and a large mailbox
 * provider write them, one with a global (UTF-8) delivery status, one with headers only.
 */
class DsnFuzzTest {

    @FuzzTest
    void report(byte[] message) {
        Dsns.Dsn dsn;
        try {
            dsn = Dsns.read(message);
        } catch (MessagingException | IOException e) {
            return;
        }
        InternetHeaders perMessage = dsn.status().getMessageDSN();
        if (perMessage != null) {
            assertThat(Collections.list(perMessage.getAllHeaderLines())).doesNotContainNull();
        }
        for (int i = 0; i < dsn.status().getRecipientDSNCount(); i++) {
            assertThat(Collections.list(dsn.status().getRecipientDSN(i).getAllHeaderLines())).doesNotContainNull();
        }
    }
}
