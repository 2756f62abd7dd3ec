package dev.posthorn.smtp;

import dev.posthorn.smtp.io.LineReader;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads one reply, all its continuation lines included (RFC 5321 4.2.1), from a server. Every line must carry the
 * same code; an enhanced status code (RFC 2034) is taken from the first line that carries one of the code's class.
 */
public final class ReplyParser {

    /** RFC 5321 4.5.3.1.5 allows 512 octets a line; real servers are sometimes longer, so allow some slack. */
    public static final int MAX_LINE = 2048;
    /** More lines than any sane reply has (an EHLO reply lists a few dozen extensions at most). */
    public static final int MAX_LINES = 200;

    private ReplyParser() {
    }

    /** Thrown for a reply that does not follow RFC 5321 4.2. */
    public static final class MalformedReplyException extends IOException {
        private static final long serialVersionUID = 1L;

        public MalformedReplyException(String message) {
            super(message);
        }
    }

    public static Reply read(LineReader in) throws IOException {
        List<String> texts = new ArrayList<>();
        int code = -1;
        EnhancedStatus status = null;
        while (true) {
            LineReader.Line line = in.readLine(MAX_LINE);
            if (line == null) {
                throw new EOFException("connection closed while reading a reply");
            }
            if (line.tooLong()) {
                throw new MalformedReplyException("reply line too long");
            }
            String text = new String(line.content(), StandardCharsets.UTF_8);
            if (text.length() < 3 || !isDigit(text.charAt(0)) || !isDigit(text.charAt(1)) || !isDigit(text.charAt(2))
                    || text.length() > 3 && text.charAt(3) != ' ' && text.charAt(3) != '-') {
                throw new MalformedReplyException("not an SMTP reply line: " + printable(text));
            }
            int lineCode = Integer.parseInt(text.substring(0, 3));
            if (lineCode < 200 || lineCode > 599 || code >= 0 && lineCode != code) {
                throw new MalformedReplyException("unexpected reply code " + lineCode);
            }
            code = lineCode;
            String rest = text.length() > 4 ? text.substring(4) : "";
            int space = rest.indexOf(' ');
            String first = space < 0 ? rest : rest.substring(0, space);
            if (EnhancedStatus.isStatus(first) && EnhancedStatus.parse(first).codeClass() == code / 100) {
                // RFC 2034 4 wants it on every line; a server that gives it only on a later line still gave it.
                if (status == null) {
                    status = EnhancedStatus.parse(first);
                }
                rest = space < 0 ? "" : rest.substring(space + 1);
            }
            texts.add(printable(rest));
            if (texts.size() > MAX_LINES) {
                throw new MalformedReplyException("reply has too many lines");
            }
            if (text.length() == 3 || text.charAt(3) == ' ') {
                return new Reply(code, status, texts);
            }
        }
    }

    /** RFC 5321 4.2: the reply code is three ASCII digits ({@link Character#isDigit} also takes other scripts'). */
    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    /**
     * Control characters become {@code ?}, and the text is cut, at a code point, to the octets a {@link Reply} line
     * holds, so that no server text makes the {@code Reply} constructor throw.
     */
    private static String printable(String s) {
        StringBuilder out = new StringBuilder(s.length());
        int octets = 0;
        for (int i = 0; i < s.length(); ) {
            int c = s.codePointAt(i);
            int size = c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
            if (octets + size > Reply.MAX_TEXT_OCTETS) {
                break;
            }
            if (c < 0x20 && c != '\t' || c == 0x7f) {
                out.append('?');
            } else {
                out.appendCodePoint(c);
            }
            octets += size;
            i += Character.charCount(c);
        }
        return out.toString();
    }
}
