package dev.posthorn.mta.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The Message-ID for the mail log, found while the message is copied into the spool. */
class MessageIdCaptureTest {

    private static String captured(String message) throws Exception {
        byte[] bytes = message.replace("|", "\r\n").getBytes(StandardCharsets.ISO_8859_1);
        MessageIdCapture capture = new MessageIdCapture(new ByteArrayInputStream(bytes));
        assertThat(capture.transferTo(OutputStream.nullOutputStream())).isEqualTo(bytes.length);
        return String.valueOf(capture.messageId());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = ';', value = {
        "Subject: x|Message-ID: <a@b.example>|To: y||body;<a@b.example>",
        "message-id:<a@b.example>||body;<a@b.example>",
        "MESSAGE-ID:   <a@b.example>   |;<a@b.example>",
        "Message-ID:|  <folded@b.example>|Subject: x||;<folded@b.example>",
        "Message-ID: <first@b>|Message-ID: <second@b>||;<first@b>",
        "Subject: x||Message-ID: <in-body@b>|;null",
        "Subject: x|X-Message-ID: <other@b>||;null",
        "Subject: Message-ID: <in-value@b>||;null",
        "Subject: x;null",
    })
    void theFirstMessageIdOfTheHeaderSection(String message, String expected) throws Exception {
        assertThat(captured(message)).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"\n", "\r\n"})
    void bareLfLinesToo(String end) throws Exception {
        byte[] bytes = ("Subject: x" + end + "Message-ID: <lf@b>" + end + end + "Message-ID: <no@b>" + end)
                .getBytes(StandardCharsets.US_ASCII);
        MessageIdCapture capture = new MessageIdCapture(new ByteArrayInputStream(bytes));
        capture.transferTo(OutputStream.nullOutputStream());
        assertThat(capture.messageId()).isEqualTo("<lf@b>");
    }

    @Test
    void aLongValueIsCut() throws Exception {
        // The value's first MAX octets (its leading space among them), then stripped.
        assertThat(captured("Message-ID: <" + "x".repeat(10_000) + ">||"))
                .isEqualTo("<" + "x".repeat(MessageIdCapture.MAX - 2));
    }
}
