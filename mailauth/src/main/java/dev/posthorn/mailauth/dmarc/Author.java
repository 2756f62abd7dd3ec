package dev.posthorn.mailauth.dmarc;

import java.net.IDN;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The author domain of a message: the domain of the RFC 5322.From address, the identifier DMARC protects
 * (RFC 7489 3.1). Either exactly one domain, or a reason why the message names none or several.
 *
 * <p>RFC 7489 6.6.1 leaves messages with several From fields, or several From addresses, to the receiver. Posthorn
 * takes a From field whose addresses all share one domain as that domain; anything else (no From field, several
 * From fields, addresses in several domains, no usable domain) is {@link Ambiguous}: DMARC's result is permerror,
 * and with {@code dmarc_reject} the message is refused, since a reader would see an author DMARC did not check.
 */
public sealed interface Author {

    /** One author domain, lower-case ASCII. */
    record Domain(String name) implements Author {
    }

    /** No single author domain; {@code reason} says why. */
    record Ambiguous(String reason) implements Author {
    }

    /** The longest From field value read; a longer one is no address anyone could mean. */
    int MAX_FIELD = 16 * 1024;

    /**
     * The author of a message with these From field values (unfolded or not, without the field name).
     *
     * @param fromFields every From field of the header section, in order
     */
    static Author of(List<String> fromFields) {
        if (fromFields.isEmpty()) {
            return new Ambiguous("no From field");
        }
        if (fromFields.size() > 1) {
            return new Ambiguous("more than one From field");
        }
        String value = fromFields.getFirst();
        if (value.length() > MAX_FIELD) {
            return new Ambiguous("From field too long");
        }
        List<String> addresses = AddressList.split(value);
        if (addresses.isEmpty()) {
            return new Ambiguous("no address in the From field");
        }
        Set<String> domains = new LinkedHashSet<>();
        for (String address : addresses) {
            String domain = domainOf(address);
            if (domain == null) {
                return new Ambiguous("a From address has no usable domain");
            }
            domains.add(domain);
        }
        return domains.size() == 1 ? new Domain(domains.iterator().next())
                : new Ambiguous("From addresses in more than one domain");
    }

    private static String domainOf(String addrSpec) {
        int at = addrSpec.lastIndexOf('@');
        if (at <= 0) {
            return null;
        }
        String domain = addrSpec.substring(at + 1).strip();
        if (domain.endsWith(".")) {
            domain = domain.substring(0, domain.length() - 1);
        }
        try {
            String ascii = IDN.toASCII(domain, IDN.USE_STD3_ASCII_RULES).toLowerCase(Locale.ROOT);
            return AddressList.HOST.matcher(ascii).matches() ? ascii : null;
        } catch (IllegalArgumentException e) {
            return null;   // a domain literal, or not a domain name
        }
    }
}
