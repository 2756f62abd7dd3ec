package dev.posthorn.mta.inbound;

import dev.posthorn.mailauth.dkim.DkimResult;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;

/**
 * Verifies the DKIM signatures of a received message: the one point where a DKIM verifier plugs into the inbound
 * checks. The default, {@link #NONE}, verifies nothing, which the Authentication-Results field shows as
 * {@code dkim=none}.
 */
@FunctionalInterface
public interface DkimVerification {

    /** Verifies nothing: every message is unsigned as far as the checks know. */
    DkimVerification NONE = message -> List.of();

    /**
     * One result per DKIM-Signature field, in header order; an empty list for an unsigned message.
     *
     * @param message the message as it is being spooled (the Received field this server added, then the message)
     * @throws IOException when the message cannot be read back (the spool's trouble, not the sender's)
     */
    List<DkimResult> verify(MessageSource message) throws IOException;

    /** The message, to be read as often as needed, each time from the start. */
    @FunctionalInterface
    interface MessageSource {
        InputStream open() throws IOException;
    }
}
