package dev.posthorn.mta.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of {@code bin/posthorn}. */
@Command(name = "posthorn", mixinStandardHelpOptions = true, version = "Posthorn 0.1.0",
        description = "A mail transfer agent for the JVM.",
        subcommands = {RunCommand.class, SinkCommand.class, ConfigCommand.class})
public final class Main {

    Main() {
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new Main()).execute(args));
    }
}
