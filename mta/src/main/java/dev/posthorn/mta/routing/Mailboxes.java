package dev.posthorn.mta.routing;

import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Which local parts of a local domain are mailboxes: a fixed list, or any local part at all ({@code "*"}).
 */
public sealed interface Mailboxes {

    /**
     * Whether a (canonical) local part can be a mailbox at all: a plain name, {@code [a-z0-9][a-z0-9._+-]{0,63}}, safe
     * as a file name. The router delivers to no other, whatever the list says; the configuration check looks names
     * up by the same rule, so the two never disagree about an alias target.
     */
    static boolean isPlainName(String localPart) {
        return Names.isPlainName(localPart);
    }

    /** Whether {@code localPart} (already in lower case) is a mailbox. */
    boolean contains(String localPart);

    /** Every local part is a mailbox: a development or catch-everything domain. */
    record Any() implements Mailboxes {
        @Override
        public boolean contains(String localPart) {
            return true;
        }
    }

    /**
     * Only the listed local parts are mailboxes.
     *
     * @param localParts dot-atom local parts in lower case, in the order written
     */
    record Listed(Set<String> localParts) implements Mailboxes {

        public Listed {
            for (String localPart : localParts) {
                Names.localPartProblem(localPart).ifPresent(reason -> {
                    throw new IllegalArgumentException(reason + ": " + localPart);
                });
                if (!localPart.equals(Names.canonicalLocalPart(localPart))) {
                    throw new IllegalArgumentException("mailbox names are kept in lower case: " + localPart);
                }
            }
            localParts = Collections.unmodifiableSet(new LinkedHashSet<>(localParts));
        }

        @Override
        public boolean contains(String localPart) {
            return localParts.contains(localPart);
        }
    }
}
