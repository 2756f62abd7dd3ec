package dev.posthorn.mta.sendmail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import org.junit.jupiter.api.Test;

/** A message from standard input: line ends, the dot line, bounds, the header's recipients and added fields. */
class LocalMessageTest {

    private static final ZonedDateTime NOW = ZonedDateTime.of(2026, 12, 6, 21, 30, 0, 0, ZoneOffset.UTC);

    private static LocalMessage read(String text, boolean dotEnds, long max) throws IOException {
        return LocalMessage.read(new ByteArrayInputStream(text.getBytes(StandardCharsets.ISO_8859_1)), dotEnds, max);
    }

    private static String stored(LocalMessage message) throws IOException {
        return new String(message.stream().readAllBytes(), StandardCharsets.ISO_8859_1);
    }

    private static Sysexit refusal(String text, boolean dotEnds, long max) {
        try {
            stored(read(text, dotEnds, max));
        } catch (SubmissionException e) {
            return e.status();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        throw new AssertionError("accepted: " + text);
    }

    @Test
    void lfLinesAreStoredWithCrlfAndADotLineEndsTheMessage() throws Exception {
        LocalMessage m = read("Subject: hi\nTo: a@example.org\n\nline\n..two dots stay\n.\nafter the dot\n", true,
                10_000);
        assertThat(stored(m)).isEqualTo("Subject: hi\r\nTo: a@example.org\r\n\r\nline\r\n..two dots stay\r\n");
    }

    @Test
    void withDashIADotLineIsJustALineAndCrlfInputStaysAsItIs() throws Exception {
        LocalMessage m = read("Subject: hi\r\n\r\n.\r\nend", false, 10_000);
        assertThat(stored(m)).isEqualTo("Subject: hi\r\n\r\n.\r\nend\r\n");
    }

    @Test
    void foldedFieldsStayFoldedAndABodyWithoutHeaderGetsAnEmptyLineBeforeIt() throws Exception {
        assertThat(stored(read("To: a@example.org,\n b@example.org\n\nx\n", true, 10_000)))
                .isEqualTo("To: a@example.org,\r\n b@example.org\r\n\r\nx\r\n");
        assertThat(stored(read("just text\nmore\n", true, 10_000))).isEqualTo("\r\njust text\r\nmore\r\n");
    }

    @Test
    void anMboxSeparatorOnTheFirstLineIsDropped() throws Exception {
        LocalMessage m = read("From 1234abcd Mon Sep 17 00:00:00 2001\nFrom: Dev <dev@example.org>\nSubject: [PATCH]\n"
                + "\nFrom the body\n", false, 10_000);
        assertThat(m.has("From")).isTrue();
        assertThat(stored(m)).isEqualTo("From: Dev <dev@example.org>\r\nSubject: [PATCH]\r\n\r\nFrom the body\r\n");
    }

    @Test
    void dashTTakesToCcAndBccAndBccIsRemoved() throws Exception {
        LocalMessage m = read("""
                From: Alice <alice@example.org>
                To: Bob <bob@example.org>, "Carol, C." <carol@example.org>
                Cc: undisclosed:;, dave@example.org (Dave)
                Bcc: eve@example.org
                Subject: s

                body
                """, true, 10_000);
        assertThat(m.headerRecipients()).containsExactly("bob@example.org", "carol@example.org", "dave@example.org",
                "eve@example.org");
        m.complete("alice@example.org", null, "ID@mx.example.org", NOW);
        String text = stored(m);
        assertThat(text).doesNotContainIgnoringCase("bcc").doesNotContain("eve@");
        assertThat(text).contains("Date: Sun, 6 Dec 2026 21:30:00 +0000\r\nMessage-ID: <ID@mx.example.org>\r\n\r\n");
        assertThat(text).startsWith("From: Alice <alice@example.org>\r\n");
    }

    @Test
    void missingFromDateAndMessageIdAreAddedAndPresentOnesKept() throws Exception {
        LocalMessage m = read("Subject: cron\n\nout\n", true, 10_000);
        m.complete("root@mx.example.org", "Cron Daemon", "X@mx.example.org", NOW);
        assertThat(stored(m)).isEqualTo("Subject: cron\r\nFrom: \"Cron Daemon\" <root@mx.example.org>\r\n"
                + "Date: Sun, 6 Dec 2026 21:30:00 +0000\r\nMessage-ID: <X@mx.example.org>\r\n\r\nout\r\n");
        LocalMessage kept = read("from: a@b.example\nDATE: x\nmessage-id: <y@z>\n\n", true, 10_000);
        kept.complete("root@mx.example.org", null, "X@mx.example.org", NOW);
        assertThat(stored(kept)).isEqualTo("from: a@b.example\r\nDATE: x\r\nmessage-id: <y@z>\r\n\r\n");
        assertThat(LocalMessage.phrase("Zoë \"Z\"")).isEqualTo("=?UTF-8?B?Wm/DqyAiWiI=?=");
        assertThat(LocalMessage.phrase("A \"B\" \\")).isEqualTo("\"A \\\"B\\\" \\\\\"");
    }

    @Test
    void lineLimitIs998OctetsWithEitherLineEnd() throws Exception {
        String longest = "x".repeat(998);
        assertThat(stored(read("S: a\n\n" + longest + "\n", true, 10_000))).endsWith(longest + "\r\n");
        assertThat(stored(read("S: a\r\n\r\n" + longest + "\r\n", true, 10_000))).endsWith(longest + "\r\n");
        assertThat(refusal("S: a\n\n" + longest + "x\n", true, 10_000)).isEqualTo(Sysexit.DATAERR);
        assertThat(refusal("S: a\r\n\r\n" + longest + "x\r\n", true, 10_000)).isEqualTo(Sysexit.DATAERR);
    }

    @Test
    void mixedLineEndsBareCrAndNulAreRefused() {
        assertThat(refusal("S: a\r\n\r\nbody\nmore\r\n", true, 10_000)).isEqualTo(Sysexit.DATAERR);
        assertThat(refusal("S: a\n\nbody\r\n", true, 10_000)).isEqualTo(Sysexit.DATAERR);
        assertThat(refusal("S: a\n\nbo\rdy\n", true, 10_000)).isEqualTo(Sysexit.DATAERR);
        assertThat(refusal("S: a\n\nbo\0dy\n", true, 10_000)).isEqualTo(Sysexit.DATAERR);
        assertThatThrownBy(() -> stored(read("S: a\n\nline\nsecond\r\n", true, 10_000)))
                .hasMessage("line 4 ends in CRLF where the lines before end in LF (line ends must not be mixed)");
    }

    @Test
    void aMessageOverTheSizeLimitIsRefusedCountingCrlf() throws Exception {
        // "S: a\r\n\r\n" is 8 octets, each body line 5 + 2.
        assertThat(stored(read("S: a\n\n12345\n12345\n", true, 22))).hasSize(22);
        assertThat(refusal("S: a\n\n12345\n12345\n1\n", true, 22)).isEqualTo(Sysexit.DATAERR);
    }
}
