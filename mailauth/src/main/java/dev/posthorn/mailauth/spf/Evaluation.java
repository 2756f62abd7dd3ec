package dev.posthorn.mailauth.spf;

import dev.posthorn.mailauth.dns.Answer;
import dev.posthorn.mailauth.dns.DnsLookup;
import dev.posthorn.mailauth.dns.Exchanger;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * One check_host() tree (RFC 7208 4): the top-level call and every include and redirect below it share the
 * counters of 4.6.4, so that a record cannot multiply the work by nesting.
 */
final class Evaluation {

    /** A result reached normally: a mechanism matched, none did, or there was no record. */
    record Outcome(SpfResult result, String reason) {
    }

    /** Ends the whole evaluation with temperror or permerror (RFC 7208 4.6: errors propagate unchanged). */
    static final class Stop extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final SpfResult result;

        Stop(SpfResult result, String reason) {
            super(reason, null, false, false);
            this.result = result;
        }

        SpfResult result() {
            return result;
        }
    }

    private final DnsLookup dns;
    private final InetAddress ip;
    private final String sender;
    private final String helo;
    private final long deadline;
    private int dnsTerms;
    private int voidLookups;

    Evaluation(DnsLookup dns, InetAddress ip, String sender, String helo, long deadline) {
        this.dns = dns;
        this.ip = ip;
        this.sender = sender;
        this.helo = helo;
        this.deadline = deadline;
    }

    /** check_host(ip, domain, sender); {@link Stop} carries temperror and permerror. */
    Outcome checkHost(String domain) {
        if (!isDomain(domain)) {
            return new Outcome(SpfResult.NONE, "no valid domain to check");   // RFC 7208 4.3
        }
        Answer<String> txt = ask(() -> dns.txt(domain));
        if (txt instanceof Answer.Failed<String> failed) {
            throw new Stop(SpfResult.TEMPERROR, domain + ": DNS error: " + failed.reason());   // 4.4
        }
        List<String> records = txt.recordsOrEmpty().stream().filter(SpfRecord::isSpf).toList();
        if (records.isEmpty()) {
            return new Outcome(SpfResult.NONE, domain + ": no SPF record");   // 4.5
        }
        if (records.size() > 1) {
            throw new Stop(SpfResult.PERMERROR, domain + ": more than one SPF record");
        }
        SpfRecord record;
        try {
            record = SpfRecord.parse(records.getFirst());
        } catch (SpfSyntaxException e) {
            throw new Stop(SpfResult.PERMERROR, domain + ": " + e.getMessage());
        }
        for (SpfRecord.Directive directive : record.directives()) {
            if (matches(directive.mechanism(), domain)) {
                return new Outcome(directive.qualifier().result(), domain + ": " + ipText() + " matched "
                        + name(directive.mechanism()));
            }
        }
        if (record.redirect().isPresent() && !record.hasAll()) {   // 6.1
            countDnsTerm(domain);
            String target = record.redirect().get().expandDomain(letter -> macro(letter, domain));
            Outcome redirected = checkHost(target.toLowerCase(Locale.ROOT));
            if (redirected.result() == SpfResult.NONE) {
                throw new Stop(SpfResult.PERMERROR, domain + ": redirect to " + target + ", which has no SPF record");
            }
            return redirected;
        }
        return new Outcome(SpfResult.NEUTRAL, domain + ": no mechanism matched " + ipText());   // 4.7
    }

    private boolean matches(Mechanism mechanism, String domain) {
        if (mechanism.asksDns()) {
            countDnsTerm(domain);
        }
        return switch (mechanism) {
            case Mechanism.All all -> true;
            case Mechanism.Ip4 ip4 -> inNetwork(ip, ip4.network(), ip4.prefix());
            case Mechanism.Ip6 ip6 -> inNetwork(ip, ip6.network(), ip6.prefix());
            case Mechanism.Include include -> include(include.domain().expandDomain(l -> macro(l, domain)));
            case Mechanism.A a -> {
                String target = a.domain().map(d -> d.expandDomain(l -> macro(l, domain))).orElse(domain);
                yield inAny(counted(ask(() -> dns.addresses(target, ip)), target), prefix(a.prefix4(), a.prefix6()));
            }
            case Mechanism.Mx mx -> mx(mx.domain().map(d -> d.expandDomain(l -> macro(l, domain))).orElse(domain),
                    prefix(mx.prefix4(), mx.prefix6()));
            case Mechanism.Ptr ptr -> {
                String target = ptr.domain().map(d -> d.expandDomain(l -> macro(l, domain))).orElse(domain);
                yield validatedNames(true).stream().anyMatch(name -> isAtOrBelow(name, target));
            }
            case Mechanism.Exists exists -> {
                String target = exists.domain().expandDomain(l -> macro(l, domain));
                yield !counted(ask(() -> dns.a(target)), target).isEmpty();   // always A (RFC 7208 5.7)
            }
        };
    }

    /** RFC 7208 5.2: pass matches; fail, softfail and neutral do not; none is a permerror; errors propagate. */
    private boolean include(String target) {
        Outcome included = checkHost(target.toLowerCase(Locale.ROOT));
        if (included.result() == SpfResult.NONE) {
            throw new Stop(SpfResult.PERMERROR, "include of " + target + ", which has no SPF record");
        }
        return included.result() == SpfResult.PASS;
    }

    /** RFC 7208 5.4: the addresses of at most ten MX hosts, each of the client's family. */
    private boolean mx(String target, int prefix) {
        List<Exchanger> hosts = counted(ask(() -> dns.mx(target)), target);
        if (hosts.size() > SpfVerifier.MAX_NAMES) {
            throw new Stop(SpfResult.PERMERROR, target + ": more than " + SpfVerifier.MAX_NAMES + " MX records");
        }
        for (Exchanger host : hosts) {
            if (host.host().isEmpty() || host.host().equals(".")) {
                continue;   // a null MX (RFC 7505) names no host
            }
            Answer<InetAddress> addresses = ask(() -> dns.addresses(host.host(), ip));
            if (addresses instanceof Answer.Failed<InetAddress> failed) {
                throw new Stop(SpfResult.TEMPERROR, "MX host " + host.host() + ": DNS error: " + failed.reason());
            }
            if (inAny(addresses.recordsOrEmpty(), prefix)) {
                return true;
            }
        }
        return false;
    }

    /**
     * RFC 7208 5.5: the names of the client's PTR records (the first ten) whose own addresses include the client.
     * A DNS error makes the list shorter, never an error result.
     */
    private List<String> validatedNames(boolean countVoid) {
        Answer<String> names = ask(() -> dns.ptr(ip));
        if (countVoid && names.isVoid()) {
            countVoid(ipText() + " reverse");
        }
        List<String> validated = new ArrayList<>();
        for (String name : names.recordsOrEmpty().stream().limit(SpfVerifier.MAX_NAMES).toList()) {
            Answer<InetAddress> forward = ask(() -> dns.addresses(name, ip));
            if (forward.recordsOrEmpty().stream().anyMatch(ip::equals)) {
                validated.add(name);
            }
        }
        return validated;
    }

    /** The records of an answer to a mechanism's own query; a failure is temperror, a void lookup is counted. */
    private <T> List<T> counted(Answer<T> answer, String name) {
        if (answer instanceof Answer.Failed<T> failed) {
            throw new Stop(SpfResult.TEMPERROR, name + ": DNS error: " + failed.reason());
        }
        if (answer.isVoid()) {
            countVoid(name);
        }
        return answer.recordsOrEmpty();
    }

    private void countVoid(String name) {
        if (++voidLookups > SpfVerifier.MAX_VOID_LOOKUPS) {
            throw new Stop(SpfResult.PERMERROR, name + ": more than " + SpfVerifier.MAX_VOID_LOOKUPS
                    + " lookups found nothing");
        }
    }

    private void countDnsTerm(String domain) {
        if (++dnsTerms > SpfVerifier.MAX_DNS_TERMS) {
            throw new Stop(SpfResult.PERMERROR, domain + ": more than " + SpfVerifier.MAX_DNS_TERMS
                    + " DNS-querying terms");
        }
    }

    /** One DNS question, unless the check's time is up (RFC 7208 4.6.4 allows a limit of at least 20 seconds). */
    private <T> Answer<T> ask(Supplier<Answer<T>> question) {
        if (System.nanoTime() - deadline > 0) {
            throw new Stop(SpfResult.TEMPERROR, "the check took too long");
        }
        return question.get();
    }

    private int prefix(int prefix4, int prefix6) {
        return ip instanceof Inet4Address ? prefix4 : prefix6;
    }

    private boolean inAny(List<InetAddress> addresses, int prefix) {
        return addresses.stream().anyMatch(a -> inNetwork(ip, a.getAddress(), prefix));
    }

    /** Whether {@code address} lies in the network {@code network/prefix}; never for the other family. */
    static boolean inNetwork(InetAddress address, byte[] network, int prefix) {
        byte[] bytes = address.getAddress();
        if (bytes.length != network.length) {
            return false;
        }
        for (int bit = 0; bit < prefix; bit++) {
            int mask = 0x80 >>> (bit % 8);
            if ((bytes[bit / 8] & mask) != (network[bit / 8] & mask)) {
                return false;
            }
        }
        return true;
    }

    /** The value of a macro letter (RFC 7208 7.3); {@code domain} is the current {@code <domain>}. */
    private String macro(char letter, String domain) {
        int at = sender.lastIndexOf('@');
        return switch (letter) {
            case 's' -> sender;
            case 'l' -> at <= 0 ? "postmaster" : sender.substring(0, at);
            case 'o' -> sender.substring(at + 1);
            case 'd' -> domain;
            case 'i' -> ip instanceof Inet4Address ? ip.getHostAddress() : nibbles(ip);
            case 'p' -> pName(domain);
            case 'v' -> ip instanceof Inet4Address ? "in-addr" : "ip6";
            case 'h' -> helo;
            default -> throw new IllegalStateException("macro letter not allowed here: " + letter);
        };
    }

    /** The {@code p} macro: a validated name, the domain itself or one below it preferred; else "unknown". */
    private String pName(String domain) {
        countDnsTerm(domain);
        List<String> names = validatedNames(false);
        return names.stream().filter(domain::equals).findFirst()
                .or(() -> names.stream().filter(n -> isAtOrBelow(n, domain)).findFirst())
                .or(() -> names.stream().findFirst())
                .orElse("unknown");
    }

    /** An IPv6 address as 32 dot-separated nibbles (RFC 7208 7.3, the "dot-format" for %{i}). */
    private static String nibbles(InetAddress address) {
        String hex = HexFormat.of().formatHex(address.getAddress());
        StringBuilder out = new StringBuilder();
        for (char c : hex.toCharArray()) {
            if (!out.isEmpty()) {
                out.append('.');
            }
            out.append(c);
        }
        return out.toString();
    }

    private static boolean isAtOrBelow(String name, String domain) {
        String n = name.toLowerCase(Locale.ROOT);
        String d = domain.toLowerCase(Locale.ROOT);
        return n.equals(d) || n.endsWith("." + d);
    }

    /**
     * RFC 7208 4.3: a well-formed, multi-label name (labels of 1 to 63 octets, 253 in all). An address literal, as a
     * HELO name may be, or an address written bare (its last label numeric, which no top-level domain is) is none.
     */
    static boolean isDomain(String domain) {
        String name = domain.endsWith(".") ? domain.substring(0, domain.length() - 1) : domain;
        String last = name.substring(name.lastIndexOf('.') + 1);
        if (name.isEmpty() || name.length() > MacroString.MAX_DOMAIN || name.indexOf('.') < 0
                || name.startsWith("[") || last.chars().allMatch(Character::isDigit)) {
            return false;
        }
        for (String label : name.split("\\.", -1)) {
            if (label.isEmpty() || label.length() > 63) {
                return false;
            }
        }
        return true;
    }

    private String ipText() {
        return ip.getHostAddress();
    }

    private static String name(Mechanism mechanism) {
        return mechanism.getClass().getSimpleName().toLowerCase(Locale.ROOT);
    }
}
