package dev.posthorn.mta.routing;

import dev.posthorn.smtp.AddressLiteral;
import java.net.InetAddress;

/**
 * IP addresses as the operator writes them: {@code 192.0.2.1} or {@code 2001:db8::1}, never a host name. Parsing
 * goes through the protocol core's address literal, which only accepts digits, dots, colons and hex, so loading a
 * configuration never consults DNS.
 */
public final class IpLiteral {

    private IpLiteral() {
    }

    /** Parses an IPv4 or IPv6 address; throws {@link IllegalArgumentException} for anything else. */
    public static InetAddress parse(String text) {
        if (text.isEmpty()) {
            throw new IllegalArgumentException("empty address");
        }
        try {
            return AddressLiteral.parse(text.indexOf(':') >= 0 ? "[IPv6:" + text + "]" : "[" + text + "]").address();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not an IP address: " + text + " (host names are not allowed here)", e);
        }
    }

    /** Whether {@code text} looks like it means to be an IP address (then it must parse as one). */
    public static boolean looksNumeric(String text) {
        return !text.isEmpty()
                && (text.indexOf(':') >= 0 || text.chars().allMatch(c -> c == '.' || c >= '0' && c <= '9'));
    }
}
