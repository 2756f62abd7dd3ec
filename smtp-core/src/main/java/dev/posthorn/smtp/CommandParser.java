package dev.posthorn.smtp;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Parses one command line (without its CRLF) into a {@link Command}. Pure: it knows nothing of session state except
 * whether UTF-8 recipients are allowed (the transaction's MAIL carried SMTPUTF8, RFC 6531 3.4).
 *
 * <p>Verbs and keywords are case-insensitive (RFC 5321 2.4). Paths follow the strict grammar of RFC 5321 4.1.2, with
 * one leniency real clients need: spaces between {@code FROM:}/{@code TO:} and the path.
 */
public final class CommandParser {

    /** RFC 4954 4: an AUTH mechanism name is at most 20 characters. */
    private static final int MAX_MECHANISM = 20;

    private CommandParser() {
    }

    /**
     * @param line           the command line without CRLF
     * @param utf8Recipients whether RCPT may carry UTF-8 addresses
     * @throws CommandSyntaxException with the reply to send when the line is not a valid command
     */
    public static Command parse(byte[] line, boolean utf8Recipients) throws CommandSyntaxException {
        String text = decode(line);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                throw new CommandSyntaxException(Replies.syntax("Invalid character in command"));
            }
        }
        int space = text.indexOf(' ');
        String verb = space < 0 ? text : text.substring(0, space);
        if (!isAscii(verb)) {
            // Verbs are ASCII (RFC 5321 4.1.1); Unicode case mapping would turn "MA\u0131L" into "MAIL".
            throw new CommandSyntaxException(Replies.UNKNOWN_COMMAND);
        }
        verb = verb.toUpperCase(Locale.ROOT);
        String rest = space < 0 ? "" : text.substring(space + 1);
        return switch (verb) {
            case "HELO" -> new Command.Helo(hostArgument(rest, "HELO"));
            case "EHLO" -> new Command.Ehlo(hostArgument(rest, "EHLO"));
            case "MAIL" -> mail(rest);
            case "RCPT" -> rcpt(rest, utf8Recipients);
            case "DATA" -> noArguments(rest, new Command.Data());
            case "BDAT" -> bdat(rest);
            case "RSET" -> noArguments(rest, new Command.Rset());
            case "NOOP" -> new Command.Noop();
            case "QUIT" -> noArguments(rest, new Command.Quit());
            case "VRFY" -> new Command.Vrfy(required(rest, "VRFY needs an argument"));
            case "EXPN" -> new Command.Expn(required(rest, "EXPN needs an argument"));
            case "HELP" -> new Command.Help(rest.isBlank() ? null : rest.strip());
            case "STARTTLS" -> noArguments(rest, new Command.StartTls());
            case "AUTH" -> auth(rest);
            case "ETRN" -> etrn(rest);
            default -> throw new CommandSyntaxException(Replies.UNKNOWN_COMMAND);
        };
    }

    private static String decode(byte[] line) throws CommandSyntaxException {
        try {
            CharBuffer chars = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(line));
            return chars.toString();
        } catch (CharacterCodingException e) {
            throw new CommandSyntaxException(Replies.INVALID_UTF8);
        }
    }

    private static String hostArgument(String rest, String verb) throws CommandSyntaxException {
        String arg = required(rest, verb + " requires a domain or address literal");
        if (arg.indexOf(' ') >= 0) {
            throw new CommandSyntaxException(Replies.syntax(verb + " takes one domain or address literal"));
        }
        return arg;
    }

    private static Command mail(String rest) throws CommandSyntaxException {
        String args = keyword(rest, "FROM:", "Syntax: MAIL FROM:<address>");
        int end = pathEnd(args);
        String pathText = args.substring(0, end);
        MailParameters parameters = MailParameters.parse(parametersPart(args, end));
        try {
            Mailbox mailbox = PathGrammar.path(pathText, parameters.smtpUtf8(), true);
            return new Command.Mail(mailbox == null ? ReversePath.NULL : ReversePath.of(mailbox), parameters);
        } catch (IllegalArgumentException e) {
            if (Ascii.hasInvisible(pathText)) {
                throw new CommandSyntaxException(Replies.INVISIBLE_IN_SENDER);
            }
            if (!parameters.smtpUtf8() && !isAscii(pathText) && isUtf8Path(pathText)) {
                throw new CommandSyntaxException(Replies.NON_ASCII_ADDRESS);
            }
            throw new CommandSyntaxException(Replies.BAD_SENDER_SYNTAX);
        }
    }

    private static Command rcpt(String rest, boolean utf8) throws CommandSyntaxException {
        String args = keyword(rest, "TO:", "Syntax: RCPT TO:<address>");
        int end = pathEnd(args);
        String pathText = args.substring(0, end);
        RcptParameters parameters = RcptParameters.parse(parametersPart(args, end));
        if (Ascii.equalsIgnoreCase(pathText, "<postmaster>")) {
            return new Command.Rcpt(ForwardPath.POSTMASTER, parameters);
        }
        try {
            return new Command.Rcpt(ForwardPath.of(PathGrammar.path(pathText, utf8, false)), parameters);
        } catch (IllegalArgumentException e) {
            if (Ascii.hasInvisible(pathText)) {
                throw new CommandSyntaxException(Replies.INVISIBLE_IN_RECIPIENT);
            }
            if (!utf8 && !isAscii(pathText) && isUtf8Path(pathText)) {
                throw new CommandSyntaxException(Replies.NON_ASCII_ADDRESS);
            }
            throw new CommandSyntaxException(Replies.BAD_RECIPIENT_SYNTAX);
        }
    }

    /** Strips {@code FROM:} or {@code TO:} (any case) and the spaces some clients put after it. */
    private static String keyword(String rest, String keyword, String usage) throws CommandSyntaxException {
        if (!rest.regionMatches(true, 0, keyword, 0, keyword.length())) {
            throw new CommandSyntaxException(Replies.syntax(usage));
        }
        int start = keyword.length();
        while (start < rest.length() && rest.charAt(start) == ' ') {
            start++; // SP only: String.stripLeading would also skip Unicode spaces such as U+2003
        }
        String args = rest.substring(start);
        if (!args.startsWith("<")) {
            throw new CommandSyntaxException(Replies.syntax(usage));
        }
        return args;
    }

    /** The index just past the closing {@code >} of the path that starts {@code args}, skipping quoted parts. */
    private static int pathEnd(String args) throws CommandSyntaxException {
        boolean quoted = false;
        for (int i = 1; i < args.length(); i++) {
            char c = args.charAt(i);
            if (quoted && c == '\\') {
                i++;
            } else if (c == '"') {
                quoted = !quoted;
            } else if (c == '>' && !quoted) {
                return i + 1;
            }
        }
        throw new CommandSyntaxException(Replies.syntax("Path is not closed with >"));
    }

    private static String parametersPart(String args, int pathEnd) throws CommandSyntaxException {
        String params = args.substring(pathEnd);
        if (!params.isEmpty() && params.charAt(0) != ' ') {
            throw new CommandSyntaxException(Replies.syntax("Parameters must follow the path after a space"));
        }
        return params.strip();
    }

    /** Whether the path would be valid with SMTPUTF8 (to tell 553 5.6.7 from a plain syntax error). */
    private static boolean isUtf8Path(String pathText) {
        try {
            PathGrammar.path(pathText, true, true);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static boolean isAscii(String s) {
        return s.chars().allMatch(c -> c < 0x80);
    }

    private static Command bdat(String rest) throws CommandSyntaxException {
        String[] parts = rest.strip().split(" +");
        if (parts.length < 1 || parts.length > 2 || parts[0].isEmpty() || parts[0].length() > 18
                || !parts[0].chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new CommandSyntaxException(Replies.syntax("Syntax: BDAT size [LAST]"));
        }
        boolean last = parts.length == 2;
        if (last && !Ascii.equalsIgnoreCase(parts[1], "LAST")) {
            throw new CommandSyntaxException(Replies.syntax("Syntax: BDAT size [LAST]"));
        }
        return new Command.Bdat(Long.parseLong(parts[0]), last);
    }

    private static Command auth(String rest) throws CommandSyntaxException {
        String[] parts = rest.strip().split(" +");
        if (parts.length < 1 || parts.length > 2 || parts[0].isEmpty()) {
            throw new CommandSyntaxException(Replies.syntax("Syntax: AUTH mechanism [initial-response]"));
        }
        String mechanism = parts[0].toUpperCase(Locale.ROOT);
        if (!isAscii(parts[0]) || mechanism.length() > MAX_MECHANISM
                || !mechanism.chars().allMatch(c -> c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_')) {
            throw new CommandSyntaxException(Replies.syntax("Invalid mechanism name"));
        }
        String initial = parts.length == 2 ? parts[1] : null;
        if (initial != null && !initial.equals("=") && !isBase64(initial)) {
            throw new CommandSyntaxException(Replies.INVALID_BASE64);
        }
        return new Command.Auth(mechanism, initial);
    }

    private static boolean isBase64(String s) {
        return s.chars().allMatch(c -> c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9'
                || c == '+' || c == '/' || c == '=');
    }

    private static Command etrn(String rest) throws CommandSyntaxException {
        String node = required(rest, "Syntax: ETRN [@]domain or ETRN #queue");
        boolean valid = node.startsWith("#")
                ? node.length() > 1 && node.substring(1).chars().allMatch(c -> Ascii.isAtext(c, false) || c == '.')
                : Domain.isValid(node.startsWith("@") ? node.substring(1) : node);
        if (!valid || !isAscii(node)) {
            throw new CommandSyntaxException(Replies.syntax("Syntax: ETRN [@]domain or ETRN #queue"));
        }
        return new Command.Etrn(node);
    }

    private static String required(String rest, String usage) throws CommandSyntaxException {
        String arg = rest.strip();
        if (arg.isEmpty()) {
            throw new CommandSyntaxException(Replies.syntax(usage));
        }
        return arg;
    }

    private static Command noArguments(String rest, Command command) throws CommandSyntaxException {
        if (!rest.isBlank()) {
            throw new CommandSyntaxException(Replies.syntax(command.verb() + " takes no arguments"));
        }
        return command;
    }
}
