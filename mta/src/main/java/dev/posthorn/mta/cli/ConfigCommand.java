package dev.posthorn.mta.cli;

import dev.posthorn.mta.config.Config;
import dev.posthorn.mta.config.ConfigException;
import dev.posthorn.mta.config.ConfigLoader;
import dev.posthorn.mta.config.ConfigPrinter;
import dev.posthorn.mta.config.Problem;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code posthorn config}: show the defaults, check a configuration file. */
@Command(name = "config", mixinStandardHelpOptions = true,
        description = "Show the default configuration or check a configuration file.",
        subcommands = {ConfigCommand.Defaults.class, ConfigCommand.Check.class})
final class ConfigCommand {

    /** {@code posthorn config defaults}: every key with its default value, as a YAML document. */
    @Command(name = "defaults", mixinStandardHelpOptions = true,
            description = {"Print every key with its default value, as a commented YAML configuration file.",
                "Relative paths are relative to the file's folder."})
    static final class Defaults implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            Path here = Path.of("").toAbsolutePath();
            PrintWriter out = spec.commandLine().getOut();
            out.print(ConfigPrinter.print(Config.defaults(here), here));
            out.flush();
            return 0;
        }
    }

    /** {@code posthorn config check FILE}: load the file and report every problem. */
    @Command(name = "check", mixinStandardHelpOptions = true, description = {"Load a configuration file and report every problem in it.",
                "One per line: FILE:LINE:COLUMN: KEY: REASON. Exits 0 when the file is usable, 1 when it is not."})
    static final class Check implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "FILE", description = "The configuration file.")
        Path file;

        @Override
        public Integer call() {
            try {
                ConfigLoader.load(file);
            } catch (ConfigException e) {
                PrintWriter err = spec.commandLine().getErr();
                for (Problem problem : e.problems()) {
                    err.println(problem);
                }
                err.flush();
                return 1;
            }
            PrintWriter out = spec.commandLine().getOut();
            out.println(file + ": ok");
            out.flush();
            return 0;
        }
    }
}
