package dev.posthorn.mta.delivery;

import dev.posthorn.mta.config.TlsPolicy;
import dev.posthorn.mta.dane.Dane;
import dev.posthorn.mta.dane.DaneFailure;
import dev.posthorn.mta.dane.DaneVerdict;
import dev.posthorn.mta.dns.MxAnswer;
import dev.posthorn.mta.dns.MxResolver;
import dev.posthorn.mta.dns.Target;
import dev.posthorn.mta.spool.SpoolEnvelope;
import dev.posthorn.smtp.BodyType;
import dev.posthorn.smtp.DsnNotify;
import dev.posthorn.smtp.DsnReturn;
import dev.posthorn.smtp.OriginalRecipient;
import dev.posthorn.smtp.RcptParameters;
import dev.posthorn.smtp.Xtext;
import dev.posthorn.smtp.ForwardPath;
import dev.posthorn.smtp.MailParameters;
import dev.posthorn.smtp.Mailbox;
import dev.posthorn.smtp.Reply;
import dev.posthorn.smtp.ReversePath;
import dev.posthorn.smtp.client.ClientTimeouts;
import dev.posthorn.smtp.client.Endpoint;
import dev.posthorn.smtp.client.Recipient;
import dev.posthorn.smtp.client.SmtpClient;
import dev.posthorn.smtp.client.SmtpReplyException;
import dev.posthorn.smtp.client.TransactionResult;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivery to another domain over SMTP: the exchangers DNS names (RFC 5321 5.1), in order, each of its addresses
 * in turn, until one takes the transaction. A connection that fails, a greeting that refuses (4xx/5xx) or an
 * opportunistic TLS handshake that fails moves on to the next address; replies to the transaction itself are final
 * for this attempt (4xx: deferred, 5xx: failed). Towards MX hosts STARTTLS is used whenever offered (RFC 3207),
 * without checking the certificate: opportunistic TLS (RFC 7435) protects against passive listening, not an active
 * attacker. A configured relay or route ({@link #deliverVia}) may require TLS, verify the certificate and log in.
 *
 * <p>Under the DANE policy ({@link TlsPolicy#DANE}, RFC 7672) the MX and address records come from a validating
 * resolver, and each MX host's {@link DaneVerdict} decides its TLS: usable TLSA records make STARTTLS mandatory and
 * the certificate must match them; a host whose TLSA lookup failed is skipped; failing that, mail is deferred with
 * 4.7.5. The verdict comes before any other policy (MTA-STS included, RFC 8461 2): only where DANE does not apply
 * does the normal policy decide.
 */
public final class SmtpTransport implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SmtpTransport.class);

    private final MxResolver resolver;
    private final String helloName;
    private final int port;
    private final ClientTimeouts timeouts;
    private final SSLContext opportunisticTls;
    private final Policy mxPolicy;
    private final ConnectionCache connections = new ConnectionCache();
    /** Null when DANE is not configured. */
    private final Dane dane;

    /**
     * @param port      25 in production; tests give the port their servers listen on
     * @param mxPolicy  the TLS policy towards MX hosts (normally MAY: opportunistic); not DANE
     */
    public SmtpTransport(MxResolver resolver, String helloName, int port, ClientTimeouts timeouts, Policy mxPolicy) {
        this(resolver, null, helloName, port, timeouts, mxPolicy);
    }

    /**
     * @param dane     DANE's validating lookups, used when {@code mxPolicy} is DANE; may be null otherwise
     * @param port     25 in production; tests give the port their servers listen on
     * @param mxPolicy the TLS policy towards MX hosts (normally MAY: opportunistic, or DANE)
     */
    public SmtpTransport(MxResolver resolver, Dane dane, String helloName, int port, ClientTimeouts timeouts,
                         Policy mxPolicy) {
        if (mxPolicy.tls() == TlsPolicy.DANE && dane == null) {
            throw new IllegalArgumentException("the DANE policy needs DANE's validating resolver");
        }
        this.dane = dane;
        this.resolver = resolver;
        this.helloName = helloName;
        this.port = port;
        this.timeouts = timeouts;
        this.opportunisticTls = OpportunisticTls.context();
        this.mxPolicy = mxPolicy;
    }

    /** Delivers to {@code recipients}, all in {@code domain}; one outcome per recipient, in order. */
    public List<Outcome> deliver(SpoolEnvelope envelope, String domain, List<String> recipients, Body body) {
        // DANE: validated MX and address records, so that each target says whether it is secure (RFC 7672 2.2.1).
        boolean useDane = mxPolicy.tls() == TlsPolicy.DANE;
        return switch ((useDane ? dane.resolver() : resolver).resolve(domain)) {
            case MxAnswer.NullMx nullMx -> all(recipients, new Outcome.Failed(
                    "556 " + nullMx.status() + " " + domain + " accepts no mail (null MX, RFC 7505)"));
            case MxAnswer.NoSuchDomain none -> all(recipients, new Outcome.Failed(
                    "550 " + none.status() + " " + domain + ": no such domain"));
            case MxAnswer.Unroutable unroutable -> all(recipients, new Outcome.Failed(
                    "550 " + unroutable.status() + " " + domain + ": " + unroutable.reason()));
            case MxAnswer.TemporaryFailure failure -> all(recipients, new Outcome.Deferred(
                    "451 " + failure.status() + " DNS for " + domain + ": " + failure.reason()));
            case MxAnswer.Targets targets -> toTargets(envelope, domain, targets.targets(), recipients, body, useDane);
        };
    }

    /**
     * How to talk to one server: the TLS policy and, for a smarthost, the credentials.
     *
     * @param tls      NONE (never STARTTLS), MAY (when offered, any certificate), ENCRYPT (STARTTLS required, any
     *                 certificate), VERIFY (STARTTLS required, certificate checked against the JDK's trust store and
     *                 the host name, RFC 6125), DANE (towards MX hosts: TLSA records decide, RFC 7672; else MAY)
     * @param user     the AUTH user, or {@code null} for none
     * @param password the AUTH password, or {@code null}
     */
    public record Policy(TlsPolicy tls, String user, String password) {
        public Policy {
            java.util.Objects.requireNonNull(tls, "tls");
            if (user != null && !tls.requiresTls()) {
                throw new IllegalArgumentException("credentials need TLS: encrypt or verify");
            }
        }

        public static Policy of(TlsPolicy tls) {
            return new Policy(tls, null, null);
        }

        @Override
        public String toString() {
            return "Policy[tls=" + tls + ", user=" + user + "]";
        }
    }

    /**
     * Delivers through one configured server (a smarthost, or a route for the domain) instead of the domain's MX:
     * every address of {@code host} in turn. A server that cannot be reached, or refuses TLS or AUTH that the policy
     * needs, defers the mail: a local misconfiguration must not bounce other people's mail.
     */
    public List<Outcome> deliverVia(SpoolEnvelope envelope, String host, int viaPort, Policy policy,
                                    List<String> recipients, Body body) {
        List<InetAddress> addresses;
        try {
            addresses = host.matches("[0-9.]+|.*:.*") ? List.of(InetAddress.getByName(host))
                    : switch (resolver.resolve(host)) {
                        case MxAnswer.Targets targets -> targets.targets().getFirst().addresses();
                        default -> List.of();
                    };
        } catch (java.net.UnknownHostException e) {
            addresses = List.of();
        }
        if (addresses.isEmpty()) {
            return all(recipients, new Outcome.Deferred("451 4.4.3 cannot resolve the relay host " + host));
        }
        String last = "no address of " + host + " answered";
        for (InetAddress address : addresses) {
            String remote = host + "[" + address.getHostAddress() + "]";
            try {
                return attempt(envelope, host, address, viaPort, policy, remote, recipients, body, null);
            } catch (SmtpReplyException e) {
                last = remote + " said: " + e.reply();
            } catch (IOException e) {
                last = remote + ": " + e.getMessage();
            }
        }
        return all(recipients, new Outcome.Deferred("451 4.4.1 " + last));
    }

    /** The message body and its size, opened once per attempt at a server. */
    public interface Body {
        InputStream open() throws IOException;

        long size();
    }

    private List<Outcome> toTargets(SpoolEnvelope envelope, String domain, List<Target> targets,
                                    List<String> recipients, Body body, boolean useDane) {
        String last = "no exchanger answered";
        String daneFailure = null;
        for (Target target : targets) {
            // DANE: the TLSA records of this host decide its TLS; a host whose records cannot be had is not used.
            DaneVerdict verdict = useDane ? dane.verdict(target, domain) : null;
            if (verdict instanceof DaneVerdict.HostUnusable unusable) {
                daneFailure = last = target.host() + ": " + unusable.reason();
                log.warn("{}: DANE: {} not used: {}", envelope.id(), target.host(), unusable.reason());
                continue;
            }
            for (InetAddress address : target.addresses()) {
                String remote = target.host() + "[" + address.getHostAddress() + "]";
                try {
                    return attempt(envelope, target.host(), address, port, mxPolicy, remote, recipients, body,
                            verdict);
                } catch (DaneFailure e) {
                    daneFailure = last = remote + ": " + e.getMessage();
                    log.warn("{}: DANE: {}: {}", envelope.id(), remote, e.getMessage());
                } catch (SmtpReplyException e) {
                    last = remote + " said: " + e.reply();
                } catch (IOException e) {
                    last = remote + ": " + e.getMessage();
                }
                log.debug("{}: {} failed: {}", envelope.id(), remote, last);
            }
        }
        // RFC 3463 3.8 "4.7.5 Cryptographic failure": DANE refused a host that could otherwise have taken the mail.
        return all(recipients, new Outcome.Deferred(daneFailure != null ? "451 4.7.5 DANE: " + daneFailure
                : "451 4.4.1 " + last));
    }

    /** @param verdict DANE's word on this host, or null when DANE is not in use */
    private List<Outcome> attempt(SpoolEnvelope envelope, String host, InetAddress address, int toPort, Policy policy,
                                  String remote, List<String> recipients, Body body, DaneVerdict verdict)
            throws IOException {
        String security = verdict instanceof DaneVerdict.Authenticate ? "tls=dane" : "";
        String key = address.getHostAddress() + "|" + toPort + "|" + host + "|" + policy + "|" + daneKey(verdict);
        ConnectionCache.Lease lease = connections.take(key);
        if (lease != null) {
            try {
                return transaction(lease.client(), key, lease.uses(), envelope, remote, security, recipients, body);
            } catch (IOException e) {
                // A kept session the server has meanwhile closed: start over on a new connection.
                log.debug("{}: kept session to {} failed ({}), reconnecting", envelope.id(), remote, e.toString());
            }
        }
        SmtpClient client = SmtpClient.connect(new Endpoint.Tcp(address.getHostAddress(), toPort),
                SmtpClient.Protocol.SMTP, helloName, timeouts);
        try {
            if (verdict instanceof DaneVerdict.Authenticate || verdict instanceof DaneVerdict.EncryptOnly) {
                daneTls(client, host, verdict, remote);
            } else {
                secure(client, host, policy);
            }
        } catch (IOException | RuntimeException e) {
            client.close();
            throw e;
        }
        return transaction(client, key, 0, envelope, remote, security, recipients, body);
    }

    /** Sessions are kept per DANE outcome: one checked against some TLSA records serves only those records. */
    private static String daneKey(DaneVerdict verdict) {
        return switch (verdict) {
            case DaneVerdict.Authenticate authenticate -> "dane " + authenticate.records();
            case DaneVerdict.EncryptOnly encrypt -> "dane-encrypt";
            case null, default -> "";
        };
    }

    /**
     * DANE (RFC 7672 2.2, 3): STARTTLS is mandatory, and with usable TLSA records the certificate must match one;
     * SNI names the MX host (RFC 7672 8.1). Whatever fails here is a {@link DaneFailure}.
     */
    private void daneTls(SmtpClient client, String host, DaneVerdict verdict, String remote) throws IOException {
        boolean tls;
        try {
            tls = client.startTls(verdict instanceof DaneVerdict.Authenticate authenticate
                    ? dane.context(authenticate) : opportunisticTls, host, false);
        } catch (IOException e) {
            throw new DaneFailure("TLS handshake failed: " + handshakeReason(e), e);
        }
        if (!tls) {
            throw new DaneFailure("STARTTLS is required (TLSA records published for " + host
                    + ") but not offered or refused");
        }
        if (verdict instanceof DaneVerdict.Authenticate authenticate) {
            log.info("{}: tls=dane, certificate matches TLSA at _25._tcp.{}", remote, authenticate.base());
        }
    }

    /** The trust manager's own words when it refused the certificate, else the handshake's. */
    private static String handshakeReason(IOException e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof java.security.cert.CertificateException) {
                return cause.getMessage();
            }
        }
        return String.valueOf(e.getMessage());
    }

    /** One transaction on a session; the session is kept for the next message when it went well. */
    private List<Outcome> transaction(SmtpClient client, String key, int uses, SpoolEnvelope envelope, String remote,
                                      String security, List<String> recipients, Body body) throws IOException {
        try {
            boolean utf8 = "true".equals(envelope.parameters().get("smtputf8"));
            BodyType type = "8BITMIME".equals(envelope.parameters().get("body")) ? BodyType.EIGHT_BIT_MIME
                    : "BINARYMIME".equals(envelope.parameters().get("body")) ? BodyType.BINARY_MIME : null;
            // The DSN parameters travel on (RFC 3461 5.2): the client sends them where the server offers DSN.
            String ret = envelope.parameters().get("ret");
            MailParameters parameters = new MailParameters(OptionalLong.of(body.size()), type, utf8,
                    ret == null ? null : DsnReturn.valueOf(ret), envelope.parameters().get("envid"), null);
            List<Recipient> paths = new ArrayList<>();
            for (String r : recipients) {
                paths.add(new Recipient(ForwardPath.of(Mailbox.parse(r, true)), dsnParameters(envelope, r)));
            }
            ReversePath sender = envelope.sender().isEmpty() ? ReversePath.NULL
                    : ReversePath.of(Mailbox.parse(envelope.sender(), true));
            TransactionResult result;
            try (InputStream in = body.open()) {
                result = client.send(sender, parameters, paths, in, body.size());
            }
            String tls = client.tlsSession() == null ? "" : " (" + client.tlsSession().getProtocol()
                    + (security.isEmpty() ? "" : ", " + security) + ")";
            boolean closing = result.mail().code() == 421
                    || result.recipients().stream().anyMatch(r -> r.reply().code() == 421);
            if (closing) {
                ConnectionCache.quit(client); // 421: the server is closing the session (RFC 5321 3.8)
            } else {
                connections.give(key, client, uses + 1);
            }
            return result.recipients().stream().map(r -> outcome(remote + tls, r.reply())).toList();
        } catch (IllegalArgumentException e) {
            ConnectionCache.quit(client);
            return all(recipients, new Outcome.Failed("553 5.1.3 invalid address: " + e.getMessage()));
        } catch (IOException | RuntimeException e) {
            client.close();
            throw e;
        }
    }

    /** Ends the kept sessions (at shutdown). */
    @Override
    public void close() {
        connections.close();
    }

    /** STARTTLS and AUTH as the policy says; what the policy requires and does not get ends this address's try. */
    private void secure(SmtpClient client, String host, Policy policy) throws IOException {
        boolean tls = switch (policy.tls()) {
            case NONE -> false;
            case MAY, ENCRYPT, DANE -> client.startTls(opportunisticTls, host, false);
            case VERIFY -> client.startTls(verifying(), host, true);
        };
        if (!tls && policy.tls().requiresTls()) {
            throw new IOException("TLS is required (" + policy.tls().configName() + ") but " + host
                    + " does not offer or refused STARTTLS");
        }
        if (policy.user() != null) {
            Reply auth = client.authenticate(policy.user(), policy.password(), false);
            if (auth.code() != 235) {
                throw new SmtpReplyException("AUTH as " + policy.user(), auth);
            }
        }
    }

    private static SSLContext verifying() throws IOException {
        try {
            return SSLContext.getDefault();
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IOException("no default TLS context", e);
        }
    }

    /** NOTIFY and ORCPT of the queued recipient with this address, as they came in. */
    private static RcptParameters dsnParameters(SpoolEnvelope envelope, String address) {
        for (SpoolEnvelope.Recipient r : envelope.recipients()) {
            if (r.address().equalsIgnoreCase(address)) {
                java.util.Set<DsnNotify> notify = java.util.EnumSet.noneOf(DsnNotify.class);
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

    private static Outcome outcome(String remote, Reply reply) {
        String diagnostic = remote + " said: " + reply;
        if (reply.isPositive()) {
            return new Outcome.Delivered(diagnostic);
        }
        return reply.isTransientFailure() ? new Outcome.Deferred(diagnostic) : new Outcome.Failed(diagnostic);
    }

    private static List<Outcome> all(List<String> recipients, Outcome outcome) {
        return recipients.stream().map(r -> outcome).toList();
    }
}
