package dev.posthorn.mta.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Messages as written by real clients and broken ones, parsed from their files. */
class MessageViewTest {

    @TempDir
    Path dir;

    private Path file(String text) throws Exception {
        return Files.write(dir.resolve("m.eml"), text.replace("\n", "\r\n").getBytes(StandardCharsets.ISO_8859_1));
    }

    @Test
    void headersAreDecodedAndUnfoldedInOrder() throws Exception {
        MessageView view = MessageView.read(file("""
                Received: from client.test
                \tby dev.posthorn.test; Mon, 7 Dec 2026 02:00:00 +0000
                Subject: =?UTF-8?Q?Gr=C3=BC=C3=9Fe?=
                 =?ISO-8859-1?Q?_aus_K=F6ln?=
                From: =?UTF-8?B?Wm/Dqw==?= <zoe@app.test>

                hello
                """));
        assertThat(view.headers()).extracting(MessageView.Header::name).containsExactly("Received", "Subject", "From");
        assertThat(view.headers().get(0).value()).isEqualTo("from client.test\tby dev.posthorn.test; Mon, 7 Dec 2026"
                + " 02:00:00 +0000");
        assertThat(view.headers().get(1).value()).isEqualTo("Grüße aus Köln");
        assertThat(view.headers().get(2).value()).isEqualTo("Zoë <zoe@app.test>");
        assertThat(view.text()).isEqualTo("hello\r\n");
        assertThat(view.html()).isNull();
        assertThat(view.attachments()).isEmpty();
    }

