package dev.posthorn.mta.config;

import dev.posthorn.mta.routing.IpLiteral;
import dev.posthorn.smtp.AddressLiteral;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Objects;

/**
 * A network in CIDR notation ({@code 192.0.2.0/24}, {@code 2001:db8::/32}), such as the trusted networks whose
 * clients may relay without authentication. The address carries no host bits: {@code 10.1.2.3/8} is refused rather
 * than silently widened, because it usually means the operator meant another prefix.
 *
 * @param address      the first address of the network
 * @param prefixLength how many leading bits are fixed: 0 to 32 for IPv4, 0 to 128 for IPv6
 */
public record Network(InetAddress address, int prefixLength) {

    public Network {
        Objects.requireNonNull(address, "address");
        int bits = address.getAddress().length * 8;
        if (prefixLength < 0 || prefixLength > bits) {
            throw new IllegalArgumentException("prefix length must be between 0 and " + bits);
        }
        byte[] masked = mask(address.getAddress(), prefixLength);
        if (!Arrays.equals(masked, address.getAddress())) {
            throw new IllegalArgumentException("host bits set in " + AddressLiteral.format(address) + "/" + prefixLength
                    + " (did you mean " + AddressLiteral.format(toAddress(masked)) + "/" + prefixLength + "?)");
        }
    }

    /**
     * Parses {@code address/prefix}; a bare address is a network of one ({@code /32} or {@code /128}).
     *
     * @throws IllegalArgumentException with the reason, for anything else (host names included: no DNS)
     */
    public static Network parse(String text) {
        int slash = text.indexOf('/');
        InetAddress address = IpLiteral.parse(slash < 0 ? text : text.substring(0, slash));
        if (slash < 0) {
            return new Network(address, address.getAddress().length * 8);
        }
        String prefix = text.substring(slash + 1);
        if (prefix.isEmpty() || prefix.length() > 3 || !prefix.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new IllegalArgumentException("not a prefix length: " + prefix);
        }
        return new Network(address, Integer.parseInt(prefix));
    }

    /** Whether {@code candidate} lies in this network; an address of the other family never does. */
    public boolean contains(InetAddress candidate) {
        byte[] bytes = candidate.getAddress();
        return bytes.length == address.getAddress().length
                && Arrays.equals(mask(bytes, prefixLength), address.getAddress());
    }

    /** Whether this is an IPv4 network. */
    public boolean isIpv4() {
        return address instanceof Inet4Address;
    }

    @Override
    public String toString() {
        return AddressLiteral.format(address) + "/" + prefixLength;
    }

    private static byte[] mask(byte[] bytes, int prefixLength) {
        byte[] out = bytes.clone();
        for (int i = 0; i < out.length; i++) {
            int keep = Math.clamp(prefixLength - i * 8L, 0, 8);
            out[i] = (byte) (out[i] & (0xff00 >> keep));
        }
        return out;
    }

    private static InetAddress toAddress(byte[] bytes) {
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("a 4 or 16 byte address is always valid", e);
        }
    }
}
