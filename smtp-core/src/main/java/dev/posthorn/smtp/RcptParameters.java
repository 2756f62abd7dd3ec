package dev.posthorn.smtp;

import java.util.Set;

/**
 * The ESMTP parameters of RCPT TO that Posthorn knows: NOTIFY and ORCPT (RFC 3461). Any other keyword is refused
 * with {@code 555 5.5.4}.
 *
 * @param notifications          the NOTIFY values; empty when not given (the MTA's default applies)
 * @param originalRecipient the ORCPT value, or {@code null}
 */
public record RcptParameters(Set<DsnNotify> notifications, OriginalRecipient originalRecipient) {

    public static final RcptParameters NONE = new RcptParameters(Set.of(), null);

    public RcptParameters {
        notifications = Set.copyOf(notifications);
    }

    static RcptParameters parse(String text) throws CommandSyntaxException {
        Set<DsnNotify> notify = Set.of();
        OriginalRecipient orcpt = null;
        for (EsmtpParameter p : EsmtpParameter.parseAll(text)) {
            try {
                switch (p.keyword()) {
                    case "NOTIFY" -> notify = DsnNotify.parseList(p.requireValue());
                    case "ORCPT" -> {
                        String value = p.requireValue();
                        int semi = value.indexOf(';');
                        if (semi <= 0) {
                            throw new IllegalArgumentException("ORCPT is addr-type;xtext");
                        }
                        orcpt = new OriginalRecipient(value.substring(0, semi), Xtext.decode(value.substring(semi + 1)));
                    }
                    default -> throw new CommandSyntaxException(
                            Replies.parameterUnrecognised("Unsupported parameter " + p.keyword()));
                }
            } catch (IllegalArgumentException e) {
                throw new CommandSyntaxException(Replies.syntaxInParameters("Invalid " + p.keyword() + " value"));
            }
        }
        return new RcptParameters(notify, orcpt);
    }

    /** The parameters on the wire, as a client sends them (each preceded by a space). */
    public String toWire() {
        StringBuilder out = new StringBuilder();
        if (!notifications.isEmpty()) {
            out.append(" NOTIFY=");
            out.append(String.join(",", notifications.stream().sorted().map(Enum::name).toList()));
        }
        if (originalRecipient != null) {
            out.append(" ORCPT=").append(originalRecipient.toParameter());
        }
        return out.toString();
    }
}