    @Test
    void alternativeInsideMixedGivesTextHtmlAndAttachments() throws Exception {
        String png = Base64.getMimeEncoder().encodeToString(new byte[] {(byte) 0x89, 'P', 'N', 'G', 0, 1, 2, 3});
        Path file = file("""
                Subject: nested
                MIME-Version: 1.0
                Content-Type: multipart/mixed; boundary="outer"

                --outer
                Content-Type: multipart/related; boundary="rel"

                --rel
                Content-Type: multipart/alternative; boundary="alt"

                --alt
                Content-Type: text/plain; charset=iso-8859-1
                Content-Transfer-Encoding: quoted-printable

                Caf=E9 ist offen
                --alt
                Content-Type: text/html; charset=utf-8

                <p>Caf\u00c3\u00a9 <img src="cid:logo@app"></p>
                --alt--
                --rel
                Content-Type: image/png
                Content-ID: <logo@app>
                Content-Transfer-Encoding: base64

                %s
                --rel--
                --outer
                Content-Type: application/pdf; name="x.pdf"
                Content-Disposition: attachment; filename*=UTF-8''R%%C3%%A9sum%%C3%%A9.pdf
                Content-Transfer-Encoding: base64

                JVBERi0xLjQK
                --outer
                Content-Type: text/plain
                Content-Disposition: attachment; filename="=?UTF-8?Q?notes_=C3=BC.txt?="

                second text, an attachment
                --outer--
                """.formatted(png));
        MessageView view = MessageView.read(file);
        assertThat(view.text()).isEqualTo("Café ist offen");
        assertThat(view.html()).isEqualTo("<p>Café <img src=\"cid:logo@app\"></p>");
        assertThat(view.attachments()).containsExactly(
                new MessageView.Attachment(0, null, "image/png", "logo@app", 8),
                new MessageView.Attachment(1, "Résumé.pdf", "application/pdf", null, 9),
                new MessageView.Attachment(2, "notes ü.txt", "text/plain", null, 26));
        ByteArrayOutputStream pdf = new ByteArrayOutputStream();
        MessageView.writeAttachment(file, 1, pdf);
        assertThat(pdf.toString(StandardCharsets.US_ASCII)).isEqualTo("%PDF-1.4\n");
        ByteArrayOutputStream image = new ByteArrayOutputStream();
        MessageView.writeAttachment(file, 0, image);
        assertThat(image.toByteArray()).containsExactly(0x89, 'P', 'N', 'G', 0, 1, 2, 3);
        assertThatThrownBy(() -> MessageView.writeAttachment(file, 3, new ByteArrayOutputStream()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aWholeMessageThatIsNotTextIsOneAttachment() throws Exception {
        MessageView view = MessageView.read(file("""
                Content-Type: application/octet-stream
                Content-Transfer-Encoding: base64

                AAECAw==
                """));
        assertThat(view.text()).isNull();
        assertThat(view.attachments()).containsExactly(
                new MessageView.Attachment(0, null, "application/octet-stream", null, 4));
    }

    @Test
    void bodiesAreCutAtTheLimit() throws Exception {
        MessageView view = MessageView.read(file("Subject: long\n\n"
                + ("x".repeat(99) + "\n").repeat(MessageView.MAX_BODY_CHARS / 100 + 10)));
        assertThat(view.text()).hasSize(MessageView.MAX_BODY_CHARS);
    }

    @Test
    void aMalformedMessageIsShownAsFarAsItParses() throws Exception {
        MessageView view = MessageView.read(file("""
                Subject: =?UTF-8?Q?broken
                Content-Type: multipart/mixed; boundary="never"
                Content-Transfer-Encoding: x-unknown

                no boundary ever appears here
                \u00ff\u00fe raw octets
                """));
        assertThat(view.headers()).extracting(MessageView.Header::value).contains("=?UTF-8?Q?broken");
        assertThat(view.text()).isNull();
        assertThat(view.attachments()).hasSize(1);
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        MessageView.writeAttachment(dir.resolve("m.eml"), 0, raw);
        assertThat(raw.toString(StandardCharsets.ISO_8859_1)).contains("no boundary ever appears here");
    }

    @Test
    void aLineTooLongToParseSafelyIsServedRaw() throws Exception {
        assertServedRaw(file("Subject: " + "x".repeat(MimeTree.MAX_LINE) + "\n\nbody\n"));
        assertThat(MessageView.read(file("Subject: " + "x".repeat(MimeTree.MAX_LINE - 12) + "\n\nbody\n"))
                .text()).isEqualTo("body\r\n");
    }

    private void assertServedRaw(Path file) throws Exception {
        MessageView view = MessageView.read(file);
        assertThat(view.headers()).isEmpty();
        assertThat(view.attachments()).containsExactly(
                new MessageView.Attachment(0, null, "message/rfc822", null, Files.size(file)));
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        MessageView.writeAttachment(file, 0, raw);
        assertThat(raw.toByteArray()).isEqualTo(Files.readAllBytes(file));
        assertThatThrownBy(() -> MessageView.writeAttachment(file, 1, OutputStream.nullOutputStream()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(MessageFacts.read(file)).isEqualTo(MessageFacts.EMPTY);
    }

    @Test
    void aHeaderSectionOverTheLimitIsServedRaw() throws Exception {
        String filler = "X-Filler: " + "f".repeat(978) + "\n";
        int lines = MimeLimits.MAX_HEADER_BYTES / filler.length() + 1;
        assertServedRaw(file("Subject: long\n" + filler.repeat(lines) + "\nbody\n"));
        assertThat(MessageView.read(file("Subject: long\n" + filler.repeat(lines / 2) + "\nbody\n")).text())
                .isEqualTo("body\r\n");
    }

    @Test
    void tooManyHeaderFieldsAreServedRaw() throws Exception {
        assertServedRaw(file("Subject: many\n" + "X: y\n".repeat(MimeLimits.MAX_HEADER_LINES) + "\nbody\n"));
    }

    @Test
    void partHeadersCountTowardsTheLimit() throws Exception {
        String header = "X-Part: " + "p".repeat(980) + "\n";
        String part = "--b\nContent-Type: text/plain\n" + header.repeat(300) + "\nx\n";
        assertServedRaw(file("Subject: parts\nContent-Type: multipart/mixed; boundary=b\n\n"
                + part.repeat(10) + "--b--\n"));
    }

    @Test
    void tooManyPartsAreServedRaw() throws Exception {
        String part = "--b\nContent-Type: text/plain\n\nx\n";
        String head = "Subject: parts\nContent-Type: multipart/mixed; boundary=b\n\n";
        assertServedRaw(file(head + part.repeat(MimeLimits.MAX_PARTS) + "--b--\n"));
        MessageView view = MessageView.read(file(head + part.repeat(MimeLimits.MAX_PARTS - 1) + "--b--\n"));
        assertThat(view.text()).isEqualTo("x");
        assertThat(view.attachments()).hasSize(MimeLimits.MAX_PARTS - 2);
    }

    @Test
    void aPreambleOverTheLimitIsServedRaw() throws Exception {
        String line = "p".repeat(998) + "\n";
        String head = "Subject: preamble\nContent-Type: multipart/mixed;\n boundary=b\n\n";
        assertServedRaw(file(head + line.repeat(MimeLimits.MAX_HEADER_BYTES / line.length() + 1)
                + "--b\n\nx\n--b--\n"));
        // multipart/ outside a Content-Type field makes no preamble: a long text body is parsed.
        String body = "Subject: about multipart/mixed\nX-Note: multipart/mixed\n"
                + "Content-Type: text/plain;\n charset=us-ascii\n\n"
                + line.repeat(MimeLimits.MAX_HEADER_BYTES / line.length() + 1);
        assertThat(MessageView.read(file(body)).text()).startsWith("ppp");
    }

    @Test
    void aMalformedMessageIsStoredWithEmptyFields() throws Exception {
        MessageFacts facts = MessageFacts.read(file("""
                From: <<<@@@
                Date: yesterday-ish
                Content-Type: multipart/alternative

                --
                """));
        assertThat(facts.subject()).isEmpty();
        assertThat(facts.date()).isNull();
        assertThat(MessageFacts.read(dir.resolve("missing.eml"))).isEqualTo(MessageFacts.EMPTY);
    }
}
