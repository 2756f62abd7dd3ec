package dev.posthorn.smtp;

import static org.assertj.core.api.Assertions.fail;

import java.nio.charset.StandardCharsets;

/** Test helper: runs {@link CommandParser} and turns its outcome into something a table row can compare. */
final class Parse {

    private Parse() {
    }

    static Command command(String line) {
        return command(line, false);
    }

    static Command command(String line, boolean utf8Recipients) {
        try {
            return CommandParser.parse(line.getBytes(StandardCharsets.UTF_8), utf8Recipients);
        } catch (CommandSyntaxException e) {
            throw new AssertionError("expected <" + line + "> to parse, but it was refused: " + e.reply(), e);
        }
    }

    /** The refusal as {@code "code status"}, e.g. {@code "501 5.1.7"}; fails the test if the line is accepted. */
    static String refusal(String line) {
        return refusal(line, false);
    }

    static String refusal(String line, boolean utf8Recipients) {
        return refusal(line.getBytes(StandardCharsets.UTF_8), utf8Recipients);
    }

    static String refusal(byte[] line, boolean utf8Recipients) {
        try {
            Command command = CommandParser.parse(line, utf8Recipients);
            return fail("expected <%s> to be refused, but it parsed as %s",
                    new String(line, StandardCharsets.UTF_8), command);
        } catch (CommandSyntaxException e) {
            return codeAndStatus(e.reply());
        }
    }

    static String codeAndStatus(Reply reply) {
        return reply.code() + " " + reply.enhancedStatus().map(EnhancedStatus::toString).orElse("-");
    }

    static Mailbox sender(String line) {
        return ((Command.Mail) command(line)).from().mailbox();
    }

    static ForwardPath recipient(String line, boolean utf8Recipients) {
        return ((Command.Rcpt) command(line, utf8Recipients)).to();
    }

    static MailParameters mailParameters(String parameters) {
        return ((Command.Mail) command("MAIL FROM:<sender@example.org>" + parameters)).parameters();
    }

    static RcptParameters rcptParameters(String parameters) {
        return ((Command.Rcpt) command("RCPT TO:<rcpt@example.org>" + parameters)).parameters();
    }

    static String repeat(char c, int n) {
        return String.valueOf(c).repeat(n);
    }
}
