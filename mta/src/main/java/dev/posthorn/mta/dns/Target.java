package dev.posthorn.mta.dns;

import java.net.InetAddress;
import java.util.List;
import java.util.Objects;

/**
 * One mail exchanger to try, with the addresses to connect to in the order to try them (IPv6 first, then IPv4, each
 * family as DNS listed it).
 *
 * @param host       the exchanger's name in ASCII (A-labels), lower case, without the trailing dot; for the implicit
 *                   MX of RFC 5321 5.1 the domain itself, for an MX that wrongly names an address, that address
 * @param addresses  at least one address
 * @param preference the MX preference, 0 to 65535 (RFC 1035 3.3.9); 0 for the implicit MX
 * @param secure     whether the MX records (or, for the implicit MX, their absence) and the address records were
 *                   validated with DNSSEC: the condition for looking up TLSA records (RFC 7672 2.2.1, 2.2.2)
 * @param canonical  the name the address records were found at, after any CNAMEs; {@code host} without CNAMEs
 *                   (RFC 7672 2.2.2 looks for TLSA records there first)
 */
public record Target(String host, List<InetAddress> addresses, int preference, boolean secure, String canonical) {

    /** A target whose records were not validated. */
    public Target(String host, List<InetAddress> addresses, int preference) {
        this(host, addresses, preference, false, host);
    }

    public Target {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(canonical, "canonical");
        addresses = List.copyOf(addresses);
        if (addresses.isEmpty()) {
            throw new IllegalArgumentException("a target has at least one address: " + host);
        }
        if (preference < 0 || preference > 0xFFFF) {
            throw new IllegalArgumentException("MX preference is 0..65535: " + preference);
        }
    }
}
