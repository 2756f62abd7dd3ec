package dev.posthorn.mta.dns;

import dev.posthorn.mta.dns.DnsClient.Reply;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.PTRRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.ReverseMap;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * DNS questions for inbound mail authentication (SPF, DMARC): TXT, A, AAAA, MX and PTR records, decoded into plain
 * Java values so that the checks need no DNS library types.
 *
 * <p>Names come from untrusted places (a MAIL FROM domain, a macro expansion in someone's SPF record), so any text is
 * accepted and turned into a DNS name octet by octet: every character other than a letter, digit, hyphen or
 * underscore is escaped, and a name that cannot exist (a label over 63 octets, an empty label, over 255 octets) is
 * answered {@link Answer.NoSuchName} without asking. Safe for concurrent use; answers are cached for their TTL.
 */
public final class DnsLookups {

    private final DnsClient dns;

    /**
     * @param servers the recursive resolvers to ask, in order; empty for the system's (resolv.conf)
     * @param timeout how long one question may take, over all servers and attempts
     */
    public DnsLookups(List<InetSocketAddress> servers, Duration timeout) {
        this.dns = new DnsClient(List.copyOf(servers), timeout);
    }

    /** A mail exchanger as an MX record names it. */
    public record Exchanger(int preference, String host) {
    }

    /** The TXT records at {@code name}, each record's character strings joined without spaces (RFC 7208 3.3). */
    public Answer<String> txt(String name) {
        return ask(name, Type.TXT, record -> record instanceof TXTRecord txt
                ? Optional.of(String.join("", txt.getStrings())) : Optional.empty());
    }

    /** The IPv4 addresses of {@code name}. */
    public Answer<InetAddress> a(String name) {
        return ask(name, Type.A, record -> record instanceof ARecord a
                ? Optional.of(a.getAddress()) : Optional.empty());
    }

    /** The IPv6 addresses of {@code name}. */
    public Answer<InetAddress> aaaa(String name) {
        return ask(name, Type.AAAA, record -> record instanceof AAAARecord aaaa
                ? Optional.of(aaaa.getAddress()) : Optional.empty());
    }

    /** The addresses of {@code name} of the same family as {@code like}: A for IPv4, AAAA for IPv6. */
    public Answer<InetAddress> addresses(String name, InetAddress like) {
        return like instanceof Inet4Address ? a(name) : aaaa(name);
    }

    /** The MX records of {@code name}, in DNS order, host names lower case without the trailing dot. */
    public Answer<Exchanger> mx(String name) {
        return ask(name, Type.MX, record -> record instanceof MXRecord mx
                ? Optional.of(new Exchanger(mx.getPriority(), text(mx.getTarget()))) : Optional.empty());
    }

    /** The names the reverse zone gives for {@code address} (PTR records, RFC 1035 3.5, RFC 3596 2.5). */
    public Answer<String> ptr(InetAddress address) {
        return ask(ReverseMap.fromAddress(address), Type.PTR, record -> record instanceof PTRRecord ptr
                ? Optional.of(text(ptr.getTarget())) : Optional.empty());
    }

    private <T> Answer<T> ask(String name, int type, Function<Record, Optional<T>> decode) {
        Optional<Name> parsed = toName(name);
        return parsed.isEmpty() ? new Answer.NoSuchName<>() : ask(parsed.get(), type, decode);
    }

    private <T> Answer<T> ask(Name name, int type, Function<Record, Optional<T>> decode) {
        return switch (dns.lookup(name, type)) {
            case Reply.Found found -> {
                List<T> values = new ArrayList<>();
                for (Record record : found.records()) {
                    decode.apply(record).ifPresent(values::add);
                }
                yield values.isEmpty() ? new Answer.NoData<>() : new Answer.Found<>(values);
            }
            case Reply.NoSuchName none -> new Answer.NoSuchName<>();
            case Reply.NoData none -> new Answer.NoData<>();
            case Reply.Failed failed -> new Answer.Failed<>(failed.reason());
        };
    }

    /**
     * The absolute DNS name for {@code text} (a trailing dot is allowed), or empty when no such name can exist.
     * Octets other than letters, digits, hyphens and underscores are escaped as {@code \DDD}, so nothing in the text
     * is read as zone-file syntax.
     */
    static Optional<Name> toName(String text) {
        String name = text.endsWith(".") ? text.substring(0, text.length() - 1) : text;
        if (name.isEmpty()) {
            return Optional.empty();
        }
        StringBuilder escaped = new StringBuilder();
        for (String label : name.split("\\.", -1)) {
            byte[] octets = label.getBytes(StandardCharsets.UTF_8);
            if (octets.length == 0 || octets.length > 63) {
                return Optional.empty();
            }
            for (byte b : octets) {
                int c = b & 0xff;
                if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
                    escaped.append((char) c);
                } else {
                    escaped.append('\\').append(String.format(Locale.ROOT, "%03d", c));
                }
            }
            escaped.append('.');
        }
        try {
            return Optional.of(Name.fromString(escaped.toString()));
        } catch (TextParseException e) {
            return Optional.empty(); // longer than 255 octets
        }
    }

    private static String text(Name name) {
        return name.toString(true).toLowerCase(Locale.ROOT);
    }
}
