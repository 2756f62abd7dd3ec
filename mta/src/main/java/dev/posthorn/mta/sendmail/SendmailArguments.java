package dev.posthorn.mta.sendmail;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The command line of {@code sendmail}, parsed by hand: its syntax is older than getopt's conventions (an option's
 * value may follow it in the same word, {@code -fsender}, or as the next one; {@code -oi} is option {@code o} with
 * value {@code i}; flags may be clustered, {@code -ti}). Options may come after recipients too, as glibc's getopt
 * permutes them; {@code --} ends the options. Options that only tune sendmail's own delivery ({@code -o} others,
 * {@code -v}, {@code -N}, {@code -R}, {@code -V}, {@code -X}, {@code -B}, {@code -h}, {@code -L}, ...) are accepted and
 * ignored, as Postfix does.
 *
 * @param mode              what to do
 * @param headerRecipients  {@code -t}: recipients also from To, Cc and Bcc
 * @param dotEnds           without {@code -i}/{@code -oi}: a line with a single dot ends the message
 * @param sender            {@code -f}/{@code -r}: the envelope sender ({@code ""} or {@code <>}: the null sender)
 * @param fullName          {@code -F}: the sender's full name for a From field the message lacks
 * @param config            {@code -C}: the configuration file
 * @param recipients        the recipient arguments, in order
 */
public record SendmailArguments(Mode mode, boolean headerRecipients, boolean dotEnds, Optional<String> sender,
                                Optional<String> fullName, Optional<Path> config, List<String> recipients) {

    /** {@code -bm} (the default), {@code -bs}, {@code -bp}; {@code --help}. */
    public enum Mode { DELIVER, SMTP, LIST, HELP }

    /** Flags without a value that sendmail knows and that change nothing here. */
    private static final String IGNORED_FLAGS = "vnmUGcI";
    /** Options with a value that change nothing here (DSN notify, return, envid, log file, body type, hops...). */
    private static final String IGNORED_VALUES = "NRVXBhLApOe";

    public SendmailArguments {
        recipients = List.copyOf(recipients);
    }

    /**
     * @throws SubmissionException with {@link Sysexit#USAGE} for an unknown option or a missing value
     */
    public static SendmailArguments parse(List<String> args) throws SubmissionException {
        Builder b = new Builder();
        boolean options = true;
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (!options || !arg.startsWith("-") || arg.equals("-")) {
                b.recipients.add(arg);
            } else if (arg.equals("--")) {
                options = false;
            } else if (arg.equals("--help")) {
                b.mode = Mode.HELP;
            } else {
                i = cluster(args, i, b);
            }
        }
        return new SendmailArguments(b.mode, b.headerRecipients, b.dotEnds, b.sender, b.fullName, b.config,
                b.recipients);
    }

    /** One word of options ({@code -ti}, {@code -fsender}, {@code -oi}); returns the index of the last word used. */
    private static int cluster(List<String> args, int index, Builder b) throws SubmissionException {
        String word = args.get(index);
        for (int j = 1; j < word.length(); j++) {
            char option = word.charAt(j);
            switch (option) {
                case 't' -> b.headerRecipients = true;
                case 'i' -> b.dotEnds = false;
                case 'f', 'r', 'F', 'C', 'b', 'o' -> {
                    boolean attached = j + 1 < word.length();
                    if (!attached && index + 1 >= args.size()) {
                        throw usage("option -" + option + " needs a value");
                    }
                    String value = attached ? word.substring(j + 1) : args.get(++index);
                    valued(option, value, b);
                    return index;
                }
                default -> {
                    if (IGNORED_VALUES.indexOf(option) >= 0) {
                        return j + 1 < word.length() || index + 1 >= args.size() ? index : index + 1;
                    }
                    if (IGNORED_FLAGS.indexOf(option) < 0) {
                        throw usage("unknown option -" + SubmissionException.printable(String.valueOf(option)));
                    }
                }
            }
        }
        return index;
    }

    private static void valued(char option, String value, Builder b) throws SubmissionException {
        switch (option) {
            case 'f', 'r' -> b.sender = Optional.of(value);
            case 'F' -> b.fullName = Optional.of(value);
            case 'C' -> b.config = Optional.of(Path.of(value));
            case 'o' -> {
                // -oi (and -oitrue) is -i; -o with anything else tunes sendmail's own delivery: ignored.
                if (value.equals("i") || value.equalsIgnoreCase("itrue")) {
                    b.dotEnds = false;
                }
            }
            case 'b' -> b.mode = switch (value) {
                case "m" -> Mode.DELIVER;
                case "s" -> Mode.SMTP;
                case "p" -> Mode.LIST;
                default -> throw usage("unsupported mode -b" + SubmissionException.printable(value)
                        + " (supported: -bm, -bs, -bp)");
            };
            default -> throw new IllegalStateException("not an option with a value: " + option);
        }
    }

    private static SubmissionException usage(String message) {
        return new SubmissionException(Sysexit.USAGE, message);
    }

    private static final class Builder {
        Mode mode = Mode.DELIVER;
        boolean headerRecipients;
        boolean dotEnds = true;
        Optional<String> sender = Optional.empty();
        Optional<String> fullName = Optional.empty();
        Optional<Path> config = Optional.empty();
        final List<String> recipients = new ArrayList<>();
    }
}
