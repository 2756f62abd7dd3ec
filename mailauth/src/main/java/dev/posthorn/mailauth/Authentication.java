package dev.posthorn.mailauth;

import dev.posthorn.mailauth.arc.ArcResult;
import dev.posthorn.mailauth.dkim.DkimResult;
import dev.posthorn.mailauth.dmarc.DmarcVerdict;
import dev.posthorn.mailauth.spf.SpfVerdict;
import dev.posthorn.smtp.AddressLiteral;
import java.net.InetAddress;
import java.util.List;
import java.util.Objects;

/**
 * What {@link Authenticator} found for one message.
 *
 * @param spf    the SPF result for the MAIL FROM identity (or HELO, for a null reverse path)
 * @param dkim   one result per DKIM-Signature field checked, in header order; empty for an unsigned message
 * @param arc    the ARC chain validation status; {@link ArcResult#NONE} when the message has no ARC sets
 * @param dmarc  the DMARC result for the author domain
 * @param client the SMTP client's address, for the field's {@code smtp.remote-ip}
 */
public record Authentication(SpfVerdict spf, List<DkimResult> dkim, ArcResult arc, DmarcVerdict dmarc,
                             InetAddress client) {

    public Authentication {
        Objects.requireNonNull(spf, "spf");
        dkim = List.copyOf(dkim);
        Objects.requireNonNull(arc, "arc");
        Objects.requireNonNull(dmarc, "dmarc");
        Objects.requireNonNull(client, "client");
    }

    /**
     * The {@code Authentication-Results} field (RFC 8601) with every result, name included and CRLF-terminated, for
     * the top of the message. Values from the message and DNS are quoted so that none can end the field; non-ASCII
     * is replaced by '?' (use {@link #field(String, boolean)} for a message that travels with SMTPUTF8).
     *
     * @param authservId this server's host name
     */
    public String field(String authservId) {
        return field(authservId, false);
    }

    /**
     * As {@link #field(String)}; {@code utf8} keeps non-ASCII text (RFC 6532 header fields, SMTPUTF8 mail only).
     * An {@code arc=} result is written only when the message has ARC sets.
     */
    public String field(String authservId, boolean utf8) {
        AuthenticationResults results = new AuthenticationResults(authservId, utf8).spf(spf).dkim(dkim);
        if (arc.status() != ArcResult.Status.NONE) {
            results.arc(arc, AddressLiteral.format(client));
        }
        return results.dmarc(dmarc).field();
    }
}
