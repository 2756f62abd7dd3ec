package dev.posthorn.mta.pop3;

import dev.posthorn.smtp.io.DotStuffingOutputStream;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * Writes a message for RETR or TOP (RFC 1939 3, 7): byte-stuffed, every line end CRLF (a stored file may have bare
 * LF), ending with {@code . CRLF}. A line end is CRLF, a bare LF or a bare CR, the same as the stuffing stream
 * makes CRLF of, so TOP counts the lines the client will see.
 */
final class MessageText {

    private MessageText() {
    }

    /** @param bodyLines for TOP, how many lines after the header's blank line; {@link Action.Text#WHOLE} for RETR */
    static void write(InputStream message, OutputStream wire, int bodyLines) throws IOException {
        DotStuffingOutputStream out = new DotStuffingOutputStream(wire);
        InputStream in = new BufferedInputStream(message, 8192);
        if (bodyLines == Action.Text.WHOLE) {
            in.transferTo(out);
        } else {
            top(in, out, bodyLines);
        }
        out.finish(); // a final CRLF when the text lacks one, then ". CRLF"; the wire stays open
    }

    /**
     * RFC 1939 7 TOP: "the headers of the message, the blank line separating the headers from the body, and then
     * the number of lines of the indicated message's body". A message without a blank line is all header.
     */
    private static void top(InputStream in, OutputStream out, int bodyLines) throws IOException {
        boolean header = true;
        boolean empty = true;
        boolean lfEndsCr = false;
        int left = bodyLines;
        int b;
        while ((b = in.read()) >= 0) {
            if (lfEndsCr) {
                lfEndsCr = false;
                if (b == '\n') {
                    out.write(b); // the LF of a CRLF: the line already ended at its CR
                    continue;
                }
            }
            out.write(b);
            if (b != '\r' && b != '\n') {
                empty = false;
                continue;
            }
            lfEndsCr = b == '\r';
            if (!header) {
                left--;
            } else if (empty) {
                header = false; // the blank line: it is sent, and the body's lines are counted from here
            }
            if (!header && left <= 0) {
                return;
            }
            empty = true;
        }
    }
}
