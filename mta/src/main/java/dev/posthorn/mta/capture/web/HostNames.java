package dev.posthorn.mta.capture.web;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Host header values (RFC 9110 7.2) that name the web view: {@code exact} ones with their port (the listener's
 * own names, {@code --http-host NAME:PORT}), and {@code anyPort} names taken with any port or none ({@code
 * --http-host NAME}, for a port forward such as {@code docker -p 18025:8025}). Lower case. Any other name could be
 * one an attacker's DNS made point here (DNS rebinding), so it is refused.
 */
record HostNames(Set<String> exact, Set<String> anyPort) {

    /** A DNS name (RFC 1123 2.1 labels), an IPv4 address or a bracketed IPv6 literal, then perhaps a port. */
    private static final Pattern NAME = Pattern.compile(
            "(\\[[0-9a-f:.]{2,45}\\]|[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*)"
                    + "(:([0-9]{1,5}))?");
    private static final Pattern PORT = Pattern.compile("[0-9]{1,5}");

    HostNames {
        exact = Set.copyOf(exact);
        anyPort = Set.copyOf(anyPort);
    }

    /**
     * The listener's own {@code names} and the operator's {@code extra} ones, each {@code NAME} or {@code NAME:PORT}.
     *
     * @throws IllegalArgumentException an extra one that is not a host name, an address or a port in range
     */
    static HostNames of(Set<String> names, List<String> extra) {
        Set<String> exact = new HashSet<>(names);
        Set<String> anyPort = new HashSet<>();
        for (String text : extra) {
            String lower = text.strip().toLowerCase(Locale.ROOT);
            Matcher name = NAME.matcher(lower);
            if (!name.matches() || lower.length() > 260) {
                throw new IllegalArgumentException("not a host name, NAME or NAME:PORT: " + text);
            }
            if (name.group(6) == null) {
                anyPort.add(name.group(1));
            } else if (Integer.parseInt(name.group(6)) < 1 || Integer.parseInt(name.group(6)) > 65_535) {
                throw new IllegalArgumentException("port out of range in " + text);
            } else {
                exact.add(name.group(1) + ":" + Integer.parseInt(name.group(6)));
            }
        }
        return new HostNames(exact, anyPort);
    }

    /** Whether a request's Host header names this server. */
    boolean allows(String host) {
        String lower = host.toLowerCase(Locale.ROOT);
        if (exact.contains(lower)) {
            return true;
        }
        int colon = lower.lastIndexOf(':');
        if (colon <= lower.lastIndexOf(']')) { // no port: ":" only inside an IPv6 literal, or none
            return anyPort.contains(lower);
        }
        return anyPort.contains(lower.substring(0, colon)) && PORT.matcher(lower.substring(colon + 1)).matches();
    }
}
