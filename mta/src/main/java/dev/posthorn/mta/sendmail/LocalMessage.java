package dev.posthorn.mta.sendmail;

import dev.posthorn.mailauth.dmarc.AddressList;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A message from a local user: its header section read into memory (to take recipients from it with {@code -t} and
 * to add the fields it lacks), the body still on standard input, streamed with CRLF line ends when the spool reads
 * it. Bcc fields are removed (the blind recipients stay blind), and From, Date and Message-ID are added when missing,
 * as Postfix's cleanup does for local mail (RFC 5322 3.6: From and Date are required; RFC 5322 3.6.4: Message-ID
 * should be present). A first line {@code From ...} (an mbox separator, as in {@code git format-patch} files) is
 * dropped, as Postfix's sendmail does.
 */
public final class LocalMessage {

    /** The header section kept in memory: far more than any real one, little enough for a small heap. */
    static final int MAX_HEADER = 1 << 20;
    /** A field name (RFC 5322 3.6.8), then optional white space (obsolete syntax, 4.5.3) and the colon. */
    private static final Pattern FIELD = Pattern.compile("[\\x21-\\x39\\x3b-\\x7e]+[ \\t]*:.*", Pattern.DOTALL);
    private static final DateTimeFormatter DATE =
            DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss Z", Locale.ROOT);
    private static final byte[] CRLF = {'\r', '\n'};

    /** The header fields in order, each with its folded lines joined by CRLF, octets as ISO-8859-1 characters. */
    private final List<String> fields;
    /** A first line that is not a header field, ending the header section without an empty line, or null. */
    private final byte[] bodyStart;
    private final MessageInput input;

    private LocalMessage(List<String> fields, byte[] bodyStart, MessageInput input) {
        this.fields = fields;
        this.bodyStart = bodyStart;
        this.input = input;
    }

    /**
     * Reads the header section of the message on {@code in}.
     *
     * @param dotEnds whether a line with a single dot ends the message (sendmail without {@code -i})
     * @param maxSize the largest message accepted, in octets with CRLF line ends
     */
    public static LocalMessage read(InputStream in, boolean dotEnds, long maxSize) throws IOException {
        MessageInput input = new MessageInput(in, dotEnds, maxSize);
        List<String> fields = new ArrayList<>();
        long held = 0;
        byte[] line = input.next();
        if (line != null && startsWith(line, "From ")) {
            line = input.next(); // an mbox separator (git format-patch writes one): not part of the message
        }
        for (; line != null && line.length > 0; line = input.next()) {
            String text = new String(line, StandardCharsets.ISO_8859_1);
            boolean folded = (line[0] == ' ' || line[0] == '\t') && !fields.isEmpty();
            if (!folded && !FIELD.matcher(text).matches()) {
                return new LocalMessage(fields, line, input);
            }
            held += line.length + 2;
            if (held > MAX_HEADER) {
                throw new SubmissionException(Sysexit.DATAERR, "the header section is larger than "
                        + MAX_HEADER + " octets");
            }
            if (folded) {
                fields.set(fields.size() - 1, fields.getLast() + "\r\n" + text);
            } else {
                fields.add(text);
            }
        }
        return new LocalMessage(fields, null, input);
    }

    /** The addresses in the To, Cc and Bcc fields (RFC 5322 3.6.3), as written (addr-specs, not yet checked). */
    public List<String> headerRecipients() {
        List<String> addresses = new ArrayList<>();
        for (String field : fields) {
            String name = name(field);
            if (name.equals("to") || name.equals("cc") || name.equals("bcc")) {
                addresses.addAll(AddressList.split(value(field)));
            }
        }
        return addresses;
    }

    /** Whether the message has a field of this name. */
    public boolean has(String name) {
        return fields.stream().anyMatch(field -> name(field).equals(name.toLowerCase(Locale.ROOT)));
    }

    /**
     * Removes the Bcc fields and adds the From, Date and Message-ID fields the message lacks.
     *
     * @param from      the From field's mailbox, e.g. {@code alice@mx.example.org}
     * @param fullName  the sender's full name ({@code -F}), or null
     * @param messageId the Message-ID's value without angle brackets
     */
    public void complete(String from, String fullName, String messageId, ZonedDateTime now) {
        fields.removeIf(field -> name(field).equals("bcc"));
        if (!has("From")) {
            fields.add("From: " + (fullName == null || fullName.isBlank() ? from : phrase(fullName) + " <" + from + ">"));
        }
        if (!has("Date")) {
            fields.add("Date: " + DATE.format(now));
        }
        if (!has("Message-ID")) {
            fields.add("Message-ID: <" + messageId + ">");
        }
    }

    /** The whole message as the spool stores it: header section, empty line, body, every line ending in CRLF. */
    public InputStream stream() {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        for (String field : fields) {
            head.writeBytes(field.getBytes(StandardCharsets.ISO_8859_1));
            head.writeBytes(CRLF);
        }
        head.writeBytes(CRLF);
        if (bodyStart != null) {
            head.writeBytes(bodyStart);
            head.writeBytes(CRLF);
        }
        return new SequenceInputStream(new ByteArrayInputStream(head.toByteArray()), new Body());
    }

    /** The rest of standard input, one line at a time, each with CRLF; input errors end the read. */
    private final class Body extends InputStream {
        private byte[] pending = new byte[0];
        private int position;

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            while (position == pending.length) {
                byte[] line = input.next();
                if (line == null) {
                    return -1;
                }
                pending = new byte[line.length + 2];
                System.arraycopy(line, 0, pending, 0, line.length);
                pending[line.length] = '\r';
                pending[line.length + 1] = '\n';
                position = 0;
            }
            int n = Math.min(len, pending.length - position);
            System.arraycopy(pending, position, b, off, n);
            position += n;
            return n;
        }
    }

    private static boolean startsWith(byte[] line, String prefix) {
        return new String(line, StandardCharsets.ISO_8859_1).startsWith(prefix);
    }

    private static String name(String field) {
        return field.substring(0, field.indexOf(':')).strip().toLowerCase(Locale.ROOT);
    }

    /** The unfolded value, its octets read as UTF-8 (RFC 6532 allows UTF-8 in header fields). */
    private static String value(String field) {
        String raw = field.substring(field.indexOf(':') + 1).replace("\r\n", "");
        return new String(raw.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
    }

    /**
     * A display name as a quoted string (RFC 5322 3.2.4) when it is printable ASCII, else one RFC 2047 encoded word;
     * at most 100 characters of it.
     */
    static String phrase(String name) {
        String cut = name.length() > 100 ? name.substring(0, 100) : name;
        if (cut.chars().allMatch(c -> c >= 0x20 && c < 0x7f)) {
            return "\"" + cut.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
        }
        String printable = cut.codePoints().filter(c -> c >= 0x20 && c != 0x7f)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
        return "=?UTF-8?B?" + Base64.getEncoder().encodeToString(printable.getBytes(StandardCharsets.UTF_8)) + "?=";
    }
}
