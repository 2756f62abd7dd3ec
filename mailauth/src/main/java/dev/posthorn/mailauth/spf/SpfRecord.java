package dev.posthorn.mailauth.spf;

import dev.posthorn.smtp.AddressLiteral;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One SPF record, parsed whole before it is evaluated: any syntax error anywhere makes check_host() return permerror
 * without evaluating anything (RFC 7208 4.6).
 *
 * @param directives the mechanisms with their qualifiers, in order
 * @param redirect   the {@code redirect=} target, if any
 * @param hasAll     whether an {@code all} mechanism appears: then {@code redirect} is ignored (RFC 7208 6.1)
 */
record SpfRecord(List<Directive> directives, Optional<MacroString> redirect, boolean hasAll) {

    private static final Pattern MODIFIER = Pattern.compile("([A-Za-z][A-Za-z0-9._-]*)=(.*)", Pattern.DOTALL);
    private static final Pattern MECHANISM = Pattern.compile("([+?~-]?)([A-Za-z][A-Za-z0-9._-]*)(.*)",
            Pattern.DOTALL);
    /** {@code dual-cidr-length} at the end of an a or mx mechanism: {@code /n}, {@code //n} or both. */
    private static final Pattern DUAL_CIDR = Pattern.compile("(.*?)(?:/(0|[1-9][0-9]{0,2}))?(?://(0|[1-9][0-9]{0,2}))?",
            Pattern.DOTALL);
    private static final Pattern IP4_NETWORK = Pattern.compile(
            "((?:(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])\\.){3}(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9]))"
                    + "(?:/(0|[1-9][0-9]?))?");
    private static final Pattern IP6_NETWORK = Pattern.compile("([0-9A-Fa-f:.]+)(?:/(0|[1-9][0-9]{0,2}))?");

    SpfRecord {
        directives = List.copyOf(directives);
    }

    /** What a matching mechanism makes the result (RFC 7208 4.6.2). */
    enum Qualifier {
        PASS, FAIL, SOFTFAIL, NEUTRAL;

        SpfResult result() {
            return SpfResult.valueOf(name());
        }

        static Qualifier of(String symbol) {
            return switch (symbol) {
                case "-" -> FAIL;
                case "~" -> SOFTFAIL;
                case "?" -> NEUTRAL;
                default -> PASS;
            };
        }
    }

    /** A mechanism and its qualifier. */
    record Directive(Qualifier qualifier, Mechanism mechanism) {
    }

    /** Whether a TXT record is an SPF record: {@code v=spf1} followed by a space or nothing (RFC 7208 4.5). */
    static boolean isSpf(String txt) {
        return txt.regionMatches(true, 0, "v=spf1", 0, 6) && (txt.length() == 6 || txt.charAt(6) == ' ');
    }

    /**
     * Parses a record that {@link #isSpf} accepted.
     *
     * @throws SpfSyntaxException naming the first term that breaks the RFC 7208 12 grammar
     */
    static SpfRecord parse(String txt) throws SpfSyntaxException {
        List<Directive> directives = new ArrayList<>();
        Optional<MacroString> redirect = Optional.empty();
        boolean explanation = false;
        boolean hasAll = false;
        for (String term : txt.substring(6).split(" ")) {
            if (term.isEmpty()) {
                continue;   // 1*SP between terms, *SP at the end
            }
            Matcher modifier = MODIFIER.matcher(term);
            if (modifier.matches()) {
                String name = modifier.group(1).toLowerCase(Locale.ROOT);
                String value = modifier.group(2);
                switch (name) {
                    case "redirect" -> {
                        if (redirect.isPresent()) {
                            throw new SpfSyntaxException("redirect given twice");
                        }
                        redirect = Optional.of(MacroString.domainSpec(value));
                    }
                    case "exp" -> {
                        if (explanation) {
                            throw new SpfSyntaxException("exp given twice");
                        }
                        MacroString.domainSpec(value); // checked, never fetched: see the package documentation
                        explanation = true;
                    }
                    default -> MacroString.parse(value, false); // unknown modifiers are ignored once well-formed
                }
                continue;
            }
            Directive directive = directive(term);
            hasAll |= directive.mechanism() instanceof Mechanism.All;
            directives.add(directive);
        }
        return new SpfRecord(directives, redirect, hasAll);
    }

