package dev.posthorn.mta.routing;

import java.util.Objects;

/**
 * Where the mail of one remote domain goes, overriding the smarthost and the domain's MX hosts: the operator's
 * {@code routes}. Written {@code mx}, {@code host:port}, {@code lmtp:host:port} or {@code lmtp:unix:/path}.
 */
public sealed interface RouteTarget {

    /** The name of the {@link Mx} route in the file. */
    String MX = "mx";
    /** The prefix of an {@link Lmtp} route in the file. */
    String LMTP = "lmtp:";

    /**
     * Parses a route as written in the file.
     *
     * @throws IllegalArgumentException with the reason
     */
    static RouteTarget parse(String text) {
        if (text.equals(MX)) {
            return new Mx();
        }
        if (text.startsWith(LMTP)) {
            return new Lmtp(LmtpTarget.parse(text.substring(LMTP.length())));
        }
        int colon = text.indexOf(':');
        if (colon < 0 || !text.startsWith("[") && colon != text.lastIndexOf(':')) {
            throw new IllegalArgumentException("expected mx, host:port, lmtp:host:port or lmtp:unix:/path"
                    + " (an IPv6 address in brackets), got " + text);
        }
        return new Smtp(HostPort.parse(text));
    }

    /** The domain's MX hosts, found in DNS (RFC 5321 5.1), as if there were no route: for exceptions to a relay. */
    record Mx() implements RouteTarget {
        @Override
        public String toString() {
            return MX;
        }
    }

    /**
     * SMTP to one server, whatever DNS says about the domain; with the TLS policy of {@code outbound.tls}.
     *
     * @param server the server and its port
     */
    record Smtp(HostPort server) implements RouteTarget {

        public Smtp {
            Objects.requireNonNull(server, "server");
        }

        @Override
        public String toString() {
            return server.toString();
        }
    }

    /**
     * LMTP (RFC 2033) to a server that takes the domain's mail itself, such as a mail store on another host.
     *
     * @param target where the LMTP server listens
     */
    record Lmtp(LmtpTarget target) implements RouteTarget {

        public Lmtp {
            Objects.requireNonNull(target, "target");
        }

        @Override
        public String toString() {
            return LMTP + target;
        }
    }
}
