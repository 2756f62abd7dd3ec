package dev.posthorn.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;

/**
 * Fuzz targets for what an SMTP client sends: the command line, the paths in it and the ESMTP parameters. The
 * contract: a value, or {@link CommandSyntaxException} (a reply to send) for the command line and
 * {@link IllegalArgumentException} for a bare path; nothing else. A parsed MAIL or RCPT written out again parses back
 * equal. Without {@code JAZZER_FUZZ} these run over the committed corpus only ({@code *FuzzTestInputs/}).
 */
class CommandParserFuzzTest {

    @FuzzTest
    void commandLine(FuzzedDataProvider data) {
        boolean utf8 = data.consumeBoolean();
        byte[] line = data.consumeRemainingAsBytes();
        Command command;
        try {
            command = CommandParser.parse(line, utf8);
        } catch (CommandSyntaxException e) {
            assertThat(e.reply()).isNotNull();
            return;
        }
        assertThat(command).isNotNull();
        if (command instanceof Command.Mail mail) {
            assertThat(reparse("MAIL FROM:" + mail.from() + mail.parameters().toWire(), utf8)).isEqualTo(mail);
        } else if (command instanceof Command.Rcpt rcpt) {
            assertThat(reparse("RCPT TO:" + rcpt.to() + rcpt.parameters().toWire(), utf8)).isEqualTo(rcpt);
        }
    }

    @FuzzTest
    void mailbox(FuzzedDataProvider data) {
        boolean utf8 = data.consumeBoolean();
        String text = data.consumeRemainingAsString();
        Mailbox mailbox;
        try {
            mailbox = Mailbox.parse(text, utf8);
        } catch (IllegalArgumentException e) {
            return;
        }
        assertThat(Mailbox.parse(mailbox.toString(), utf8)).isEqualTo(mailbox);
    }

    @FuzzTest
    void esmtpParameters(FuzzedDataProvider data) {
        boolean mail = data.consumeBoolean();
        String text = data.consumeRemainingAsString();
        try {
            if (mail) {
                MailParameters parsed = MailParameters.parse(text);
                assertThat(MailParameters.parse(parsed.toWire().strip())).isEqualTo(parsed);
            } else {
                RcptParameters parsed = RcptParameters.parse(text);
                assertThat(RcptParameters.parse(parsed.toWire().strip())).isEqualTo(parsed);
            }
        } catch (CommandSyntaxException e) {
            assertThat(e.reply()).isNotNull();
        }
    }

    @FuzzTest
    void xtext(FuzzedDataProvider data) {
        String text = data.consumeRemainingAsString();
        String decoded;
        try {
            decoded = Xtext.decode(text);
        } catch (IllegalArgumentException e) {
            return;
        }
        assertThat(Xtext.decode(Xtext.encode(decoded))).isEqualTo(decoded);
    }

    private static Command reparse(String line, boolean utf8) {
        try {
            return CommandParser.parse(line.getBytes(StandardCharsets.UTF_8), utf8);
        } catch (CommandSyntaxException e) {
            throw new AssertionError("re-serialised command does not parse: " + line + ": " + e.reply(), e);
        }
    }
}
