package dev.posthorn.smtp.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * SMTP smuggling (CVE-2023-51764/51765/51766): only CRLF.CRLF ends DATA. Every other line-end dialect around a dot
 * stays inside the message, normalised to CRLF, so a later hop cannot see a second message in it.
 */
class SmtpSmugglingTest {

    private static final String HEAD = "Subject: hi<CRLF><CRLF>innocent";
    private static final String SMUGGLED = "MAIL FROM:<evil@example.org><CRLF>RCPT TO:<victim@example.org><CRLF>"
            + "DATA<CRLF>From: ceo@example.org<CRLF><CRLF>smuggled<CRLF>";

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            <LF>.<LF>              | <CRLF>.<CRLF>          | 2
            <CR>.<CR>              | <CRLF>.<CRLF>          | 2
            <LF>.<CRLF>            | <CRLF>.<CRLF>          | 1
            <CRLF>.<LF>            | <CRLF>.<CRLF>          | 1
            <CRLF>.<CR>            | <CRLF>.<CRLF>          | 1
            <CR>.<CRLF>            | <CRLF>.<CRLF>          | 1
            <LF>.<CR>              | <CRLF>.<CRLF>          | 2
            <CR>.<LF>              | <CRLF>.<CRLF>          | 2
            <LF><CR>.<CR><LF>      | <CRLF><CRLF>.<CRLF>    | 2
            <CRLF>.<CR><CR><LF>    | <CRLF>.<CRLF><CRLF>    | 1
            <CRLF>.<LF><LF>        | <CRLF>.<CRLF><CRLF>    | 2
            <LF>..<LF>             | <CRLF>..<CRLF>         | 2
            <CR>..<CR>             | <CRLF>..<CRLF>         | 2
            <LF>..<CRLF>           | <CRLF>..<CRLF>         | 1
            <CR>..<CRLF>           | <CRLF>..<CRLF>         | 1
            <CRLF>..<LF>           | <CRLF>.<CRLF>          | 1
            <CRLF>..<CR>           | <CRLF>.<CRLF>          | 1
            <CRLF>..<CRLF>         | <CRLF>.<CRLF>          | 0
            <CRLF>. <CRLF>         | <CRLF> <CRLF>          | 0
            """)
    void dotBetweenNonCrlfLineEndsDoesNotEndData(String variant, String stored, long bareLineEnds)
            throws IOException {
        String wire = HEAD + variant + SMUGGLED + ".<CRLF>QUIT<CRLF>";

        DotUnstuffingInputStreamTest.Outcome outcome = DotUnstuffingInputStreamTest.unstuff(wire);

        assertThat(outcome.body()).isEqualTo(HEAD + stored + SMUGGLED);
        assertThat(outcome.bareLineEnds()).isEqualTo(bareLineEnds);
        assertThat(outcome.next()).isEqualTo("QUIT");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"<LF>.<LF>", "<CR>.<CR>", "<LF>.<CRLF>", "<CRLF>.<LF>", "<CRLF>.<CR>", "<CR>.<CRLF>",
            "<LF>.<CR>", "<CR>.<LF>", "<LF>..<LF>", "<CR>..<CR>", "<CRLF>..<LF>", "<LF>..<CRLF>", "<CRLF>..<CRLF>"})
    void smugglingVariantNeverEndsTheMessage(String variant) {
        DotUnstuffingInputStream data = new DotUnstuffingInputStream(Wire.reader("a" + variant + SMUGGLED));

        assertThatThrownBy(data::readAllBytes).isInstanceOf(EOFException.class);
        assertThat(data.isComplete()).isFalse();
    }

    /** The CRLF of the DATA command line starts the first line, so the body may begin with the dot. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            .<LF>x<CRLF>       | .<CRLF>x<CRLF>    | 1
            .<CR>x<CRLF>       | .<CRLF>x<CRLF>    | 1
            ..<LF>x<CRLF>      | .<CRLF>x<CRLF>    | 1
            ..<CR>x<CRLF>      | .<CRLF>x<CRLF>    | 1
            .<CR><CR><LF>x<CRLF> | .<CRLF><CRLF>x<CRLF> | 1
            """)
    void dotWithABareLineEndRightAfterTheDataCommandDoesNotEndData(String wire, String stored, long bareLineEnds)
            throws IOException {
        DotUnstuffingInputStreamTest.Outcome outcome =
                DotUnstuffingInputStreamTest.unstuff(wire + ".<CRLF>QUIT<CRLF>");

        assertThat(outcome).isEqualTo(new DotUnstuffingInputStreamTest.Outcome(stored, bareLineEnds, "QUIT"));
    }

    @Test
    void onlyCrlfDotCrlfEndsData() throws IOException {
        DotUnstuffingInputStreamTest.Outcome outcome =
                DotUnstuffingInputStreamTest.unstuff("a<CRLF>.<CRLF>" + SMUGGLED + ".<CRLF>");

        assertThat(outcome.body()).isEqualTo("a<CRLF>");
        assertThat(outcome.next()).isEqualTo("MAIL FROM:<evil@example.org>");
    }

    @Test
    void storedSmuggledMessageIsRelayedAsOneMessage() throws IOException {
        String wire = HEAD + "<LF>.<LF>" + SMUGGLED + ".<CRLF>";
        DotUnstuffingInputStream received = new DotUnstuffingInputStream(Wire.reader(wire));
        byte[] stored = received.readAllBytes();

        ByteArrayOutputStream relayed = new ByteArrayOutputStream();
        try (DotStuffingOutputStream out = new DotStuffingOutputStream(relayed)) {
            out.write(stored);
        }
        String onward = Wire.show(relayed.toByteArray());

        assertThat(onward).isEqualTo(HEAD + "<CRLF>..<CRLF>" + SMUGGLED + ".<CRLF>");
        assertThat(onward.indexOf("<CRLF>.<CRLF>")).isEqualTo(onward.length() - "<CRLF>.<CRLF>".length());
    }
}
