package dev.posthorn.mta.inbound;

import dev.posthorn.mailauth.AuthservId;
import dev.posthorn.mailauth.dmarc.Author;
import dev.posthorn.smtp.io.BulkFilterInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Passes a message through while it streams into the spool, changing only its header section: every
 * {@code Authentication-Results} field whose authserv-id is this server's is dropped (RFC 8601 5: a border MTA
 * removes results that claim to be its own, since no one else may make them), folded continuation lines included.
 * On the way it keeps the From fields, for DMARC. The body, and every other field, pass octet for octet.
 *
 * <p>Memory is bounded: a field is held until its end is seen, at most {@value #MAX_FIELD} octets. A longer field
 * passes on unread (From fields are then kept cut short, which DMARC takes as unusable), except an
 * {@code Authentication-Results} field whose authserv-id has not been seen by then: it is dropped, since whether it
 * claims to be ours cannot be told. The header section ends at the first empty line (or with the message).
 */
public final class HeaderFilter extends BulkFilterInputStream {

    static final int MAX_FIELD = 64 * 1024;
    private static final String RESULTS = "authentication-results";
    private static final String FROM = "from";

    private enum Kind { OTHER, RESULTS, FROM }

    /** What happens to the rest of an over-long field. */
    private enum Overflow { NONE, PASS, DROP }

    private final String authservId;
    private final List<String> fromFields = new ArrayList<>();
    private final ByteArrayOutputStream field = new ByteArrayOutputStream();
    private final ByteArrayOutputStream ready = new ByteArrayOutputStream();
    private byte[] out = new byte[0];
    private int outPos;
    private Overflow overflow = Overflow.NONE;
    private boolean inHeader = true;
    private boolean lineStart = true;
    private boolean pendingCr;
    private int removed;
    private boolean ended;

    /** @param authservId this server's authserv-id (its host name); fields naming it are removed */
    HeaderFilter(InputStream in, String authservId) {
        super(in);
        this.authservId = authservId;
    }

    /** The From field values seen (unfolded, without the name), in order; complete once the stream is read. */
    public List<String> fromFields() {
        return List.copyOf(fromFields);
    }

    /** How many Authentication-Results fields were removed. */
    public int removed() {
        return removed;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        while (outPos >= out.length) {
            if (ended) {
                return -1;
            }
            if (!inHeader) {
                return in.read(b, off, len);   // the body passes untouched
            }
            fill(len);
        }
        int n = Math.min(len, out.length - outPos);
        System.arraycopy(out, outPos, b, off, n);
        outPos += n;
        return n;
    }

    /** Reads more of the header section and moves what may be passed on into {@link #out}. */
    private void fill(int len) throws IOException {
        byte[] chunk = new byte[Math.max(len, 8192)];
        int n = in.read(chunk, 0, chunk.length);
        if (n < 0) {
            if (pendingCr) {
                ready.write('\r');
            }
            endField();
            ended = true;
        } else {
            int i = 0;
            while (i < n && inHeader) {
                see(chunk[i++]);
            }
            if (!inHeader) {
                ready.write(chunk, i, n - i);   // the first octets of the body
            }
        }
        out = ready.toByteArray();
        outPos = 0;
        ready.reset();
    }

    private void see(byte c) {
        if (pendingCr) {
            pendingCr = false;
            if (c == '\n') {
                ready.write('\r');
                ready.write('\n');
                inHeader = false;   // CR LF alone: the end of the header section
                return;
            }
            append((byte) '\r');   // a lone CR starting a line: kept as part of a (malformed) field
        } else if (lineStart) {
            lineStart = false;
            if (c != ' ' && c != '\t') {
                endField();   // a line not starting with white space begins a new field (RFC 5322 2.2.3)
                if (c == '\n') {
                    ready.write('\n');
                    inHeader = false;   // a bare LF alone ends the header section too
                    return;
                }
                if (c == '\r') {
                    pendingCr = true;
                    return;
                }
            }
        }
        append(c);
        if (c == '\n') {
            lineStart = true;
        }
    }

    private void append(byte c) {
        switch (overflow) {
            case PASS -> ready.write(c);
            case DROP -> { }
            case NONE -> {
                field.write(c);
                if (field.size() > MAX_FIELD) {
                    overflowField();
                }
            }
        }
    }

    /** The field outgrew the buffer: pass it on (or drop it) without holding more of it. */
    private void overflowField() {
        Kind kind = kindOf(field.toByteArray());
        if (kind == Kind.RESULTS && !claimsOurs(field.toByteArray()).orElse(true)) {
            overflow = Overflow.PASS;
        } else if (kind == Kind.RESULTS) {
            overflow = Overflow.DROP;
            removed++;
        } else {
            overflow = Overflow.PASS;
        }
        if (kind == Kind.FROM) {
            fromFields.add(value(field.toByteArray()));
        }
        if (overflow == Overflow.PASS) {
            ready.writeBytes(field.toByteArray());
        }
        field.reset();
    }

    /** A field ended: decide what happens to it. */
    private void endField() {
        if (overflow != Overflow.NONE) {
            overflow = Overflow.NONE;
            return;
        }
        if (field.size() == 0) {
            return;
        }
        byte[] bytes = field.toByteArray();
        field.reset();
        switch (kindOf(bytes)) {
            case RESULTS -> {
                if (claimsOurs(bytes).orElse(false)) {
                    removed++;
                    return;
                }
            }
            case FROM -> fromFields.add(value(bytes));
            case OTHER -> { }
        }
        ready.writeBytes(bytes);
    }

    private static Kind kindOf(byte[] bytes) {
        String text = new String(bytes, 0, Math.min(bytes.length, 64), StandardCharsets.ISO_8859_1);
        int colon = text.indexOf(':');
        if (colon < 0) {
            return Kind.OTHER;
        }
        String name = text.substring(0, colon).stripTrailing().toLowerCase(Locale.ROOT);   // obs: WSP before ':'
        return switch (name) {
            case RESULTS -> Kind.RESULTS;
            case FROM -> Kind.FROM;
            default -> Kind.OTHER;
        };
    }

    /** The field's value, unfolded, as UTF-8 text (RFC 6532 allows UTF-8 in header fields). */
    private static String value(byte[] bytes) {
        String text = new String(bytes, StandardCharsets.UTF_8);
        return text.substring(text.indexOf(':') + 1).replace("\r", "").replace("\n", "").strip();
    }

    /**
     * Whether an Authentication-Results field names this server as its authserv-id; empty when the authserv-id cannot
     * be read from what is there (RFC 8601 2.2: {@code [CFWS] authserv-id}, a token or quoted string).
     */
    private java.util.Optional<Boolean> claimsOurs(byte[] bytes) {
        String value = value(bytes);
        return AuthservId.first(value).map(id -> id.equalsIgnoreCase(authservId));
    }
}
