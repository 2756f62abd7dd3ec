package dev.posthorn.mta.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code posthorn version}: the same text as {@code posthorn --version}. */
@Command(name = "version", mixinStandardHelpOptions = true, description = "Print Posthorn's version.")
final class VersionCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        out.println(new Version().getVersion()[0]);
        out.flush();
        return 0;
    }
}
