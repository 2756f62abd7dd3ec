package dev.posthorn.mta.delivery;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Follows the header section of a message one octet at a time (RFC 5322 2.2), for the streams that watch a message
 * on its way into the spool and for {@link ReceivedCount}: which octet completes the name of the one field looked
 * for (matched without regard to case at the start of a line, colon included), which begins a folded continuation
 * line (2.2.3) or a new line, and where the empty line ends the section. It keeps no text, so its memory is the
 * same whatever the message holds; what a caller keeps of a field's value is the caller's to bound.
 */
public final class HeaderLines {

    /** What one octet is, seen from the header section. */
    public enum Octet {
        /** The colon that completes the looked-for field's name at the start of a line. */
        NAME,
        /** The first octet of a line that does not go on with the field above (the empty line's CR included). */
        LINE,
        /** A space or tab that begins a line: the field above goes on (a folded line, RFC 5322 2.2.3). */
        FOLD,
        /** The LF that ends a line (the empty line's LF ends the header section). */
        END_OF_LINE,
        /** Any other octet of the header section. */
        OTHER,
        /** An octet after the header section. */
        BODY
    }

    private final byte[] name;
    private boolean inHeader = true;
    private boolean lineStart = true;
    private boolean emptyLineCr;
    private int matched;

    /** @param name the field name looked for, such as {@code Received} */
    public HeaderLines(String name) {
        this.name = (name.toLowerCase(Locale.ROOT) + ":").getBytes(StandardCharsets.US_ASCII);
    }

    /** Whether the header section goes on (no empty line seen yet). */
    public boolean inHeader() {
        return inHeader;
    }

    /** Takes the next octet of the message and says what it is. */
    public Octet see(byte c) {
        if (!inHeader) {
            return Octet.BODY;
        }
        if (c == '\n') {
            if (lineStart || emptyLineCr) {
                inHeader = false; // the empty line ends the header section
            }
            lineStart = true;
            emptyLineCr = false;
            matched = 0;
            return Octet.END_OF_LINE;
        }
        boolean first = lineStart;
        lineStart = false;
        if (first && c == '\r') {
            emptyLineCr = true;
            return Octet.LINE;
        }
        emptyLineCr = false;
        if ((first || matched > 0) && matched < name.length) {
            if (Character.toLowerCase(c) == name[matched]) {
                matched++;
                if (matched == name.length) {
                    return Octet.NAME;
                }
            } else {
                matched = name.length + 1; // not this field: stop matching until the next line
            }
        }
        return !first ? Octet.OTHER : c == ' ' || c == '\t' ? Octet.FOLD : Octet.LINE;
    }
}
