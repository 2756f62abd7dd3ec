package dev.posthorn.mailauth.dns;

/**
 * A mail exchanger as an MX record names it (RFC 1035 3.3.9), as {@link DnsClient#mx} gives it.
 *
 * @param preference 0 to 65535, lower first
 * @param host       lower case, without the trailing dot; "." for the root of a null MX (RFC 7505)
 */
public record Exchanger(int preference, String host) {
}
