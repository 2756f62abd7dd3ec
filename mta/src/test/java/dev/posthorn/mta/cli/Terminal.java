package dev.posthorn.mta.cli;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine;

/**
 * {@code bin/posthorn} run in-process as the launcher runs it ({@link Main#commandLine()}), keeping what it printed:
 * each run adds to what the earlier runs of this terminal printed.
 */
final class Terminal {

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    /** Runs one command line; returns its exit status. */
    int run(String... args) {
        CommandLine command = Main.commandLine();
        command.setOut(new PrintWriter(out, true));
        command.setErr(new PrintWriter(err, true));
        return command.execute(args);
    }

    /** Runs one command line with {@code stdin} as what is typed on standard input (a password, say). */
    int runWithInput(String stdin, String... args) {
        InputStream saved = System.in;
        System.setIn(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
        try {
            return run(args);
        } finally {
            System.setIn(saved);
        }
    }

    /** What the runs printed on standard output. */
    String out() {
        return out.toString();
    }

    /** What the runs printed on standard error. */
    String err() {
        return err.toString();
    }
}
