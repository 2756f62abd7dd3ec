package dev.posthorn.mailauth.dmarc;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.IDN;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * The Public Suffix List (publicsuffix.org) and the algorithm that reads it: which part of a domain name is a suffix
 * under which anyone may register names, and so which domain is the organisational domain (RFC 7489 3.2).
 *
 * <p>The list is the one file format published by the project (rules, {@code *.} wildcards, {@code !} exceptions,
 * {@code //} comments, ICANN and private sections both used, as DMARC implementations do). Rules in U-labels are
 * kept as A-labels, since names are compared in ASCII.
 */
public final class PublicSuffixList {

    /** Debian's {@code publicsuffix} package keeps the list here, updated with the distribution. */
    public static final Path SYSTEM_FILE = Path.of("/usr/share/publicsuffix/public_suffix_list.dat");
    private static final String BUNDLED = "public_suffix_list.dat";
    /** No list has this many rules (about 10,000 in 2025); a larger file is not the list. */
    private static final int MAX_RULES = 200_000;

    private final Set<String> rules;
    private final Set<String> wildcards;
    private final Set<String> exceptions;

    private PublicSuffixList(Set<String> rules, Set<String> wildcards, Set<String> exceptions) {
        this.rules = Set.copyOf(rules);
        this.wildcards = Set.copyOf(wildcards);
        this.exceptions = Set.copyOf(exceptions);
    }

    /** Reads the list from a file. */
    public static PublicSuffixList load(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return read(in);
        }
    }

    /**
     * The copy that ships with Posthorn, for systems without the distribution's list: it ages with the release, so
     * the system file is preferred where there is one. Read once, when first asked for (the list is immutable).
     */
    public static PublicSuffixList bundled() {
        return Bundled.LIST;
    }

    /** Holds the bundled list, read when the class is first used. */
    private static final class Bundled {
        static final PublicSuffixList LIST = read();

        private static PublicSuffixList read() {
            try (InputStream in = PublicSuffixList.class.getResourceAsStream(BUNDLED)) {
                if (in == null) {
                    throw new IllegalStateException("the bundled public suffix list is missing");
                }
                return PublicSuffixList.read(in);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** Reads the list format: one rule a line, up to the first white space; comments and blank lines skipped. */
    public static PublicSuffixList read(InputStream in) throws IOException {
        Set<String> rules = new HashSet<>();
        Set<String> wildcards = new HashSet<>();
        Set<String> exceptions = new HashSet<>();
        BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        int count = 0;
        for (String line = reader.readLine(); line != null; line = reader.readLine()) {
            String rule = line.strip().split("\\s", 2)[0];
            if (rule.isEmpty() || rule.startsWith("//")) {
                continue;
            }
            if (++count > MAX_RULES) {
                throw new IOException("more than " + MAX_RULES + " rules: not a public suffix list");
            }
            if (rule.startsWith("!")) {
                ascii(rule.substring(1)).ifPresent(exceptions::add);
            } else if (rule.startsWith("*.")) {
                ascii(rule.substring(2)).ifPresent(wildcards::add);
            } else if (rule.equals("*")) {
                continue; // the implicit default rule
            } else {
                ascii(rule).ifPresent(rules::add);
            }
        }
        if (rules.isEmpty()) {
            throw new IOException("no rules: not a public suffix list");
        }
        return new PublicSuffixList(rules, wildcards, exceptions);
    }

    private static java.util.Optional<String> ascii(String rule) {
        try {
            return java.util.Optional.of(IDN.toASCII(rule, IDN.ALLOW_UNASSIGNED).toLowerCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return java.util.Optional.empty(); // a rule IDNA2003 cannot express matches no ASCII name anyway
        }
    }

    /** How many labels of {@code domain} (lower-case ASCII, no trailing dot) form its public suffix. */
    int suffixLabels(String domain) {
        String[] labels = domain.split("\\.");
        int best = 1;   // the default rule "*"
        for (int k = 1; k <= labels.length; k++) {
            String suffix = join(labels, labels.length - k);
            if (exceptions.contains(suffix)) {
                return k - 1;   // an exception rule prevails over every other
            }
            if (rules.contains(suffix) || k >= 2 && wildcards.contains(join(labels, labels.length - k + 1))) {
                best = k;
            }
        }
        return best;
    }

    /**
     * The organisational domain of {@code domain} (RFC 7489 3.2): its public suffix and one label more; a name that
     * is itself a public suffix is its own.
     *
     * @param domain lower-case ASCII, without the trailing dot
     */
    public String organizationalDomain(String domain) {
        String[] labels = domain.split("\\.");
        int keep = suffixLabels(domain) + 1;
        return keep >= labels.length ? domain : join(labels, labels.length - keep);
    }

    private static String join(String[] labels, int from) {
        return String.join(".", java.util.Arrays.asList(labels).subList(from, labels.length));
    }
}
