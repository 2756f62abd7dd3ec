package dev.posthorn.mta.pop3;

import java.io.IOException;
import java.io.InputStream;
import java.util.Collection;
import java.util.List;
import java.util.Objects;

/**
 * The messages of one mailbox, as a POP3 session sees them (RFC 1939 3: "the maildrop"). The server takes
 * {@link #messages()} once, at PASS, and numbers that snapshot from 1; later arrivals wait for the next session.
 */
public interface Maildrop {

    /**
     * One message of the snapshot.
     *
     * @param id   the unique id: UIDL's unique-id (RFC 1939 7: 1 to 70 characters from 0x21 to 0x7E), stable
     *             across sessions
     * @param size the message's size in octets
     */
    record Entry(String id, long size) {
        public Entry {
            Objects.requireNonNull(id, "id");
            if (id.isEmpty() || id.length() > 70 || !id.chars().allMatch(c -> c >= 0x21 && c <= 0x7e)) {
                throw new IllegalArgumentException("not a POP3 unique-id: " + id.length() + " characters");
            }
            if (size < 0) {
                throw new IllegalArgumentException("negative size");
            }
        }
    }

    /** The messages now, oldest first; the order stays the same for the same messages. */
    List<Entry> messages() throws IOException;

    /**
     * The bytes of message {@code id}, as stored (LF or CRLF line ends).
     *
     * @throws java.nio.file.NoSuchFileException when the message has gone since the snapshot
     */
    InputStream open(String id) throws IOException;

    /** Deletes the messages; ids already gone are skipped. */
    void delete(Collection<String> ids) throws IOException;

    /** Opens the maildrop of one mailbox. */
    @FunctionalInterface
    interface Factory {

        /** @param mailbox the POP3 user name, lower-cased: a recipient address */
        Maildrop open(String mailbox) throws IOException;
    }
}
