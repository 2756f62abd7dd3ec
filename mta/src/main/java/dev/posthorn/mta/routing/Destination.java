package dev.posthorn.mta.routing;

import dev.posthorn.mta.routing.LocalDomain;
import java.util.Objects;

/** Where one copy of a message goes after alias expansion: a local mailbox, or an address elsewhere. */
public sealed interface Destination {

    /** The address this copy is delivered to (and recorded in the queue). */
    String address();

    /** {@link #address()} as a mailbox, as the queue records it and the transports take it. */
    dev.posthorn.smtp.Mailbox path();

    /**
     * A mailbox of a local domain.
     *
     * @param domain  the local domain (with its delivery method)
     * @param mailbox the mailbox name, lower case, safe as a file name
     */
    record Mailbox(LocalDomain domain, String mailbox) implements Destination {
        public Mailbox {
            Objects.requireNonNull(domain, "domain");
            Objects.requireNonNull(mailbox, "mailbox");
        }

        @Override
        public String address() {
            return mailbox + "@" + domain.name();
        }

        /**
         * A plain name that is no dot-atom ({@code a..b}, reached from a quoted RCPT under a domain where every name
         * is a mailbox) is quoted (RFC 5321 4.1.2): the address stays the same mailbox.
         */
        @Override
        public dev.posthorn.smtp.Mailbox path() {
            try {
                return dev.posthorn.smtp.Mailbox.parse(address(), true);
            } catch (IllegalArgumentException e) {
                return dev.posthorn.smtp.Mailbox.parse("\"" + mailbox + "\"@" + domain.name(), true);
            }
        }

        /**
         * Equal when they name the same mailbox of the same domain. A domain is one per name in a configuration, so
         * its name stands for it: hashing the whole domain record (its mailbox set, aliases and delivery) for every
         * recipient showed up in the accept benchmark's profile.
         */
        @Override
        public boolean equals(Object other) {
            return other instanceof Mailbox that && mailbox.equals(that.mailbox)
                    && domain.name().equals(that.domain.name());
        }

        @Override
        public int hashCode() {
            return 31 * domain.name().hashCode() + mailbox.hashCode();
        }
    }

    /** An address in another domain (an alias pointing out), relayed by the outbound delivery. */
    record Forward(String address) implements Destination {
        public Forward {
            Objects.requireNonNull(address, "address");
        }

        /** An alias target, read as a mailbox when the configuration was loaded. */
        @Override
        public dev.posthorn.smtp.Mailbox path() {
            return dev.posthorn.smtp.Mailbox.parse(address, true);
        }
    }
}
