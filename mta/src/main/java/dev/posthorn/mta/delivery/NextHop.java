package dev.posthorn.mta.delivery;

import dev.posthorn.mta.spool.SpoolEnvelope;
import dev.posthorn.smtp.BodyType;
import dev.posthorn.smtp.ForwardPath;
import dev.posthorn.smtp.MailParameters;
import dev.posthorn.smtp.Mailbox;
import dev.posthorn.smtp.OriginalRecipient;
import dev.posthorn.smtp.RcptParameters;
import dev.posthorn.smtp.client.Recipient;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;

/**
 * A queued envelope as the next hop gets it: the MAIL parameters (SIZE, BODY, SMTPUTF8, the DSN parameters RET
 * and ENVID, which travel on, RFC 3461 5.2, and REQUIRETLS, RFC 8689 4.2.1) and each recipient's NOTIFY and ORCPT,
 * from the envelope's typed values.
 */
final class NextHop {

    private NextHop() {
    }

    /** MAIL's parameters for a body of {@code size} octets. */
    static MailParameters mailParameters(SpoolEnvelope envelope, long size) {
        SpoolEnvelope.Parameters p = envelope.parameters();
        return new MailParameters(OptionalLong.of(size), bodyType(envelope), p.smtpUtf8(), p.ret().orElse(null),
                p.envelopeId().orElse(null), null, p.requireTls());
    }

    /**
     * MAIL's BODY for SMTP and LMTP alike: 8BITMIME (RFC 6152) and BINARYMIME (RFC 3030) as received; none for 7BIT,
     * the default a BODY parameter need not say.
     */
    static BodyType bodyType(SpoolEnvelope envelope) {
        BodyType body = envelope.parameters().body();
        return body == BodyType.SEVEN_BIT ? null : body;
    }

    /** The RCPT commands' paths and DSN parameters for {@code addresses}, in order. */
    static List<Recipient> recipients(SpoolEnvelope envelope, List<Mailbox> addresses) {
        List<Recipient> paths = new ArrayList<>();
        for (Mailbox address : addresses) {
            paths.add(new Recipient(ForwardPath.of(address), dsnParameters(envelope, address)));
        }
        return paths;
    }

    /** The domain (or address literal) of recipients that all go to one domain, lower case. */
    static String domain(List<Mailbox> recipients) {
        return recipients.getFirst().host().text().toLowerCase(Locale.ROOT);
    }

    /** NOTIFY and ORCPT of the queued recipient with this address, as they came in. */
    private static RcptParameters dsnParameters(SpoolEnvelope envelope, Mailbox address) {
        for (SpoolEnvelope.Recipient r : envelope.recipients()) {
            if (r.address().toString().equalsIgnoreCase(address.toString())) {
                // ORCPT only where it tells the next hop something: the recipient was rewritten (an alias).
                OriginalRecipient original = r.original().filter(o -> !(o.addressType().equalsIgnoreCase("rfc822")
                        && o.address().equalsIgnoreCase(address.toString()))).orElse(null);
                return new RcptParameters(r.notifications(), original);
            }
        }
        return RcptParameters.NONE;
    }
}
