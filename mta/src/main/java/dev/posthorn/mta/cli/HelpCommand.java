package dev.posthorn.mta.cli;

import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IHelpCommandInitializable2;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code posthorn help [COMMAND...]}: the usage of posthorn or of any command under it ({@code posthorn help user
 * add}), the same text as {@code --help} there. Picocli's own help command looks at the first name only.
 */
@Command(name = "help", helpCommand = true,
        description = "Show the usage of posthorn or of one of its commands, e.g. 'posthorn help user add'.")
final class HelpCommand implements IHelpCommandInitializable2, Runnable {

    @Parameters(paramLabel = "COMMAND", arity = "0..*", description = "The command, e.g. user add.")
    List<String> names = List.of();

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
    boolean help;

    private CommandLine self;

    @Override
    public void init(CommandLine helpCommandLine, CommandLine.Help.ColorScheme colorScheme, PrintWriter out,
                     PrintWriter err) {
        this.self = helpCommandLine;
    }

    @Override
    public void run() {
        CommandLine target = self.getParent();
        for (String name : names) {
            CommandLine next = target.getSubcommands().get(name);
            if (next == null) {
                throw new CommandLine.ParameterException(self, "no command '" + name + "' in '"
                        + target.getCommandSpec().qualifiedName() + "'");
            }
            target = next;
        }
        target.usage(self.getOut());
        self.getOut().flush();
    }
}
