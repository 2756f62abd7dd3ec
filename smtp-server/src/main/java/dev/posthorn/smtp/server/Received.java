package dev.posthorn.smtp.server;

import dev.posthorn.smtp.AddressLiteral;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;

/**
 * The Received header (RFC 5321 4.4) the server puts in front of every message: who sent it (HELO name and address),
 * who received it, with which protocol (RFC 3848: ESMTP, ESMTPS, ESMTPA, ESMTPSA; RFC 6531: UTF8SMTP...), the
 * transaction id, the TLS parameters, the recipient when there is only one (RFC 5321 7.2: no lists of others), and
 * the date.
 */
final class Received {

    private static final DateTimeFormatter DATE =
            DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss Z", Locale.ROOT).withZone(ZoneId.systemDefault());

    private Received() {
    }

    static byte[] header(String hostname, SessionInfo session, String id, List<Envelope.Recipient> recipients,
                         boolean smtpUtf8, Instant when) {
        StringBuilder out = new StringBuilder(256);
        out.append("Received: from ").append(safe(session.heloName() == null ? "unknown" : session.heloName()))
                .append(" (").append(AddressLiteral.of(session.remote().getAddress()).text()).append(")\r\n");
        out.append("\tby ").append(safe(hostname)).append(" (Posthorn) with ").append(protocol(session, smtpUtf8))
                .append(" id ").append(id);
        if (session.tls() != null) {
            out.append("\r\n\t(using ").append(safe(session.tls().protocol())).append(" with cipher ")
                    .append(safe(session.tls().cipherSuite())).append(')');
        }
        if (recipients.size() == 1 && !recipients.getFirst().path().isBarePostmaster()) {
            out.append("\r\n\tfor <").append(safe(recipients.getFirst().path().mailbox().toString())).append('>');
        }
        out.append(";\r\n\t").append(DATE.format(when)).append("\r\n");
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** RFC 3848 and RFC 6531 4.3 protocol names. */
    static String protocol(SessionInfo session, boolean smtpUtf8) {
        if (!session.extended()) {
            return "SMTP";
        }
        return (smtpUtf8 ? "UTF8SMTP" : "ESMTP") + (session.isTls() ? "S" : "")
                + (session.authenticatedUser() != null ? "A" : "");
    }

    /**
     * Peer-supplied text reduced to characters that cannot break the header: printable ASCII other than the
     * comment and angle delimiters; anything else becomes {@code _}. At most 255 characters.
     */
    static String safe(String text) {
        StringBuilder out = new StringBuilder(Math.min(text.length(), 255));
        for (int i = 0; i < text.length() && out.length() < 255; i++) {
            char c = text.charAt(i);
            boolean ok = c > 0x20 && c < 0x7f && "()<>;\\\"".indexOf(c) < 0;
            out.append(ok ? c : '_');
        }
        return out.toString();
    }
}
