package dev.posthorn.mta.cli;

import dev.posthorn.mailauth.dkim.DkimResult;
import dev.posthorn.mailauth.dkim.DkimVerifier;
import dev.posthorn.mailauth.dkim.KeyFile;
import dev.posthorn.mailauth.dkim.KeyLookup;
import dev.posthorn.mailauth.dns.Answer;
import dev.posthorn.mailauth.dns.DnsClient;
import dev.posthorn.mta.config.Config;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code posthorn dkim keygen|verify}: DKIM keys for the configuration, and a check of a message's signatures. */
@Command(name = "dkim", mixinStandardHelpOptions = true, description = "DKIM keys and signature checks.",
        subcommands = {DkimCommand.Keygen.class, DkimCommand.Verify.class})
final class DkimCommand {

    @Command(name = "keygen", mixinStandardHelpOptions = true, description = {"Make a DKIM signing key and print its DNS record.",
                "Writes the private key (PEM, PKCS#8, mode 600) and prints the DNS TXT record to publish,",
                "in zone file form. Name the file in the configuration's dkim.sign."})
    static final class Keygen implements Callable<Integer> {
        @Option(names = "--domain", required = true, paramLabel = "DOMAIN", description = "The signing domain.")
        String domain;

        @Option(names = "--selector", required = true, paramLabel = "SELECTOR", description = "The selector.")
        String selector;

        @Option(names = "--algorithm", defaultValue = "rsa", paramLabel = "rsa|ed25519",
                description = "rsa (" + KeyFile.RSA_BITS + " bits, the default) or ed25519 (RFC 8463).")
        String algorithm;

        @Option(names = "--out", required = true, paramLabel = "FILE",
                description = "The private key file to write; an existing file is not replaced.")
        Path out;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            String name = domain.toLowerCase(Locale.ROOT).replaceAll("\\.$", "");
            KeyPair pair = KeyFile.generate(algorithm);
            KeyFile.write(out, pair.getPrivate());
            spec.commandLine().getOut().println(KeyFile.dnsRecord(name, selector, pair.getPublic()));
            return 0;
        }
    }

    /** Where the verifier finds keys: a file of records, or DNS as the configuration says. */
    static final class Keys {
        @Option(names = "--key-record", paramLabel = "FILE",
                description = "Key records in zone file form, one a line, as 'dkim keygen' prints them.")
        Path records;

        @Option(names = "--config", paramLabel = "FILE",
                description = "Ask DNS, through the resolvers of this configuration file.")
        Path config;

        KeyLookup lookup() throws IOException {
            if (records != null) {
                Map<String, List<String>> byName = new HashMap<>();
                for (String line : Files.readAllLines(records, StandardCharsets.UTF_8)) {
                    if (!line.isBlank() && !line.strip().startsWith(";")) {
                        KeyFile.TxtRecord record = KeyFile.parseDnsRecord(line);
                        byName.computeIfAbsent(record.name().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                                .add(record.text());
                    }
                }
                return name -> byName.containsKey(name.toLowerCase(Locale.ROOT))
                        ? new Answer.Found<>(byName.get(name.toLowerCase(Locale.ROOT)))
                        : new Answer.NoSuchName<>();
            }
            Config loaded = LoadedConfig.load(config);
            return DnsClient.plain(loaded.dns().resolvers(), loaded.dns().timeout())::txt;
        }
    }

    @Command(name = "verify", mixinStandardHelpOptions = true,
            description = {"Check the DKIM signatures of a message (a file, or standard input).",
                "Line ends may be CRLF or LF (as a Maildir stores mail).",
                "One line per signature, in Authentication-Results words. Exits 0 when one passes, else 1."})
    static final class Verify implements Callable<Integer> {
        @ArgGroup(exclusive = true, multiplicity = "1")
        Keys keys;

        @Parameters(arity = "0..1", paramLabel = "FILE", description = "The message; standard input without it.")
        Path message;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            DkimVerifier verifier = new DkimVerifier(keys.lookup(), Clock.systemUTC());
            List<DkimResult> results;
            try (InputStream in = message == null ? System.in : Files.newInputStream(message)) {
                results = verifier.verify(new StoredLineEnds(new BufferedInputStream(in, 64 * 1024)));
            }
            PrintWriter out = spec.commandLine().getOut();
            if (results.isEmpty()) {
                out.println("dkim=none (no signatures)");
            }
            for (DkimResult r : results) {
                out.println("dkim=" + r.status().keyword() + " header.d=" + r.domain() + " header.s="
                        + r.selector() + " header.a=" + r.algorithm() + " header.b=" + r.signatureB()
                        + " (" + r.reason() + ")");
            }
            return results.stream().anyMatch(r -> r.status() == DkimResult.Status.PASS) ? 0 : 1;
        }
    }
}
