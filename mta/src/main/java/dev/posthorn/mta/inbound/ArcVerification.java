package dev.posthorn.mta.inbound;

import dev.posthorn.mailauth.arc.ArcResult;
import java.io.IOException;

/**
 * Validates the ARC chain of a received message (RFC 8617 5.2): the one point where an ARC verifier plugs into the
 * inbound checks, as {@link DkimVerification} is for DKIM.
 */
@FunctionalInterface
public interface ArcVerification {

    /**
     * The chain validation status of the message.
     *
     * @param message the message as it is being spooled (the Received field this server added, then the message)
     * @throws IOException when the message cannot be read back
     */
    ArcResult verify(DkimVerification.MessageSource message) throws IOException;
}
