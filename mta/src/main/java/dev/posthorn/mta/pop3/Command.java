package dev.posthorn.mta.pop3;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.OptionalInt;

/**
 * A POP3 command as parsed from one line (RFC 1939 3, RFC 2449, RFC 2595). Parsing is pure: a line goes in, a value
 * comes out; a line that is no command becomes {@link Unknown} or {@link Invalid}, never an exception.
 */
sealed interface Command {

    /** RFC 2449 4: a command line is at most 255 octets with its CRLF. */
    int MAX_LINE = 253;

    /** RFC 1939 3: an argument is at most 40 characters (PASS's is the rest of the line, spaces and all). */
    int MAX_ARGUMENT = 40;

    record User(String name) implements Command {
    }

    record Pass(String password) implements Command {
        @Override
        public String toString() {
            return "Pass[***]";
        }
    }

    record Stat() implements Command {
    }

    /** LIST, with a message number or for every message. */
    record Listing(OptionalInt number) implements Command {
    }

    record Retr(int number) implements Command {
    }

    record Dele(int number) implements Command {
    }

    record Noop() implements Command {
    }

    record Rset() implements Command {
    }

    record Quit() implements Command {
    }

    record Top(int number, int lines) implements Command {
    }

    record Uidl(OptionalInt number) implements Command {
    }

    record Capa() implements Command {
    }

    record Stls() implements Command {
    }

    /** A keyword this server does not know (APOP and AUTH among them: neither is offered). */
    record Unknown() implements Command {
    }

    /** A known keyword with arguments that do not fit it; {@code reason} is server text, never the peer's. */
    record Invalid(String reason) implements Command {
    }

    /** Parses one line, its CRLF removed. */
    static Command parse(byte[] line) {
        for (byte b : line) {
            if ((b & 0xff) < 0x20 || b == 0x7f) {
                return new Invalid("control character in command");
            }
        }
        String text = new String(line, StandardCharsets.UTF_8);
        int space = text.indexOf(' ');
        String keyword = (space < 0 ? text : text.substring(0, space)).toUpperCase(Locale.ROOT);
        String rest = space < 0 ? null : text.substring(space + 1);
        if (keyword.equals("PASS")) {
            return rest == null || rest.isEmpty() ? new Invalid("PASS needs a password") : new Pass(rest);
        }
        String[] args = rest == null ? new String[0] : rest.split(" ", -1);
        for (String arg : args) {
            if (arg.isEmpty() || arg.length() > MAX_ARGUMENT) {
                return new Invalid("arguments are 1 to 40 characters separated by one space");
            }
        }
        return parse(keyword, args);
    }

    private static Command parse(String keyword, String[] args) {
        return switch (keyword) {
            case "USER" -> args.length == 1 ? new User(args[0]) : new Invalid("USER needs a name");
            case "STAT" -> none(args, new Stat());
            case "LIST" -> optionalNumber(args, Listing::new);
            case "RETR" -> args.length == 1 ? number(args[0], n -> new Retr(n)) : new Invalid("RETR needs a number");
            case "DELE" -> args.length == 1 ? number(args[0], n -> new Dele(n)) : new Invalid("DELE needs a number");
            case "NOOP" -> none(args, new Noop());
            case "RSET" -> none(args, new Rset());
            case "QUIT" -> none(args, new Quit());
            case "TOP" -> top(args);
            case "UIDL" -> optionalNumber(args, Uidl::new);
            case "CAPA" -> none(args, new Capa());
            case "STLS" -> none(args, new Stls());
            default -> new Unknown();
        };
    }

    private static Command none(String[] args, Command command) {
        return args.length == 0 ? command : new Invalid("no arguments expected");
    }

    private static Command optionalNumber(String[] args, java.util.function.Function<OptionalInt, Command> make) {
        if (args.length == 0) {
            return make.apply(OptionalInt.empty());
        }
        return args.length == 1 ? number(args[0], n -> make.apply(OptionalInt.of(n))) : new Invalid("one number");
    }

    private static Command top(String[] args) {
        if (args.length != 2) {
            return new Invalid("TOP needs a message number and a number of lines");
        }
        int lines = count(args[1]);
        if (lines < 0) {
            return new Invalid("not a number of lines");
        }
        return number(args[0], n -> new Top(n, lines));
    }

    private static Command number(String arg, java.util.function.IntFunction<Command> make) {
        int n = count(arg);
        return n > 0 ? make.apply(n) : new Invalid("not a message number");
    }

    /** A decimal number of at most 9 digits, or -1. */
    private static int count(String arg) {
        if (arg.length() > 9 || !arg.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return -1;
        }
        return Integer.parseInt(arg);
    }
}
