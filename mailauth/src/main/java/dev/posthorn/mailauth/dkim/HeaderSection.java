package dev.posthorn.mailauth.dkim;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The header section of a message (RFC 5322 2.1), read from the start of a stream that is left at the first octet
 * of the body. Bounded: the header section may be at most {@value #MAX_OCTETS} octets and
 * {@value #MAX_FIELDS} fields, the body is never read here, so a message of any size costs little memory.
 *
 * <p>A line that starts with white space continues the field before it; a line without a colon is kept as a field
 * with an empty name that no signature can name. The section ends at the first empty line, or at the end of the
 * message (then the body is empty).
 *
 * @param fields the fields, top to bottom
 */
public record HeaderSection(List<HeaderField> fields) {

    /** As for the Received count: header sections of real mail are far smaller. */
    public static final int MAX_OCTETS = 1 << 20;
    public static final int MAX_FIELDS = 10_000;

    public HeaderSection {
        fields = Collections.unmodifiableList(new ArrayList<>(fields));
    }

    /**
     * Reads the header section and the empty line after it; {@code in} is then at the body. {@code in} should be
     * buffered: it is read one octet at a time, so that not one octet of the body is taken.
     */
    public static HeaderSection read(InputStream in) throws IOException {
        List<HeaderField> fields = new ArrayList<>();
        ByteArrayOutputStream field = new ByteArrayOutputStream();
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        long total = 0;
        int c;
        while (true) {
            line.reset();
            while ((c = in.read()) >= 0) {
                line.write(c);
                if (++total > MAX_OCTETS) {
                    throw new HeaderTooLarge("header section larger than " + MAX_OCTETS + " octets");
                }
                if (c == '\n') {
                    break;
                }
            }
            byte[] bytes = line.toByteArray();
            boolean empty = bytes.length == 0 || isLineBreak(bytes);
            if (!empty && (bytes[0] == ' ' || bytes[0] == '\t') && field.size() > 0) {
                field.write(bytes);
            } else {
                if (field.size() > 0) {
                    fields.add(field(field.toByteArray()));
                    if (fields.size() > MAX_FIELDS) {
                        throw new HeaderTooLarge("more than " + MAX_FIELDS + " header fields");
                    }
                    field.reset();
                }
                if (empty) {
                    return new HeaderSection(fields);
                }
                field.write(bytes);
            }
            if (c < 0) {
                if (field.size() > 0) {
                    fields.add(field(field.toByteArray()));
                }
                return new HeaderSection(fields);
            }
        }
    }

    private static boolean isLineBreak(byte[] line) {
        return line.length == 1 && line[0] == '\n' || line.length == 2 && line[0] == '\r' && line[1] == '\n';
    }

    private static HeaderField field(byte[] bytes) {
        String raw = new String(bytes, StandardCharsets.ISO_8859_1);
        int colon = raw.indexOf(':');
        String name = colon < 0 ? "" : raw.substring(0, colon).strip();
        if (name.chars().anyMatch(ch -> ch <= 0x20 || ch >= 0x7f)) {
            name = ""; // not a field name (RFC 5322 3.6.8 ftext): nothing can select it
        }
        return new HeaderField(name, raw);
    }

    /** The fields named {@code name}, top to bottom. */
    public List<HeaderField> named(String name) {
        return fields.stream().filter(f -> f.is(name)).toList();
    }
}
