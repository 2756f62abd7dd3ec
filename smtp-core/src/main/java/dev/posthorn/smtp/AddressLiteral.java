package dev.posthorn.smtp;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

/**
 * An address literal (RFC 5321 4.1.3): {@code [192.0.2.1]} or {@code [IPv6:2001:db8::1]}. General address literals
 * ({@code [tag:content]}) are syntactically valid but name no address Posthorn can use, so they are refused.
 *
 * @param text    the literal as written, with brackets
 * @param address the address it names
 */
public record AddressLiteral(String text, InetAddress address) implements Host {

    public AddressLiteral {
        if (text == null || address == null) {
            throw new IllegalArgumentException("address literal needs text and address");
        }
    }

    /** Parses {@code [a.b.c.d]} or {@code [IPv6:...]}; throws {@link IllegalArgumentException} otherwise. */
    public static AddressLiteral parse(String text) {
        if (text.length() < 3 || text.charAt(0) != '[' || text.charAt(text.length() - 1) != ']') {
            throw new IllegalArgumentException("address literal must be in brackets");
        }
        String inner = text.substring(1, text.length() - 1);
        if (inner.length() >= 5 && Ascii.equalsIgnoreCase(inner.substring(0, 5), "IPv6:")) {
            String v6 = inner.substring(5);
            // Every IPv6 form has a colon; without one (or with a leading dot) InetAddress would read an IPv4
            // number ("[IPv6:12]" as 0.0.0.12) or look the text up in DNS ("[IPv6:beef]").
            if (v6.indexOf(':') < 0 || v6.charAt(0) == '.'
                    || !v6.chars().allMatch(c -> c == ':' || c == '.' || c < 0x80 && Character.digit(c, 16) >= 0)) {
                throw new IllegalArgumentException("invalid IPv6 address literal");
            }
            return new AddressLiteral(text, toAddress(v6));
        }
        String[] octets = inner.split("\\.", -1);
        if (octets.length != 4) {
            throw new IllegalArgumentException("invalid IPv4 address literal");
        }
        for (String octet : octets) {
            if (octet.isEmpty() || octet.length() > 3 || !octet.chars().allMatch(c -> c >= '0' && c <= '9')
                    || Integer.parseInt(octet) > 255) {
                throw new IllegalArgumentException("invalid IPv4 address literal");
            }
        }
        return new AddressLiteral(text, toAddress(inner));
    }

    /**
     * The literal for {@code address}: {@code [192.0.2.1]} or {@code [IPv6:2001:db8::1]}, the IPv6 address in RFC 5952's
     * short form and without a scope.
     */
    public static AddressLiteral of(InetAddress address) {
        String text = format(address);
        return new AddressLiteral(address instanceof Inet6Address ? "[IPv6:" + text + "]" : "[" + text + "]", address);
    }

    /**
     * An address and port as people write them, {@code 192.0.2.1:25} or {@code [2001:db8::1]:25}: the address as
     * {@link #format(InetAddress)} gives it, an IPv6 one in brackets.
     */
    public static String format(InetSocketAddress address) {
        String host = format(address.getAddress());
        return (address.getAddress() instanceof Inet6Address ? "[" + host + "]" : host) + ":" + address.getPort();
    }

    /**
     * The address as text for people and headers: IPv4 dotted, IPv6 in RFC 5952's short form (lower case, the longest
     * run of two or more zero groups as {@code ::}, the first of equal runs), never with a scope ({@code %eth0}).
     */
    public static String format(InetAddress address) {
        if (!(address instanceof Inet6Address)) {
            return address.getHostAddress();
        }
        byte[] bytes = address.getAddress();
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = (bytes[2 * i] & 0xff) << 8 | bytes[2 * i + 1] & 0xff;
        }
        int bestStart = -1;
        int bestLength = 1;
        for (int i = 0; i < 8; ) {
            int j = i;
            while (j < 8 && groups[j] == 0) {
                j++;
            }
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
            i = j == i ? i + 1 : j;
        }
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                out.append("::");
                i += bestLength - 1;
                continue;
            }
            if (!out.isEmpty() && out.charAt(out.length() - 1) != ':') {
                out.append(':');
            }
            out.append(Integer.toHexString(groups[i]));
        }
        return out.toString();
    }

    private static InetAddress toAddress(String numeric) {
        try {
            // Only digits, dots, colons and hex reach here, so this never consults DNS.
            return InetAddress.getByName(numeric);
        } catch (UnknownHostException | SecurityException e) {
            throw new IllegalArgumentException("invalid address literal", e);
        }
    }

    @Override
    public String toString() {
        return text;
    }
}
