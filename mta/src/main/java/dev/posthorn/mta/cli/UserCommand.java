package dev.posthorn.mta.cli;

import dev.posthorn.mta.auth.PasswordHash;
import dev.posthorn.mta.auth.UserStore;
import dev.posthorn.mta.config.Config;
import dev.posthorn.mta.spool.OwnerOnly;
import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code posthorn user add|passwd|del|list}: manages the users file named by the configuration. Passwords are read
 * from the terminal (twice, not echoed) or, with {@code --password-stdin}, as one line from standard input: never
 * from the command line, where other users could see them.
 */
@Command(name = "user", mixinStandardHelpOptions = true, description = "Manage the users who may AUTH.",
        subcommands = {UserCommand.Add.class, UserCommand.Passwd.class, UserCommand.Del.class,
            UserCommand.ListUsers.class})
final class UserCommand {

    /** Options every user subcommand shares. */
    static class Common {
        @Option(names = "--config", paramLabel = "FILE",
                description = "The configuration file; without it, the embedded defaults' users file (var/spool/users"
                        + " under the current folder), the one 'posthorn run' without --config reads.")
        Path config;

        @Option(names = "--password-stdin", description = "Read the password as one line from standard input.")
        boolean passwordFromStdin;

        @Spec
        CommandSpec spec;

        /** The command line's output writer (standard output under the launcher), as the other commands use. */
        PrintWriter out() {
            return spec.commandLine().getOut();
        }

        /** The command line's error writer (standard error under the launcher). */
        PrintWriter err() {
            return spec.commandLine().getErr();
        }

        /** The users file, if it holds {@code user}; else says so and returns null. */
        Path fileWith(String user) throws IOException {
            Path file = usersFile();
            if (!Files.exists(file) || !UserStore.load(file).contains(user)) {
                err().println("posthorn: no user " + user);
                return null;
            }
            return file;
        }

        char[] password() throws IOException {
            return readPassword(passwordFromStdin);
        }

        /** The configuration (or the defaults, as {@code posthorn run} uses them without --config). */
        Config settings() throws IOException {
            return config == null ? Config.defaults() : LoadedConfig.load(config);
        }

        Path usersFile() throws IOException {
            return settings().usersFile().orElseThrow(() -> new IOException(config + " names no users_file"));
        }
    }

    static char[] readPassword(boolean fromStdin) throws IOException {
        Console console = System.console();
        if (!fromStdin) {
            if (console == null) {
                throw new IOException("no terminal to read the password from; use --password-stdin");
            }
            char[] first = console.readPassword("Password: ");
            char[] second = console.readPassword("Again: ");
            if (first == null || !Arrays.equals(first, second)) {
                throw new IOException("the passwords differ");
            }
            return first;
        }
        String line = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
        if (line == null || line.isEmpty()) {
            throw new IOException("no password on standard input");
        }
        return line.toCharArray();
    }

    @Command(name = "add", mixinStandardHelpOptions = true, description = "Add a user (password from the terminal or standard input).")
    static final class Add extends Common implements Callable<Integer> {
        @Parameters(paramLabel = "USER")
        String user;

        @Override
        public Integer call() throws IOException {
            Config settings = settings();
            Path file = usersFile();
            if (file.equals(Config.defaultUsersFile(settings.spool())) && !Files.exists(settings.spool())) {
                OwnerOnly.folders(settings.spool()); // the spool of a daemon not started yet, made as it makes it
            }
            if (Files.exists(file) && UserStore.load(file).contains(user)) {
                err().println("posthorn: user " + user + " exists; use 'user passwd'");
                return 1;
            }
            UserStore.update(file, user, PasswordHash.hash(password()));
            out().println("added " + user);
            return 0;
        }
    }

    /** A change to a user who must exist: a new password or none (removal). */
    abstract static class ExistingUser extends Common implements Callable<Integer> {
        @Parameters(paramLabel = "USER")
        String user;

        /** The user's new password hash, or null to remove the user. */
        abstract String newHash() throws IOException;

        /** What the confirmation says was done. */
        abstract String done();

        @Override
        public Integer call() throws IOException {
            Path file = fileWith(user);
            if (file == null) {
                return 1;
            }
            UserStore.update(file, user, newHash());
            out().println(done() + " " + user);
            return 0;
        }
    }

    @Command(name = "passwd", mixinStandardHelpOptions = true, description = "Change a user's password.")
    static final class Passwd extends ExistingUser {
        @Override
        String newHash() throws IOException {
            return PasswordHash.hash(password());
        }

        @Override
        String done() {
            return "changed";
        }
    }

    @Command(name = "del", mixinStandardHelpOptions = true, description = "Remove a user.")
    static final class Del extends ExistingUser {
        @Override
        String newHash() {
            return null;
        }

        @Override
        String done() {
            return "removed";
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the users.")
    static final class ListUsers extends Common implements Callable<Integer> {
        @Override
        public Integer call() throws IOException {
            Path file = usersFile();
            if (Files.exists(file)) {
                UserStore.load(file).users().forEach(out()::println);
            }
            return 0;
        }
    }
}
