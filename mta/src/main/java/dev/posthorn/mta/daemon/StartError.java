package dev.posthorn.mta.daemon;

import dev.posthorn.smtp.AddressLiteral;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.util.Locale;

/**
 * Why the daemon could not start, in one line that names the part and the reason ({@code cannot listen on
 * 127.0.0.1:2525: address already in use}, {@code spool var/spool: permission denied}): the command line prints the
 * message and exits 1, so it must stand on its own without the exception's class or stack.
 */
final class StartError {

    private StartError() {
    }

    /** {@code WHAT: REASON}, the cause kept for the debug log. */
    static IOException of(String what, IOException cause) {
        return new IOException(what + ": " + reason(cause), cause);
    }

    /** {@code cannot listen on ADDRESS: REASON}. */
    static IOException listen(InetSocketAddress address, IOException cause) {
        return of("cannot listen on " + AddressLiteral.format(address), cause); // RFC 5952: [::1], not [0:0:...:1]
    }

    /** The operating system's reason in lower case, without the path (the caller names the part). */
    static String reason(IOException e) {
        if (e instanceof NoSuchFileException) {
            return "no such file";
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        String reason = e instanceof FileSystemException files && files.getReason() != null
                ? files.getReason() : e.getMessage();
        if (reason == null) {
            return e.getClass().getSimpleName();
        }
        if (e instanceof BindException || e instanceof FileSystemException) {
            // "Address already in use", "Read-only file system": the system's words, as part of a sentence.
            return reason.substring(0, 1).toLowerCase(Locale.ROOT) + reason.substring(1);
        }
        return reason;
    }
}
