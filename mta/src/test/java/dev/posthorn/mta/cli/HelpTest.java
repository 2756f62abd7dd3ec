package dev.posthorn.mta.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Every command explains itself: {@code --help} anywhere, {@code posthorn help}, {@code posthorn version}. */
class HelpTest {

    private record Result(int status, String out, String err) {
    }

    private static Result run(String... args) {
        Terminal terminal = new Terminal();
        int status = terminal.run(args);
        return new Result(status, terminal.out(), terminal.err());
    }

    /** The names leading to every command, the root's children first, found by walking the real command tree. */
    private static List<List<String>> paths(CommandLine command, List<String> path, List<List<String>> into) {
        for (var sub : command.getSubcommands().entrySet()) {
            if (sub.getValue().getCommandSpec().aliases().length > 0
                    && !sub.getKey().equals(sub.getValue().getCommandName())) {
                continue; // an alias leads to a command already walked
            }
            if (sub.getValue().getCommandSpec().usageMessage().hidden()) {
                continue; // sendmail: sendmail's own syntax and help text (SendmailCommandTest)
            }
            List<String> next = new ArrayList<>(path);
            next.add(sub.getKey());
            into.add(next);
            paths(sub.getValue(), next, into);
        }
        return into;
    }

    @Test
    void everyCommandHasHelpWithoutOtherArguments() {
        List<List<String>> all = paths(Main.commandLine(), List.of(), new ArrayList<>());
        assertThat(all).contains(List.of("user", "add"), List.of("run"), List.of("version"), List.of("help"),
                List.of("reload"));
        for (List<String> path : all) {
            List<String> args = new ArrayList<>(path);
            args.add("--help");
            Result result = run(args.toArray(String[]::new));
            assertThat(result.status()).as("%s --help: %s", path, result.err()).isZero();
            assertThat(result.out()).as("%s --help", path).contains("Usage: posthorn " + String.join(" ", path) + " ");
        }
    }

    @Test
    void everySummaryInAListingIsAWholeSentence() {
        for (List<String> path : paths(Main.commandLine(), List.of(), new ArrayList<>())) {
            CommandLine command = Main.commandLine();
            for (String name : path) {
                command = command.getSubcommands().get(name);
            }
            var usage = command.getCommandSpec().usageMessage();
            String summary = usage.header().length > 0 ? usage.header()[0]
                    : usage.description().length > 0 ? usage.description()[0] : "";
            assertThat(summary).as("summary of %s", path).isNotBlank().endsWith(".");
        }
    }

    @Test
    void userAddHelpListsItsOptions() {
        Result result = run("user", "add", "--help");
        assertThat(result.status()).isZero();
        assertThat(result.out()).contains("--config", "--password-stdin", "USER");
    }

    @Test
    void helpCommandPrintsTheUsageOfTheRootAndOfASubcommand() {
        Result root = run("help");
        assertThat(root.status()).isZero();
        assertThat(root.out()).startsWith("Usage: posthorn ").contains("run", "user", "version");
        Result user = run("help", "user");
        assertThat(user.status()).isZero();
        assertThat(user.out()).startsWith("Usage: posthorn user ").contains("add", "passwd");
        Result add = run("help", "user", "add");
        assertThat(add.status()).isZero();
        assertThat(add.out()).isEqualTo(run("user", "add", "--help").out()).contains("--password-stdin");
    }

    @Test
    void helpForAnUnknownCommandSaysSoAndExitsTwo() {
        Result result = run("help", "user", "rename");
        assertThat(result.status()).isEqualTo(2);
        assertThat(result.err()).startsWith("no command 'rename' in 'posthorn user'");
    }

    @Test
    void versionIsTheProjectVersion() {
        Result command = run("version");
        Result option = run("--version");
        assertThat(command.status()).isZero();
        assertThat(command.out()).matches("Posthorn \\d+\\.\\d+\\.\\d+(-SNAPSHOT)? \\(Java .+\\)\\R");
        assertThat(option.out()).isEqualTo(command.out());
    }
}
