package dev.posthorn.mta.sendmail;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * The message as a local user writes it on standard input, line by line. Lines end in LF or in CRLF, the same way
 * throughout (the first line end decides; sendmail's callers write one or the other, a mix is a damaged message). A
 * line is at most 998 octets (RFC 5322 2.1.1); a bare CR or a NUL is refused (RFC 5322 2.3); the message as stored
 * (with CRLF line ends) is at most {@code maxSize} octets. Without {@code -i}, a line with a single dot ends it, as
 * sendmail does. A last line without a line end is taken as a line.
 */
final class MessageInput {

    /** RFC 5322 2.1.1: at most 998 characters on a line, excluding the CRLF. */
    static final int MAX_LINE = 998;

    private enum Ends { UNKNOWN, LF, CRLF }

    private final InputStream in;
    private final boolean dotEnds;
    private final long maxSize;
    private final byte[] line = new byte[MAX_LINE + 1]; // room for the CR of a CRLF
    private Ends ends = Ends.UNKNOWN;
    private long size;
    private int number;
    private boolean finished;

    MessageInput(InputStream in, boolean dotEnds, long maxSize) {
        this.in = new BufferedInputStream(in, 16 * 1024);
        this.dotEnds = dotEnds;
        this.maxSize = maxSize;
    }

    /**
     * The next line without its line end, or null at the end of the message.
     *
     * @throws SubmissionException with {@link Sysexit#DATAERR} for input that is not a message
     */
    byte[] next() throws IOException {
        if (finished) {
            return null;
        }
        int length = 0;
        int c;
        while ((c = in.read()) >= 0 && c != '\n') {
            if (c == 0) {
                throw dataError("line " + (number + 1) + " contains a NUL octet");
            }
            if (length == line.length) {
                throw tooLong(number + 1);
            }
            line[length++] = (byte) c;
        }
        if (c < 0 && length == 0) {
            finished = true;
            return null;
        }
        number++;
        boolean crlf = length > 0 && line[length - 1] == '\r';
        if (crlf) {
            length--;
        }
        if (length > MAX_LINE) {
            throw tooLong(number);
        }
        if (c >= 0) {
            lineEnd(crlf ? Ends.CRLF : Ends.LF);
        }
        for (int i = 0; i < length; i++) {
            if (line[i] == '\r') {
                throw dataError("line " + number + " contains a bare CR (RFC 5322 2.3)");
            }
        }
        if (dotEnds && length == 1 && line[0] == '.') {
            finished = true;
            return null;
        }
        size += length + 2;
        if (size > maxSize) {
            throw dataError("the message is larger than limits.max_message_size (" + maxSize + " octets)");
        }
        return Arrays.copyOf(line, length);
    }

    private void lineEnd(Ends seen) throws SubmissionException {
        if (ends == Ends.UNKNOWN) {
            ends = seen;
        } else if (ends != seen) {
            throw dataError("line " + number + " ends in " + (seen == Ends.LF ? "a bare LF" : "CRLF")
                    + " where the lines before end in " + (ends == Ends.LF ? "LF" : "CRLF")
                    + " (line ends must not be mixed)");
        }
    }

    private static SubmissionException tooLong(int lineNumber) {
        return dataError("line " + lineNumber + " is longer than " + MAX_LINE + " octets (RFC 5322 2.1.1)");
    }

    private static SubmissionException dataError(String message) {
        return new SubmissionException(Sysexit.DATAERR, message);
    }
}
