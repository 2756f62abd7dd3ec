package dev.posthorn.mta.spool;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The text form of a {@link SpoolEnvelope}: one typed record a line ({@code id}, {@code received}, {@code sender},
 * {@code param}, {@code rcpt}), values percent-escaped so none can hold a space, CR or LF, ending with {@code end}.
 * Decoding is strict: an unknown record type, a missing field or a missing {@code end} is an error.
 */
final class EnvelopeCodec {

    private EnvelopeCodec() {
    }

    static byte[] encode(SpoolEnvelope envelope) {
        StringBuilder out = new StringBuilder(256);
        out.append("id ").append(envelope.id()).append('\n');
        out.append("received ").append(envelope.receivedAt().toEpochMilli()).append('\n');
        out.append("sender ").append(escape(envelope.sender())).append('\n');
        for (Map.Entry<String, String> p : new TreeMap<>(envelope.parameters()).entrySet()) {
            out.append("param ").append(escape(p.getKey())).append(' ').append(escape(p.getValue())).append('\n');
        }
        for (SpoolEnvelope.Recipient r : envelope.recipients()) {
            out.append("rcpt ").append(escape(r.address())).append(' ').append(escape(r.original())).append(' ')
                    .append(escape(r.notifications())).append('\n');
        }
        out.append("end\n");
        return out.toString().getBytes(StandardCharsets.US_ASCII);
    }

    /** @throws IllegalArgumentException when the text is not a valid envelope */
    static SpoolEnvelope decode(byte[] bytes) {
        String text = new String(bytes, StandardCharsets.US_ASCII);
        if (!text.endsWith("end\n")) {
            throw new IllegalArgumentException("envelope has no end record");
        }
        String id = null;
        Instant received = null;
        String sender = null;
        Map<String, String> parameters = new TreeMap<>();
        List<SpoolEnvelope.Recipient> recipients = new ArrayList<>();
        String[] lines = text.substring(0, text.length() - "end\n".length()).split("\n", -1);
        for (int i = 0; i < lines.length - 1; i++) {
            String[] f = lines[i].split(" ", -1);
            switch (f[0]) {
                case "id" -> id = field(f, 2, 1);
                case "received" -> received = Instant.ofEpochMilli(Long.parseLong(field(f, 2, 1)));
                case "sender" -> sender = unescape(field(f, 2, 1));
                case "param" -> parameters.put(unescape(field(f, 3, 1)), unescape(field(f, 3, 2)));
                case "rcpt" -> recipients.add(new SpoolEnvelope.Recipient(unescape(field(f, 4, 1)),
                        unescape(field(f, 4, 2)), unescape(field(f, 4, 3))));
                default -> throw new IllegalArgumentException("unknown envelope record " + f[0]);
            }
        }
        if (!lines[lines.length - 1].isEmpty() || id == null || received == null || sender == null) {
            throw new IllegalArgumentException("envelope misses id, received or sender");
        }
        return new SpoolEnvelope(id, received, sender, parameters, recipients);
    }

    private static String field(String[] fields, int count, int index) {
        if (fields.length != count) {
            throw new IllegalArgumentException("record " + fields[0] + " needs " + (count - 1) + " fields");
        }
        return fields[index];
    }

    /** Percent-escapes everything outside printable ASCII, and space and percent (so "-" can stand for empty). */
    static String escape(String value) {
        if (value.isEmpty()) {
            return "-";
        }
        StringBuilder out = new StringBuilder(value.length());
        for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if (c > 0x20 && c < 0x7f && c != '%' && !(c == '-' && value.length() == 1)) {
                out.append((char) c);
            } else {
                out.append('%').append(Character.forDigit(c >> 4, 16)).append(Character.forDigit(c & 15, 16));
            }
        }
        return out.toString();
    }

    static String unescape(String value) {
        if (value.equals("-")) {
            return "";
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(value.length());
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '%') {
                if (i + 2 >= value.length()) {
                    throw new IllegalArgumentException("truncated escape");
                }
                int hi = Character.digit(value.charAt(i + 1), 16);
                int lo = Character.digit(value.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) {
                    throw new IllegalArgumentException("bad escape");
                }
                out.write(hi << 4 | lo);
                i += 2;
            } else if (c > 0x20 && c < 0x7f) {
                out.write(c);
            } else {
                throw new IllegalArgumentException("unescaped character in envelope");
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
