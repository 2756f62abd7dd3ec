package dev.posthorn.mta.cli;

import dev.posthorn.mailauth.arc.ArcResult;
import dev.posthorn.mailauth.arc.ArcSealer;
import dev.posthorn.mailauth.arc.ArcVerifier;
import dev.posthorn.mailauth.dkim.KeyFile;
import dev.posthorn.mailauth.dkim.SigningKey;
import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code posthorn arc verify|sign}: check a message's ARC chain (RFC 8617), or add an ARC set to it. */
@Command(name = "arc", mixinStandardHelpOptions = true, description = "ARC chain checks and sealing (RFC 8617).",
        subcommands = {ArcCommand.Verify.class, ArcCommand.Sign.class})
final class ArcCommand {

    /** A message given on the command line: far larger than any real one, and never more. */
    private static final int MAX_MESSAGE = 64 * 1024 * 1024;

    private ArcCommand() {
    }

    /** The message, CRLF line ends restored ({@link StoredLineEnds}), held in memory: it is read twice to seal. */
    private static byte[] read(Path message) throws IOException {
        try (InputStream in = message == null ? System.in : Files.newInputStream(message)) {
            byte[] bytes = new StoredLineEnds(new BufferedInputStream(in, 64 * 1024)).readNBytes(MAX_MESSAGE + 1);
            if (bytes.length > MAX_MESSAGE) {
                throw new IOException("message larger than " + MAX_MESSAGE + " octets");
            }
            return bytes;
        }
    }

    private static String line(ArcResult r) {
        return "arc=" + r.status().keyword() + " (i=" + r.instances() + (r.domain().isEmpty() ? "" : " d=" + r.domain())
                + (r.status() == ArcResult.Status.PASS ? " oldest-pass=" + r.oldestPass() : "") + ": " + r.reason()
                + ")";
    }

    @Command(name = "verify", mixinStandardHelpOptions = true,
            description = {"Check the ARC chain of a message (a file, or standard input).",
                "Line ends may be CRLF or LF (as a Maildir stores mail).",
                "One line: arc=pass, fail or none. Exits 0 for pass, else 1."})
    static final class Verify implements Callable<Integer> {
        @ArgGroup(exclusive = true, multiplicity = "1")
        DkimCommand.Keys keys;

        @Parameters(arity = "0..1", paramLabel = "FILE", description = "The message; standard input without it.")
        Path message;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            ArcResult result = new ArcVerifier(keys.lookup(), Clock.systemUTC())
                    .verify(new ByteArrayInputStream(read(message)));
            spec.commandLine().getOut().println(line(result));
            return result.status() == ArcResult.Status.PASS ? 0 : 1;
        }
    }

    @Command(name = "sign", mixinStandardHelpOptions = true,
            description = {"Add an ARC set to a message (a file, or standard input) and print the message.",
                "The chain is checked first; cv= and the arc= result in ARC-Authentication-Results say how",
                "it stood. The results are '<authserv-id>; arc=<status>' and what --results adds."})
    static final class Sign implements Callable<Integer> {
        @ArgGroup(exclusive = true, multiplicity = "1")
        DkimCommand.Keys keys;

        @Option(names = "--domain", required = true, paramLabel = "DOMAIN", description = "The sealing domain, d=.")
        String domain;

        @Option(names = "--selector", required = true, paramLabel = "SELECTOR", description = "The selector, s=.")
        String selector;

        @Option(names = "--key", required = true, paramLabel = "FILE",
                description = "The private key (PEM, PKCS#8), as 'dkim keygen' writes it.")
        Path key;

        @Option(names = "--authserv-id", required = true, paramLabel = "NAME",
                description = "The authserv-id of the ARC-Authentication-Results (this host's name).")
        String authservId;

        @Option(names = "--results", defaultValue = "", paramLabel = "TEXT",
                description = "More results, e.g. 'spf=pass smtp.mailfrom=example.com'.")
        String results;

        @Option(names = "--out", paramLabel = "FILE",
                description = "Write the sealed message to this file (CRLF line ends); standard output without it.")
        Path out;

        @Parameters(arity = "0..1", paramLabel = "FILE", description = "The message; standard input without it.")
        Path message;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            byte[] bytes = read(message);
            ArcResult chain = new ArcVerifier(keys.lookup(), Clock.systemUTC()).verify(new ByteArrayInputStream(bytes));
            String all = authservId + "; arc=" + chain.status().keyword()
                    + (results.isBlank() ? "" : ";\r\n\t" + results.strip());
            String set = new ArcSealer(Clock.systemUTC()).seal(new ByteArrayInputStream(bytes),
                    domain.toLowerCase(Locale.ROOT), new SigningKey(selector, KeyFile.read(key)), all,
                    chain.status());
            PrintWriter err = spec.commandLine().getErr();
            err.println(line(chain));
            if (set.isEmpty()) {
                err.println("the chain has ended (cv=fail or 50 sets): no set added");
            }
            try (OutputStream to = out == null ? new UnclosedOutput(System.out) : Files.newOutputStream(out)) {
                to.write(set.getBytes(StandardCharsets.ISO_8859_1));
                to.write(bytes);
            }
            return set.isEmpty() ? 1 : 0;
        }
    }

    /** Standard output, flushed but left open when the sealed message has been written. */
    private static final class UnclosedOutput extends java.io.FilterOutputStream {
        UnclosedOutput(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            flush();
        }
    }
}
