package dev.posthorn.smtp;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One SMTP reply (RFC 5321 4.2): a three-digit code, an optional RFC 3463 enhanced status, and one or more lines of
 * text. The constructor refuses CR, LF and other control characters in the text, so no peer-controlled byte can
 * split a reply or inject another.
 *
 * @param code   200..599
 * @param status the enhanced status code, or {@code null} where none applies (the greeting, 354, 334)
 * @param lines  at least one line of text (may be empty strings)
 */
public record Reply(int code, EnhancedStatus status, List<String> lines) {

    /** RFC 5321 4.5.3.1.5: a reply line is at most 512 octets including the code and CRLF. */
    public static final int MAX_LINE_OCTETS = 512;

    /** The octets of text a line may hold: room is left for the code, the enhanced status and CRLF. */
    static final int MAX_TEXT_OCTETS = MAX_LINE_OCTETS - 14;

    public Reply {
        if (code < 200 || code > 599) {
            throw new IllegalArgumentException("reply code out of range: " + code);
        }
        if (status != null && status.codeClass() != code / 100) {
            throw new IllegalArgumentException("enhanced status " + status + " does not match reply code " + code);
        }
        lines = List.copyOf(Objects.requireNonNull(lines, "lines"));
        if (lines.isEmpty()) {
            throw new IllegalArgumentException("a reply has at least one line");
        }
        for (String line : lines) {
            checkText(line);
        }
    }

    public static Reply of(int code, EnhancedStatus status, String text) {
        return new Reply(code, status, List.of(text));
    }

    /** A reply without an enhanced status code. */
    public static Reply of(int code, String text) {
        return new Reply(code, null, List.of(text));
    }

    public static Reply of(int code, String status, String text) {
        return new Reply(code, EnhancedStatus.parse(status), List.of(text));
    }

    public Optional<EnhancedStatus> enhancedStatus() {
        return Optional.ofNullable(status);
    }

    public boolean isPositive() {
        return code < 400;
    }

    public boolean isTransientFailure() {
        return code >= 400 && code < 500;
    }

    public boolean isPermanentFailure() {
        return code >= 500;
    }

    /** The same code and status with other text. */
    public Reply withText(String text) {
        return new Reply(code, status, List.of(text));
    }

    /** The wire form: every line prefixed with the code (and the enhanced status, RFC 2034 4), CRLF-terminated. */
    public byte[] toWire() {
        StringBuilder out = new StringBuilder(64 * lines.size());
        for (int i = 0; i < lines.size(); i++) {
            out.append(code).append(i == lines.size() - 1 ? ' ' : '-');
            if (status != null) {
                out.append(status);
                if (!lines.get(i).isEmpty()) {
                    out.append(' ');
                }
            }
            out.append(lines.get(i)).append("\r\n");
        }
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** The text lines joined with a space, as logged or quoted in a DSN. */
    public String text() {
        return String.join(" ", lines);
    }

    @Override
    public String toString() {
        return code + (status == null ? "" : " " + status) + " " + text();
    }

    private static void checkText(String line) {
        Objects.requireNonNull(line, "reply line");
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c < 0x20 && c != '\t' || c == 0x7f) {
                throw new IllegalArgumentException("control character in reply text");
            }
        }
        if (line.getBytes(StandardCharsets.UTF_8).length > MAX_TEXT_OCTETS) {
            throw new IllegalArgumentException("reply line longer than RFC 5321 4.5.3.1.5 allows");
        }
    }
}