    private static Directive directive(String term) throws SpfSyntaxException {
        Matcher m = MECHANISM.matcher(term);
        if (!m.matches()) {
            throw new SpfSyntaxException("not a mechanism or modifier: " + term);
        }
        Qualifier qualifier = Qualifier.of(m.group(1));
        String name = m.group(2).toLowerCase(Locale.ROOT);
        String rest = m.group(3);
        Mechanism mechanism = switch (name) {
            case "all" -> {
                if (!rest.isEmpty()) {
                    throw new SpfSyntaxException("all takes no argument: " + term);
                }
                yield new Mechanism.All();
            }
            case "include" -> new Mechanism.Include(MacroString.domainSpec(argument(rest, term)));
            case "exists" -> new Mechanism.Exists(MacroString.domainSpec(argument(rest, term)));
            case "ptr" -> new Mechanism.Ptr(rest.isEmpty() ? Optional.empty()
                    : Optional.of(MacroString.domainSpec(argument(rest, term))));
            case "a", "mx" -> addressMechanism(name, rest, term);
            case "ip4" -> ip4(argument(rest, term), term);
            case "ip6" -> ip6(argument(rest, term), term);
            default -> throw new SpfSyntaxException("unknown mechanism: " + term);
        };
        return new Directive(qualifier, mechanism);
    }

    /** The text after {@code :}; the colon and a non-empty value are required. */
    private static String argument(String rest, String term) throws SpfSyntaxException {
        if (!rest.startsWith(":") || rest.length() == 1) {
            throw new SpfSyntaxException("expected ':' and a value: " + term);
        }
        return rest.substring(1);
    }

    private static Mechanism addressMechanism(String name, String rest, String term) throws SpfSyntaxException {
        Matcher cidr = DUAL_CIDR.matcher(rest);
        if (!cidr.matches()) {
            throw new SpfSyntaxException("bad prefix length: " + term);
        }
        String domain = cidr.group(1);
        int prefix4 = cidr.group(2) == null ? 32 : Integer.parseInt(cidr.group(2));
        int prefix6 = cidr.group(3) == null ? 128 : Integer.parseInt(cidr.group(3));
        if (prefix4 > 32 || prefix6 > 128) {
            throw new SpfSyntaxException("prefix length out of range: " + term);
        }
        Optional<MacroString> spec = domain.isEmpty() ? Optional.empty()
                : Optional.of(MacroString.domainSpec(argument(domain, term)));
        return name.equals("a") ? new Mechanism.A(spec, prefix4, prefix6) : new Mechanism.Mx(spec, prefix4, prefix6);
    }

    private static Mechanism ip4(String value, String term) throws SpfSyntaxException {
        Matcher m = IP4_NETWORK.matcher(value);
        if (!m.matches()) {
            throw new SpfSyntaxException("not an IPv4 network: " + term);
        }
        int prefix = m.group(2) == null ? 32 : Integer.parseInt(m.group(2));
        if (prefix > 32) {
            throw new SpfSyntaxException("IPv4 prefix length over 32: " + term);
        }
        return new Mechanism.Ip4(AddressLiteral.parse("[" + m.group(1) + "]").address().getAddress(), prefix);
    }

    private static Mechanism ip6(String value, String term) throws SpfSyntaxException {
        Matcher m = IP6_NETWORK.matcher(value);
        byte[] network = m.matches() ? ip6Octets(m.group(1)) : null;
        if (network == null) {
            throw new SpfSyntaxException("not an IPv6 network: " + term);
        }
        int prefix = m.group(2) == null ? 128 : Integer.parseInt(m.group(2));
        if (prefix > 128) {
            throw new SpfSyntaxException("IPv6 prefix length over 128: " + term);
        }
        return new Mechanism.Ip6(network, prefix);
    }

    /**
     * The 16 octets of an IPv6 address written as text, or null when it is not one. Read as an SMTP address literal
     * (which never asks DNS); the JDK gives an IPv4-mapped address ({@code ::ffff:192.0.2.1}) as IPv4, so its 16
     * octets are put back.
     */
    private static byte[] ip6Octets(String text) {
        try {
            byte[] octets = AddressLiteral.parse("[IPv6:" + text + "]").address().getAddress();
            if (octets.length == 16) {
                return octets;
            }
            byte[] mapped = new byte[16];
            mapped[10] = (byte) 0xff;
            mapped[11] = (byte) 0xff;
            System.arraycopy(octets, 0, mapped, 12, 4);
            return mapped;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
