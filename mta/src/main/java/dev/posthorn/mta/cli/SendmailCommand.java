package dev.posthorn.mta.cli;

import dev.posthorn.mta.config.Config;
import dev.posthorn.mta.config.ConfigException;
import dev.posthorn.mta.config.ConfigLoader;
import dev.posthorn.mta.daemon.LocalSubmission;
import dev.posthorn.mta.sendmail.LocalAddresses;
import dev.posthorn.mta.sendmail.LocalMessage;
import dev.posthorn.mta.sendmail.LocalUser;
import dev.posthorn.mta.sendmail.SendmailArguments;
import dev.posthorn.mta.sendmail.StdioBridge;
import dev.posthorn.mta.sendmail.SubmissionException;
import dev.posthorn.mta.sendmail.Sysexit;
import dev.posthorn.smtp.ForwardPath;
import dev.posthorn.smtp.ReversePath;
import dev.posthorn.smtp.server.SmtpServer;
import dev.posthorn.smtp.server.TransactionId;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code posthorn sendmail} (launched as {@code bin/sendmail}, and as {@code bin/mailq} with {@code -bp}): sendmail's
 * own syntax, parsed by {@link SendmailArguments} (picocli only hands the words over), the message committed through
 * {@link LocalSubmission}, then the daemon asked to try it now. Exit codes are sysexits.h's.
 */
@Command(name = "sendmail", hidden = true,
        description = "sendmail-compatible local submission (see bin/sendmail --help).")
final class SendmailCommand implements Callable<Integer> {

    static final List<Path> CONFIG_SEARCH = List.of(Path.of("/etc/posthorn/posthorn.yaml"), Path.of("posthorn.yaml"));

    @Parameters(arity = "0..*")
    List<String> args = new ArrayList<>();

    /** Standard input, output and error (the tests set their own). */
    InputStream in = System.in;
    OutputStream out = System.out;
    PrintStream err = System.err;
    /** The environment ({@code POSTHORN_CONFIG}). */
    Function<String, String> env = System::getenv;
    /** Where the configuration is looked for after -C and $POSTHORN_CONFIG. */
    List<Path> search = CONFIG_SEARCH;

    /** The configuration used, with the file it came from (empty for the embedded defaults) and how it was chosen. */
    record Chosen(Config config, Optional<Path> file, String source) {
    }

    @Override
    public Integer call() {
        try {
            SendmailArguments arguments = SendmailArguments.parse(args);
            return switch (arguments.mode()) {
                case HELP -> help(arguments);
                case LIST -> list(chosen(arguments));
                case SMTP -> smtp(chosen(arguments));
                case DELIVER -> deliver(arguments, chosen(arguments));
            };
        } catch (SubmissionException e) {
            err.println("sendmail: " + e.getMessage());
            return e.status().code();
        }
    }

    private Chosen chosen(SendmailArguments arguments) throws SubmissionException {
        Optional<Path> file = arguments.config();
        String source = "-C";
        String fromEnv = env.apply("POSTHORN_CONFIG");
        if (file.isEmpty() && fromEnv != null && !fromEnv.isEmpty()) {
            file = Optional.of(Path.of(fromEnv));
            source = "$POSTHORN_CONFIG";
        }
        if (file.isEmpty()) {
            file = search.stream().filter(Files::isRegularFile).findFirst();
            source = "found";
        }
        if (file.isEmpty()) {
            Config defaults = Config.defaults();
            String tried = "no -C, $POSTHORN_CONFIG, " + search.getFirst() + " or " + search.getLast();
            // The embedded defaults' spool is relative to the current folder: only one a daemon has made is used,
            // never one made here by mistake, where no daemon would ever read the mail.
            if (!Files.isDirectory(defaults.spool().resolve("queue"))) {
                throw new SubmissionException(Sysexit.CONFIG, "no configuration (" + tried + ") and no spool at "
                        + defaults.spool() + " of a daemon run with the embedded defaults");
            }
            return new Chosen(defaults, file, "the embedded defaults (" + tried + "; the spool at "
                    + defaults.spool() + ")");
        }
        try {
            return new Chosen(ConfigLoader.load(file.get()), file, file.get() + " (" + source + ")");
        } catch (ConfigException e) {
            throw new SubmissionException(Sysexit.CONFIG, e.problems().size() + " problem(s) in the configuration: "
                    + e.problems().getFirst());
        }
    }

