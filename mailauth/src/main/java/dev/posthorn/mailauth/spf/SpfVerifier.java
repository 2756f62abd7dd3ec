package dev.posthorn.mailauth.spf;

import dev.posthorn.mailauth.dns.DnsLookup;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;

/**
 * Evaluates the sender policy of a message's MAIL FROM domain, or of its HELO name when MAIL FROM is null, for one
 * client address: RFC 7208's check_host() with the processing limits of 4.6.4 (ten DNS-querying terms, two void
 * lookups, ten MX names per mx mechanism, ten PTR names) and an overall time limit. Safe for concurrent use: each check
 * keeps its own counters in a {@link Evaluation}.
 */
public final class SpfVerifier {

    /** RFC 7208 4.6.4: at most ten terms that cause DNS queries, over the whole evaluation. */
    static final int MAX_DNS_TERMS = 10;
    /** RFC 7208 4.6.4: more than two lookups that find no name or no data make the record a permerror. */
    static final int MAX_VOID_LOOKUPS = 2;
    /** RFC 7208 4.6.4: the names of one MX or PTR query that are looked at. */
    static final int MAX_NAMES = 10;

    private final DnsLookup dns;
    private final Duration timeLimit;

    /**
     * @param dns       where the records come from
     * @param timeLimit how long one check may take in all; RFC 7208 4.6.4 asks for at least 20 seconds
     */
    public SpfVerifier(DnsLookup dns, Duration timeLimit) {
        this.dns = Objects.requireNonNull(dns, "dns");
        this.timeLimit = Objects.requireNonNull(timeLimit, "timeLimit");
    }

    /**
     * Checks the MAIL FROM identity, or the HELO identity when {@code mailFrom} is null (RFC 7208 2.4).
     *
     * @param client   the SMTP client's address
     * @param mailFrom the reverse path as {@code local@domain}, or null for the null reverse path
     * @param helo     the HELO/EHLO name, or null when the client gave none
     */
    public SpfVerdict check(InetAddress client, String mailFrom, String helo) {
        InetAddress ip = unmapped(client);
        String heloName = helo == null ? "" : helo;
        if (mailFrom == null || mailFrom.isEmpty()) {
            String sender = "postmaster@" + heloName;
            return verdict(ip, heloName, sender, heloName, SpfVerdict.Identity.HELO, heloName);
        }
        int at = mailFrom.lastIndexOf('@');
        String domain = at < 0 ? "" : mailFrom.substring(at + 1);
        String sender = at == 0 ? "postmaster" + mailFrom : mailFrom; // RFC 7208 4.3: no local part is postmaster
        return verdict(ip, domain, sender, heloName, SpfVerdict.Identity.MAILFROM, mailFrom);
    }

    private SpfVerdict verdict(InetAddress ip, String domain, String sender, String helo,
                               SpfVerdict.Identity identity, String checked) {
        String lower = domain.toLowerCase(Locale.ROOT);
        Evaluation evaluation = new Evaluation(dns, ip, sender, helo, System.nanoTime() + timeLimit.toNanos());
        try {
            Evaluation.Outcome outcome = evaluation.checkHost(lower);
            return new SpfVerdict(outcome.result(), identity, checked, lower, outcome.reason());
        } catch (Evaluation.Stop stop) {
            return new SpfVerdict(stop.result(), identity, checked, lower, stop.getMessage());
        }
    }

    /** An IPv4-mapped IPv6 address is checked as the IPv4 address it carries (RFC 7208 5). */
    static InetAddress unmapped(InetAddress address) {
        byte[] bytes = address.getAddress();
        if (address instanceof Inet6Address && isMapped(bytes)) {
            try {
                return InetAddress.getByAddress(Arrays.copyOfRange(bytes, 12, 16));
            } catch (UnknownHostException e) {
                throw new IllegalStateException("four octets are always an address", e);
            }
        }
        return address;
    }

    private static boolean isMapped(byte[] bytes) {
        for (int i = 0; i < 10; i++) {
            if (bytes[i] != 0) {
                return false;
            }
        }
        return bytes[10] == (byte) 0xff && bytes[11] == (byte) 0xff;
    }
}
