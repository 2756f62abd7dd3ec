package dev.posthorn.mta.policy;

import dev.posthorn.smtp.MailParameters;
import dev.posthorn.smtp.Replies;
import dev.posthorn.smtp.ReversePath;
import dev.posthorn.smtp.server.Decision;
import dev.posthorn.smtp.server.SessionInfo;
import dev.posthorn.smtp.server.SessionPolicy;
import java.io.IOException;

/**
 * Is there room for this transaction? MAIL is deferred ({@code 452 4.3.1}) when the spool's file system has less
 * than the minimum free, or would have after the message's declared SIZE (RFC 1870), so that no message is refused
 * half written; a file system that cannot tell its free space counts as full.
 */
public final class DiskSpace implements SessionPolicy {

    /** The spool's free space, in octets. */
    @FunctionalInterface
    public interface Free {
        long octets() throws IOException;
    }

    private final Free free;
    private final long minimum;

    /** @param minimum octets that must stay free */
    public DiskSpace(Free free, long minimum) {
        this.free = free;
        this.minimum = minimum;
    }

    @Override
    public Decision mail(SessionInfo session, ReversePath from, MailParameters parameters) {
        try {
            long available = free.octets();
            long declared = parameters.size().orElse(0);
            return available < minimum || available - declared < minimum
                    ? Decision.defer(Replies.INSUFFICIENT_STORAGE) : Decision.accept();
        } catch (IOException e) {
            return Decision.defer(Replies.INSUFFICIENT_STORAGE);
        }
    }
}
