package dev.posthorn.mta.spool;

import dev.posthorn.smtp.BodyType;
import dev.posthorn.smtp.DsnNotify;
import dev.posthorn.smtp.DsnReturn;
import dev.posthorn.smtp.Mailbox;
import dev.posthorn.smtp.OriginalRecipient;
import dev.posthorn.smtp.ReversePath;
import dev.posthorn.smtp.Xtext;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The text form of a {@link SpoolEnvelope}: one record a line ({@code id}, {@code received}, {@code sender},
 * {@code param}, {@code rcpt}), values percent-escaped so none can hold a space, CR or LF, ending with {@code end}.
 * The only place that turns envelope text into types (and back): addresses become {@link Mailbox}es, parameters
 * their enums, so a value that does not parse makes the whole envelope invalid here, never later in a transport.
 *
 * <p>The text is the one every earlier version wrote, parameters as {@code param <name> <value>} lines in name
 * order: files queued before an upgrade read as they were written, and a typed envelope encodes to the same text.
 * Newer parameters ({@code tls}, RFC 8689) are written only when they differ from what their absence means.
 * Decoding is strict: an unknown record type or parameter name, a value outside its grammar, a missing field or a
 * missing {@code end} is an error. Two readings are lenient, as they always were: a missing or unknown origin is
 * {@link Origin#UNTRUSTED}, and an ORCPT that does not parse (any more) is dropped, since it is only informative
 * (RFC 3461 4.2) and the message must still be delivered.
 */
final class EnvelopeCodec {

    private static final Pattern COUNT = Pattern.compile("[0-9]{1,9}");
    /** The parameter names earlier versions wrote; no other is valid. */
    private static final Set<String> PARAMETERS = Set.of("body", "smtputf8", "ret", "envid", "origin", "client",
            "helo", "user", "headers", "received", "dsn", "tls");

    private EnvelopeCodec() {
    }

    static byte[] encode(SpoolEnvelope envelope) {
        StringBuilder out = new StringBuilder(256);
        out.append("id ").append(envelope.id()).append('\n');
        out.append("received ").append(envelope.receivedAt().toEpochMilli()).append('\n');
        out.append("sender ").append(escape(envelope.sender().isNull() ? "" : envelope.sender().mailbox().toString()))
                .append('\n');
        for (Map.Entry<String, String> p : parameters(envelope).entrySet()) {
            out.append("param ").append(escape(p.getKey())).append(' ').append(escape(p.getValue())).append('\n');
        }
        for (SpoolEnvelope.Recipient r : envelope.recipients()) {
            out.append("rcpt ").append(escape(r.address().toString())).append(' ')
                    .append(escape(r.original().map(OriginalRecipient::toParameter).orElse(""))).append(' ')
                    .append(escape(String.join(",", r.notifications().stream().sorted().map(DsnNotify::name).toList())))
                    .append('\n');
        }
        out.append("end\n");
        return out.toString().getBytes(StandardCharsets.US_ASCII);
    }

    /** The {@code param} records, by name (the order the text has always had). */
    private static Map<String, String> parameters(SpoolEnvelope envelope) {
        Map<String, String> map = new TreeMap<>();
        SpoolEnvelope.Parameters p = envelope.parameters();
        map.put("body", p.body().keyword());
        if (p.smtpUtf8()) {
            map.put("smtputf8", "true");
        }
        p.ret().ifPresent(ret -> map.put("ret", ret.name()));
        p.envelopeId().ifPresent(envid -> map.put("envid", envid));
        if (p.tls() != TlsRequest.NONE) {
            map.put("tls", p.tls().keyword()); // absent in files written before RFC 8689 support: NONE, as then
        }
        SpoolEnvelope.Client client = envelope.client();
        map.put("origin", client.origin().keyword());
        client.address().ifPresent(address -> map.put("client", address));
        client.helo().ifPresent(helo -> map.put("helo", helo));
        client.user().ifPresent(user -> map.put("user", user));
        if (!envelope.headers().isEmpty()) {
            map.put("headers", envelope.headers());
        }
        envelope.receivedCount().ifPresent(count -> map.put("received", String.valueOf(count)));
        envelope.report().ifPresent(report -> map.put("dsn", report.keyword()));
        return map;
    }

    /** @throws IllegalArgumentException when the text is not a valid envelope */
    static SpoolEnvelope decode(byte[] bytes) {
        String text = new String(bytes, StandardCharsets.US_ASCII);
        if (!text.endsWith("end\n")) {
            throw new IllegalArgumentException("envelope has no end record");
        }
        String id = null;
        Instant received = null;
        ReversePath sender = null;
        Map<String, String> parameters = new HashMap<>();
        List<SpoolEnvelope.Recipient> recipients = new ArrayList<>();
        String[] lines = text.substring(0, text.length() - "end\n".length()).split("\n", -1);
        for (int i = 0; i < lines.length - 1; i++) {
            String[] f = lines[i].split(" ", -1);
            switch (f[0]) {
                case "id" -> id = field(f, 2, 1);
                case "received" -> received = Instant.ofEpochMilli(Long.parseLong(field(f, 2, 1)));
                case "sender" -> sender = reversePath(unescape(field(f, 2, 1)));
                case "param" -> parameters.put(unescape(field(f, 3, 1)), unescape(field(f, 3, 2)));
                case "rcpt" -> recipients.add(recipient(unescape(field(f, 4, 1)), unescape(field(f, 4, 2)),
                        unescape(field(f, 4, 3))));
                default -> throw new IllegalArgumentException("unknown envelope record " + f[0]);
            }
        }
        if (!lines[lines.length - 1].isEmpty() || id == null || received == null || sender == null) {
            throw new IllegalArgumentException("envelope misses id, received or sender");
        }
        return envelope(id, received, sender, parameters, recipients);
    }

    private static SpoolEnvelope envelope(String id, Instant received, ReversePath sender,
                                          Map<String, String> parameters, List<SpoolEnvelope.Recipient> recipients) {
        for (String name : parameters.keySet()) {
            if (!PARAMETERS.contains(name)) {
                throw new IllegalArgumentException("unknown envelope parameter " + name);
            }
        }
        String smtpUtf8 = parameters.get("smtputf8");
        if (smtpUtf8 != null && !smtpUtf8.equals("true")) {
            throw new IllegalArgumentException("smtputf8 is true or absent");
        }
        SpoolEnvelope.Parameters mail = new SpoolEnvelope.Parameters(bodyType(parameters.get("body")),
                smtpUtf8 != null, Optional.ofNullable(parameters.get("ret")).map(DsnReturn::valueOf),
                Optional.ofNullable(parameters.get("envid")),
                parameters.containsKey("tls") ? TlsRequest.of(parameters.get("tls")) : TlsRequest.NONE);
        SpoolEnvelope.Client client = new SpoolEnvelope.Client(
                Origin.of(parameters.getOrDefault("origin", "")), Optional.ofNullable(parameters.get("client")),
                Optional.ofNullable(parameters.get("helo")), Optional.ofNullable(parameters.get("user")));
        String count = parameters.get("received");
        if (count != null && !COUNT.matcher(count).matches()) {
            throw new IllegalArgumentException("received count is not a number");
        }
        return new SpoolEnvelope(id, received, sender, mail, client, recipients,
                parameters.getOrDefault("headers", ""),
                count == null ? OptionalInt.empty() : OptionalInt.of(Integer.parseInt(count)),
                Optional.ofNullable(parameters.get("dsn")).map(EnvelopeCodec::report));
    }

    private static ReversePath reversePath(String text) {
        return text.isEmpty() ? ReversePath.NULL : ReversePath.of(Mailbox.parse(text, true));
    }

    private static BodyType bodyType(String keyword) {
        if (keyword == null) {
            return BodyType.SEVEN_BIT; // queued without one: the default (RFC 6152 2)
        }
        for (BodyType type : BodyType.values()) {
            if (type.keyword().equals(keyword)) {
                return type;
            }
        }
        throw new IllegalArgumentException("unknown body type");
    }

    private static SpoolEnvelope.Report report(String keyword) {
        for (SpoolEnvelope.Report report : SpoolEnvelope.Report.values()) {
            if (report.keyword().equals(keyword)) {
                return report;
            }
        }
        throw new IllegalArgumentException("unknown report kind");
    }

    private static SpoolEnvelope.Recipient recipient(String address, String original, String notify) {
        Set<DsnNotify> notifications = EnumSet.noneOf(DsnNotify.class);
        if (!notify.isEmpty()) {
            for (String value : notify.split(",", -1)) {
                notifications.add(DsnNotify.valueOf(value));
            }
        }
        return new SpoolEnvelope.Recipient(Mailbox.parse(address, true), originalRecipient(original), notifications);
    }

    /** {@code type;xtext} as RFC 3461 4.2 writes it; empty when absent or no longer valid (see the class comment). */
    private static Optional<OriginalRecipient> originalRecipient(String text) {
        int semi = text.indexOf(';');
        if (semi <= 0) {
            return Optional.empty();
        }
        try {
            return Optional.of(new OriginalRecipient(text.substring(0, semi), Xtext.decode(text.substring(semi + 1))));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
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
