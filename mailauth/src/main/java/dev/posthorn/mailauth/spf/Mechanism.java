package dev.posthorn.mailauth.spf;

import java.util.Optional;

/** The mechanisms of RFC 7208 5, each with what it was written with. */
sealed interface Mechanism {

    /** 5.1: matches always. */
    record All() implements Mechanism {
    }

    /** 5.2: matches when check_host() for the domain passes. */
    record Include(MacroString domain) implements Mechanism {
    }

    /** 5.3: the client's address is one of the domain's A or AAAA addresses (with prefix lengths). */
    record A(Optional<MacroString> domain, int prefix4, int prefix6) implements Mechanism {
    }

    /** 5.4: the client's address is one of the addresses of the domain's MX hosts. */
    record Mx(Optional<MacroString> domain, int prefix4, int prefix6) implements Mechanism {
    }

    /** 5.5: the client's validated reverse name is in the domain (discouraged: slow, and a load on reverse DNS). */
    record Ptr(Optional<MacroString> domain) implements Mechanism {
    }

    /** 5.6: the client's address is in this IPv4 network. */
    record Ip4(byte[] network, int prefix) implements Mechanism {
        public Ip4 {
            network = network.clone();
        }
    }

    /** 5.6: the client's address is in this IPv6 network. */
    record Ip6(byte[] network, int prefix) implements Mechanism {
        public Ip6 {
            network = network.clone();
        }
    }

    /** 5.7: the domain has an A record. */
    record Exists(MacroString domain) implements Mechanism {
    }

    /** Whether evaluating it asks DNS, and so counts toward the limit of ten (RFC 7208 4.6.4). */
    default boolean asksDns() {
        return switch (this) {
            case Include i -> true;
            case A a -> true;
            case Mx mx -> true;
            case Ptr ptr -> true;
            case Exists exists -> true;
            case All all -> false;
            case Ip4 ip4 -> false;
            case Ip6 ip6 -> false;
        };
    }
}
