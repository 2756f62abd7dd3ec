package dev.posthorn.mailauth.dkim;

/**
 * Writes a signature field (DKIM-Signature, and ARC's fields) in lines of at most {@value #LINE} characters where
 * it can, folding (CRLF TAB) only between pieces: between tags, after a colon of {@code h=}, inside base64, all
 * places where RFC 6376 3.5 allows folding white space.
 */
public final class FieldFolder {

    private static final int LINE = 76;

    private final StringBuilder text;
    private int column;

    /** @param start the field's name and colon, and what is to stand before the first fold */
    public FieldFolder(String start) {
        text = new StringBuilder(start);
        column = start.length();
    }

    /** Appends {@code piece}, on a new line first when it would not fit on this one (its leading space dropped). */
    public FieldFolder add(String piece) {
        if (column + piece.length() > LINE) {
            String rest = piece.startsWith(" ") ? piece.substring(1) : piece;
            text.append("\r\n\t").append(rest);
            column = 8 + rest.length();
        } else {
            text.append(piece);
            column += piece.length();
        }
        return this;
    }

    /** Base64 text, in pieces of 64 characters so that it folds (RFC 6376 3.5 allows FWS anywhere in b=). */
    public FieldFolder addBase64(String base64) {
        for (int i = 0; i < base64.length(); i += 64) {
            add(base64.substring(i, Math.min(base64.length(), i + 64)));
        }
        return this;
    }

    /** The field so far, without a final line break. */
    public String text() {
        return text.toString();
    }
}
