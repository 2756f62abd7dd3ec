package dev.posthorn.mta.routing;

import java.nio.file.Path;
import java.util.Objects;

/**
 * How mail for the mailboxes of a local domain is delivered: into Maildir folders, handed to an LMTP server
 * (Dovecot, Cyrus) that owns the mail store, or discarded (as Postfix's discard transport: a sinkhole domain).
 */
public sealed interface LocalDelivery {

    /**
     * Delivery into Maildir folders: mailbox {@code user} is the Maildir {@code root/user/}.
     *
     * @param root the folder holding one Maildir per mailbox
     */
    record Maildir(Path root) implements LocalDelivery {

        public Maildir {
            Objects.requireNonNull(root, "root");
        }

        /**
         * The Maildir of a mailbox. The local part may come from a client (with {@code mailboxes: "*"}), so it is
         * checked here, where it becomes a file name: no separators, no leading dot, nothing that could leave
         * {@code root}.
         *
         * @throws IllegalArgumentException if the local part cannot be a folder name
         */
        public Path folderOf(String localPart) {
            if (Names.localPartProblem(localPart).isPresent() || localPart.indexOf('/') >= 0
                    || localPart.indexOf('\\') >= 0) {
                throw new IllegalArgumentException("not a mailbox folder name: " + localPart);
            }
            return root.resolve(localPart);
        }
    }

    /**
     * Delivery over LMTP (RFC 2033).
     *
     * @param target where the LMTP server listens
     */
    record Lmtp(LmtpTarget target) implements LocalDelivery {

        public Lmtp {
            Objects.requireNonNull(target, "target");
        }
    }

    /**
     * Accepted, queued durably like any mail, then thrown away: for sinkhole and test domains (Postfix's
     * {@code discard:}). Written {@code delivery: { discard: true }}.
     */
    record Discard() implements LocalDelivery {
    }
}
