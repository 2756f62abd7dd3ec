package dev.posthorn.mta.sendmail;

import java.io.IOException;

/**
 * A refusal of a local submission, with its exit code. An {@link IOException} so that it can end the stream the spool
 * is reading from: the spool's writer then closes without committing, and nothing stays queued.
 */
public final class SubmissionException extends IOException {
    private static final long serialVersionUID = 1L;

    private final transient Sysexit status;

    public SubmissionException(Sysexit status, String message) {
        super(message);
        this.status = status;
    }

    public Sysexit status() {
        return status;
    }

    /** {@code text} from the input made safe for an error line: control characters become {@code ?}, at most 80. */
    static String printable(String text) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < text.length() && out.length() < 80; i++) {
            char c = text.charAt(i);
            out.append(c < 0x20 || c == 0x7f ? '?' : c);
        }
        return out.toString();
    }
}
