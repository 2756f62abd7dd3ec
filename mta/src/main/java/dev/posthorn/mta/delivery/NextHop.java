package dev.posthorn.mta.delivery;

import dev.posthorn.mta.spool.SpoolEnvelope;
import dev.posthorn.smtp.BodyType;
import dev.posthorn.smtp.DsnNotify;
import dev.posthorn.smtp.DsnReturn;
import dev.posthorn.smtp.ForwardPath;
import dev.posthorn.smtp.MailParameters;
import dev.posthorn.smtp.Mailbox;
import dev.posthorn.smtp.OriginalRecipient;
import dev.posthorn.smtp.RcptParameters;
import dev.posthorn.smtp.ReversePath;
import dev.posthorn.smtp.Xtext;
import dev.posthorn.smtp.client.Recipient;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;

/**
 * A queued envelope as the next hop gets it: the reverse path, the MAIL parameters (SIZE, BODY, SMTPUTF8, and the DSN
 * parameters RET and ENVID, which travel on, RFC 3461 5.2) and each recipient's NOTIFY and ORCPT. The spool holds
 * them as text written by the receiver; a value that does not parse throws {@link IllegalArgumentException}.
 */
final class NextHop {

    private NextHop() {
    }

    /** The reverse path: the null path for a bounce, else the sender's mailbox. */
    static ReversePath sender(SpoolEnvelope envelope) {
        return envelope.sender().isEmpty() ? ReversePath.NULL : ReversePath.of(Mailbox.parse(envelope.sender(), true));
    }

    /** MAIL's parameters for a body of {@code size} octets. */
    static MailParameters mailParameters(SpoolEnvelope envelope, long size) {
        boolean utf8 = "true".equals(envelope.parameters().get("smtputf8"));
        BodyType type = bodyType(envelope);
        String ret = envelope.parameters().get("ret");
        return new MailParameters(OptionalLong.of(size), type, utf8, ret == null ? null : DsnReturn.valueOf(ret),
                envelope.parameters().get("envid"), null);
    }

    /**
     * MAIL's BODY for SMTP and LMTP alike: 8BITMIME (RFC 6152) and BINARYMIME (RFC 3030) as received; none for 7BIT,
     * the default a BODY parameter need not say.
     */
    static BodyType bodyType(SpoolEnvelope envelope) {
        String body = envelope.parameters().get("body");
        return BodyType.EIGHT_BIT_MIME.keyword().equals(body) ? BodyType.EIGHT_BIT_MIME
                : BodyType.BINARY_MIME.keyword().equals(body) ? BodyType.BINARY_MIME : null;
    }

    /** The RCPT commands' paths and DSN parameters for {@code addresses}, in order. */
    static List<Recipient> recipients(SpoolEnvelope envelope, List<String> addresses) {
        List<Recipient> paths = new ArrayList<>();
        for (String address : addresses) {
            paths.add(new Recipient(ForwardPath.of(Mailbox.parse(address, true)), dsnParameters(envelope, address)));
        }
        return paths;
    }

    /** NOTIFY and ORCPT of the queued recipient with this address, as they came in. */
    private static RcptParameters dsnParameters(SpoolEnvelope envelope, String address) {
        for (SpoolEnvelope.Recipient r : envelope.recipients()) {
            if (r.address().equalsIgnoreCase(address)) {
                Set<DsnNotify> notify = EnumSet.noneOf(DsnNotify.class);
                for (String value : r.notifications().split(",")) {
                    if (!value.isEmpty()) {
                        notify.add(DsnNotify.valueOf(value));
                    }
                }
                OriginalRecipient original = null;
                int semi = r.original().indexOf(';');
                // ORCPT only where it tells the next hop something: the recipient was rewritten (an alias).
                boolean informative = !r.original().equalsIgnoreCase("rfc822;" + Xtext.encode(address));
                if (semi > 0 && informative) {
                    try {
                        original = new OriginalRecipient(r.original().substring(0, semi),
                                Xtext.decode(r.original().substring(semi + 1)));
                    } catch (IllegalArgumentException e) {
                        original = null; // not passed on rather than passed on damaged
                    }
                }
                return new RcptParameters(notify, original);
            }
        }
        return RcptParameters.NONE;
    }
}
