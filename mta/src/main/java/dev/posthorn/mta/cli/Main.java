package dev.posthorn.mta.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Entry point of {@code bin/posthorn}. Every command has {@code --help} (it wins over missing required options),
 * {@code posthorn help [COMMAND]} prints the same usage, and each command's summary in a listing is its one-sentence
 * {@code header} or, without one, the first line of its description, which is then a whole sentence.
 */
@Command(name = "posthorn", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "A mail transfer agent for the JVM.",
        subcommands = {RunCommand.class, SinkCommand.class, DevCommand.class, ConfigCommand.class, UserCommand.class,
            DkimCommand.class, ArcCommand.class, ReloadCommand.class, SendmailCommand.class, QueueCommand.class,
            ExplainCommand.class, VersionCommand.class, HelpCommand.class})
public final class Main {

    Main() {
    }

    /** The command line with its error handling: an operator sees the reason, not a stack trace. */
    static CommandLine commandLine() {
        CommandLine line = new CommandLine(new Main()).setExecutionExceptionHandler((e, command, parsed) -> {
            command.getErr().println("posthorn: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
            return 1;
        });
        // sendmail's syntax is its own: every word goes to its hand parser as it was given, "--" included (no
        // argument can hold a NUL, so picocli never sees its end-of-options delimiter).
        line.getSubcommands().get("sendmail").setUnmatchedOptionsArePositionalParams(true).setExpandAtFiles(false)
                .setEndOfOptionsDelimiter("\0");
        return line;
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }
}
