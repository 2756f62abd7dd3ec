package dev.posthorn.smtp;

import java.util.OptionalLong;

/**
 * The ESMTP parameters of MAIL FROM that Posthorn knows: SIZE (RFC 1870), BODY (RFC 6152, RFC 3030), SMTPUTF8
 * (RFC 6531), RET and ENVID (RFC 3461), AUTH (RFC 4954 5), REQUIRETLS (RFC 8689 2). Any other keyword is refused
 * with {@code 555 5.5.4}. Whether REQUIRETLS may be given at all (only on a TLS session whose server offers it) is the
 * server's decision, not the parser's.
 *
 * @param size       the declared message size, if given
 * @param body       the declared body type, or {@code null} when not given
 * @param smtpUtf8   whether SMTPUTF8 was given
 * @param ret        the DSN RET value, or {@code null}
 * @param envelopeId the decoded DSN ENVID, or {@code null}
 * @param auth       the decoded AUTH= mailbox ({@code <>} when unknown), or {@code null}
 * @param requireTls whether REQUIRETLS was given: the message travels on only over validated TLS (RFC 8689 4.2.1)
 */
public record MailParameters(OptionalLong size, BodyType body, boolean smtpUtf8, DsnReturn ret, String envelopeId,
                             String auth, boolean requireTls) {

    public static final MailParameters NONE = new MailParameters(OptionalLong.empty(), null, false, null, null, null);

    /** RFC 3461 4.4: ENVID is at most 100 characters. */
    public static final int MAX_ENVID = 100;

    public MailParameters {
        if (size == null) {
            throw new IllegalArgumentException("size must be present or empty, not null");
        }
    }

    /** Parameters without REQUIRETLS. */
    public MailParameters(OptionalLong size, BodyType body, boolean smtpUtf8, DsnReturn ret, String envelopeId,
                          String auth) {
        this(size, body, smtpUtf8, ret, envelopeId, auth, false);
    }

    /** These parameters with REQUIRETLS set as given. */
    public MailParameters withRequireTls(boolean required) {
        return new MailParameters(size, body, smtpUtf8, ret, envelopeId, auth, required);
    }

    /** The body type the message is to be treated as: the declared one, else 7BIT. */
    public BodyType effectiveBody() {
        return body == null ? BodyType.SEVEN_BIT : body;
    }

    static MailParameters parse(String text) throws CommandSyntaxException {
        OptionalLong size = OptionalLong.empty();
        BodyType body = null;
        boolean utf8 = false;
        DsnReturn ret = null;
        String envid = null;
        String auth = null;
        boolean requireTls = false;
        for (EsmtpParameter p : EsmtpParameter.parseAll(text)) {
            try {
                switch (p.keyword()) {
                    case "SIZE" -> size = OptionalLong.of(parseSize(p.requireValue()));
                    case "BODY" -> body = BodyType.parse(p.requireValue());
                    case "SMTPUTF8" -> {
                        p.requireNoValue();
                        utf8 = true;
                    }
                    case "REQUIRETLS" -> {
                        p.requireNoValue(); // RFC 8689 2: the parameter takes no value
                        requireTls = true;
                    }
                    case "RET" -> ret = DsnReturn.parse(p.requireValue());
                    case "ENVID" -> {
                        envid = Xtext.decode(p.requireValue());
                        if (envid.length() > MAX_ENVID) {
                            throw new IllegalArgumentException("ENVID longer than 100 characters");
                        }
                        if (!envid.chars().allMatch(c -> c >= 0x20 && c < 0x7f)) {
                            // RFC 3461 4.4: printable US-ASCII; a decoded CR LF would end up in a DSN header.
                            throw new IllegalArgumentException("ENVID must be printable US-ASCII");
                        }
                    }
                    case "AUTH" -> {
                        auth = Xtext.decode(p.requireValue());
                        if (auth.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
                            throw new IllegalArgumentException("AUTH= must not hold control characters");
                        }
                    }
                    default -> throw new CommandSyntaxException(
                            Replies.parameterUnrecognised("Unsupported parameter " + p.keyword()));
                }
            } catch (IllegalArgumentException e) {
                throw new CommandSyntaxException(Replies.syntaxInParameters("Invalid " + p.keyword() + " value"));
            }
        }
        return new MailParameters(size, body, utf8, ret, envid, auth, requireTls);
    }

    private static long parseSize(String value) {
        // RFC 1870 5: size-value is 1*20DIGIT; anything beyond a long is refused as over every limit anyway.
        if (value.length() > 18 || !value.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new IllegalArgumentException("SIZE must be a number");
        }
        return Long.parseLong(value);
    }

    /** The parameters on the wire, as a client sends them (each preceded by a space). */
    public String toWire() {
        StringBuilder out = new StringBuilder();
        size.ifPresent(s -> out.append(" SIZE=").append(s));
        if (body != null) {
            out.append(" BODY=").append(body.keyword());
        }
        if (smtpUtf8) {
            out.append(" SMTPUTF8");
        }
        if (ret != null) {
            out.append(" RET=").append(ret);
        }
        if (envelopeId != null) {
            out.append(" ENVID=").append(Xtext.encode(envelopeId));
        }
        if (auth != null) {
            out.append(" AUTH=").append(Xtext.encode(auth));
        }
        if (requireTls) {
            out.append(" REQUIRETLS");
        }
        return out.toString();
    }

}