    private int deliver(SendmailArguments arguments, Chosen chosen) throws SubmissionException {
        if (arguments.recipients().isEmpty() && !arguments.headerRecipients()) {
            throw new SubmissionException(Sysexit.USAGE,
                    "no recipients: name them as arguments, or use -t to take them from To, Cc and Bcc");
        }
        Config config = chosen.config();
        TransactionId.perProcess(ProcessHandle.current().pid()); // ids no daemon or other sendmail can make
        List<String> committed = new ArrayList<>();
        try {
            LocalSubmission submission = open(chosen, committed);
            LocalUser user = LocalUser.current();
            String senderDomain = config.hostname();
            ReversePath sender = arguments.sender().isPresent()
                    ? LocalAddresses.sender(arguments.sender().get(), senderDomain)
                    : ReversePath.of(LocalAddresses.mailbox(user.name(), senderDomain, "sender"));
            LocalMessage message = LocalMessage.read(in, arguments.dotEnds(), config.limits().maxMessageSize());
            List<ForwardPath> recipients = LocalAddresses.recipients(arguments.recipients(),
                    arguments.headerRecipients() ? message.headerRecipients() : List.of(),
                    submission.recipientDomain());
            check(recipients, submission, config);
            String id = TransactionId.next();
            String from = sender.isNull() ? user.name() + "@" + senderDomain : sender.mailbox().toString();
            message.complete(from, arguments.fullName().orElse(null), id + "@" + config.hostname(),
                    ZonedDateTime.now());
            submission.commit(id, user.describe(), sender, recipients, message.stream());
        } catch (SubmissionException e) {
            throw e;
        } catch (IOException e) {
            throw new SubmissionException(Sysexit.TEMPFAIL, "spool " + config.spool() + ": " + e.getMessage());
        }
        flush(config, committed);
        return 0;
    }

    private static void check(List<ForwardPath> recipients, LocalSubmission submission, Config config)
            throws SubmissionException {
        if (recipients.isEmpty()) {
            throw new SubmissionException(Sysexit.USAGE, "no recipients: none in the arguments, To, Cc or Bcc");
        }
        if (recipients.size() > config.limits().maxRecipients()) {
            throw new SubmissionException(Sysexit.USAGE, "too many recipients: " + recipients.size()
                    + " (limits.max_recipients is " + config.limits().maxRecipients() + ")");
        }
        for (ForwardPath recipient : recipients) {
            if (submission.isUnknownLocal(recipient)) {
                throw new SubmissionException(Sysexit.NOUSER, "no mailbox " + recipient);
            }
        }
    }

    private static LocalSubmission open(Chosen chosen, List<String> committed) throws SubmissionException {
        try {
            return LocalSubmission.open(chosen.config(), message -> committed.add(message.id()));
        } catch (IOException e) {
            if (e instanceof java.nio.file.AccessDeniedException) {
                throw new SubmissionException(Sysexit.NOPERM, "spool " + chosen.config().spool()
                        + ": permission denied: run sendmail as the spool's owner (the daemon's user) or as root");
            }
            throw new SubmissionException(Sysexit.TEMPFAIL, "spool " + chosen.config().spool() + ": "
                    + e.getMessage());
        }
    }

    /**
     * Asks the daemon to try each message now. Silently nothing when it cannot be reached: its periodic scan of the
     * spool, or its next start, finds the message anyway.
     */
    private static void flush(Config config, List<String> ids) {
        for (String id : ids) {
            try {
                AdminClient.of(config).call("POST", "queue/" + id + "/flush", null);
            } catch (IOException e) {
                return;
            }
        }
    }

    /** {@code -bs}: the real SMTP session on standard input and output, committing to the spool. */
    private int smtp(Chosen chosen) throws SubmissionException {
        TransactionId.perProcess(ProcessHandle.current().pid());
        List<String> committed = java.util.Collections.synchronizedList(new ArrayList<>());
        LocalSubmission submission = open(chosen, committed);
        try (Socket client = StdioBridge.bound(); SmtpServer server = submission.smtpServer(
                (InetSocketAddress) client.getLocalSocketAddress())) {
            StdioBridge.run(client, server.address(), in, out);
        } catch (IOException e) {
            throw new SubmissionException(Sysexit.TEMPFAIL, "the SMTP session failed: " + e.getMessage());
        }
        flush(chosen.config(), List.copyOf(committed));
        return 0;
    }

    /** {@code -bp} and mailq: the queue listing, as {@code posthorn queue list} prints it. */
    private static int list(Chosen chosen) {
        List<String> command = new ArrayList<>(List.of("queue", "list"));
        chosen.file().ifPresent(file -> command.addAll(List.of("--config", file.toString())));
        return Main.commandLine().execute(command.toArray(String[]::new));
    }

    private int help(SendmailArguments arguments) {
        err.flush();
        PrintStream print = new PrintStream(out, true, java.nio.charset.StandardCharsets.UTF_8);
        print.print(SendmailHelp.TEXT.formatted(chosenForHelp(arguments)));
        print.flush();
        return 0;
    }

    private String chosenForHelp(SendmailArguments arguments) {
        try {
            return chosen(arguments).source();
        } catch (SubmissionException e) {
            return "unusable: " + e.getMessage();
        }
    }
}
