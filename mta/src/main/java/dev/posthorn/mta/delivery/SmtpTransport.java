package dev.posthorn.mta.delivery;

import dev.posthorn.mta.dns.MxAnswer;
import dev.posthorn.mta.dns.MxResolver;
import dev.posthorn.mta.dns.Target;
import dev.posthorn.mta.spool.MessageBody;
import dev.posthorn.mta.spool.SpoolEnvelope;
import dev.posthorn.mta.spool.TlsRequest;
import dev.posthorn.mta.tls.TlsPolicy;
import dev.posthorn.mta.tlsrpt.TlsRptObserver;
import dev.posthorn.smtp.AddressLiteral;
import dev.posthorn.smtp.LogText;
import dev.posthorn.smtp.MailParameters;
import dev.posthorn.smtp.Mailbox;
import dev.posthorn.smtp.Reply;
import dev.posthorn.smtp.ReversePath;
import dev.posthorn.smtp.client.ClientTimeouts;
import dev.posthorn.smtp.client.Endpoint;
import dev.posthorn.smtp.client.OpportunisticTls;
import dev.posthorn.smtp.client.Recipient;
import dev.posthorn.smtp.client.SmtpClient;
import dev.posthorn.smtp.client.SmtpReplyException;
import dev.posthorn.smtp.client.TransactionResult;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivery to another domain over SMTP: the exchangers DNS names (RFC 5321 5.1), in order, each of its addresses
 * in turn, until one takes the transaction. A connection that fails, a greeting that refuses (4xx/5xx) or an
 * opportunistic TLS handshake that fails moves on to the next address; replies to the transaction itself are final
 * for this attempt (4xx: deferred, 5xx: failed). A server whose opportunistic handshake failed gets the next attempt
 * in plain text ({@link BrokenTls}), as one offering no STARTTLS would.
 *
 * <p>TLS towards MX hosts follows {@link DomainTls}: by default STARTTLS whenever offered (RFC 3207), without
 * checking the certificate: opportunistic TLS (RFC 7435) protects against passive listening, not an active
 * attacker. A domain's configured level, DANE or an MTA-STS policy in enforce mode may require TLS and an
 * authenticated server ({@link HostTls} says what each host gets and runs STARTTLS); a host that does not give it is
 * a {@link TlsFailure}, the next host is tried, and when none takes the mail it is deferred with 4.7.x, never sent in
 * clear. A domain at a DANE level is resolved through the {@link DaneVerifier}'s validating resolver. A configured
 * relay or route ({@link #via}) may require TLS, verify the certificate and log in.
 *
 * <p>The sender's request (RFC 8689) comes first: a message sent with REQUIRETLS goes only where {@link RequireTls}
 * allows (validated MX name, authenticated certificate, REQUIRETLS advertised), and one with {@code TLS-Required: No}
 * is sent as if the domain published neither MTA-STS nor DANE ({@link DomainTls#forMx(String, List, TlsRequest)}).
 */
public final class SmtpTransport implements Transport, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SmtpTransport.class);

    private final MxResolver resolver;
    private final String helloName;
    private final int port;
    private final ClientTimeouts timeouts;
    private final SSLContext opportunisticTls;
    private final DomainTls domainTls;
    private final Optional<InetAddress> bindAddress;
    private final ConnectionCache connections = new ConnectionCache();
    private final BrokenTls brokenTls;
    private final TlsReporting tlsReporting;

    /**
     * @param port      25 in production; tests give the port their servers listen on
     * @param mxPolicy  the TLS policy towards every MX host (normally MAY: opportunistic), with the JDK's CAs
     */
    public SmtpTransport(MxResolver resolver, String helloName, int port, ClientTimeouts timeouts, Policy mxPolicy) {
        this(resolver, helloName, port, timeouts, DomainTls.uniform(mxPolicy.tls()));
    }

    /**
     * @param port      25 in production; tests give the port their servers listen on
     * @param domainTls the TLS each domain's MX hosts get
     */
    public SmtpTransport(MxResolver resolver, String helloName, int port, ClientTimeouts timeouts,
                         DomainTls domainTls) {
        this(resolver, helloName, port, timeouts, domainTls, Optional.empty(), Clock.systemUTC());
    }

    /**
     * @param bindAddress the local address to connect from, to servers of its address family (the others get the
     *                    operating system's choice): on a host with several, the one that SPF records, PTR names and
     *                    blocklists know as this server's
     * @param clock       how long a failed handshake is remembered is measured on it ({@link BrokenTls})
     */
    public SmtpTransport(MxResolver resolver, String helloName, int port, ClientTimeouts timeouts,
                         DomainTls domainTls, Optional<InetAddress> bindAddress, Clock clock) {
        this(resolver, helloName, port, timeouts, domainTls, bindAddress, clock, TlsRptObserver.NONE);
    }

    /** @param tlsReports told of every new session's TLS to an MX host (RFC 8460) */
    public SmtpTransport(MxResolver resolver, String helloName, int port, ClientTimeouts timeouts,
                         DomainTls domainTls, Optional<InetAddress> bindAddress, Clock clock,
                         TlsRptObserver tlsReports) {
        this.tlsReporting = new TlsReporting(tlsReports);
        this.brokenTls = new BrokenTls(clock);
        this.bindAddress = bindAddress;
        this.resolver = resolver;
        this.helloName = helloName;
        this.port = port;
        this.timeouts = timeouts;
        this.opportunisticTls = OpportunisticTls.context();
        this.domainTls = domainTls;
    }

    /** Delivers to {@code recipients}, all in one domain, through its exchangers. */
    @Override
    public List<Outcome> deliver(SpoolEnvelope envelope, List<Mailbox> recipients, MessageBody body,
                                 DeliveryTrace trace) {
        String domain = NextHop.domain(recipients);
        // A domain at a DANE level: validated MX and address records, each target saying whether it is secure.
        return switch (domainTls.resolver(domain, resolver, envelope.parameters().tls()).resolve(domain)) {
            case MxAnswer.NullMx nullMx -> all(recipients, new Outcome.Failed(
                    "556 " + nullMx.status() + " " + domain + " accepts no mail (null MX, RFC 7505)"));
            case MxAnswer.NoSuchDomain none -> all(recipients, new Outcome.Failed(
                    "550 " + none.status() + " " + domain + ": no such domain"));
            case MxAnswer.Unroutable unroutable -> all(recipients, new Outcome.Failed(
                    "550 " + unroutable.status() + " " + domain + ": " + unroutable.reason()));
            case MxAnswer.TemporaryFailure failure -> all(recipients, new Outcome.Deferred(
                    "451 " + failure.status() + " DNS for " + domain + ": " + failure.reason()));
            case MxAnswer.Targets targets -> toTargets(envelope, domain, targets.targets(), recipients, body, trace);
        };
    }

    /**
     * How to talk to one server: the TLS policy and, for a smarthost, the credentials.
     *
     * @param tls      NONE (never STARTTLS), MAY (when offered, any certificate), ENCRYPT (STARTTLS required, any
     *                 certificate), VERIFY (STARTTLS required, certificate checked against the trusted CAs and the
     *                 host name, RFC 6125); DANE and DANE_ONLY come from {@link DomainTls} with DANE's verdict on the
     *                 host (a policy given here at a DANE level, without a verdict, is refused before connecting)
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
     * Delivery through one configured server (a smarthost, or a route for the domain) instead of the domain's MX:
     * every address of {@code host} in turn. A server that cannot be reached, or refuses TLS or AUTH that the policy
     * needs, defers the mail: a local misconfiguration must not bounce other people's mail.
     */
    public Transport via(String host, int viaPort, Policy policy) {
        return (envelope, recipients, body, trace) -> deliverVia(envelope, host, viaPort, policy, recipients, body,
                trace);
    }

    private List<Outcome> deliverVia(SpoolEnvelope envelope, String host, int viaPort, Policy policy,
                                     List<Mailbox> recipients, MessageBody body, DeliveryTrace trace) {
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
        Failures failures = new Failures("no address of " + host + " answered");
        for (InetAddress address : addresses) {
            String remote = host + "[" + AddressLiteral.format(address) + "]";
            HostTls tls = envelope.parameters().requireTls() ? RequireTls.forRelay(policy) : HostTls.of(policy);
            trace.trying(remote, tls);
            try {
                return attempt(envelope, Session.relay(host, address), viaPort, tls, remote, recipients, body,
                        trace);
            } catch (IOException e) {
                failures.add(remote, e);
            }
        }
        return all(recipients, failures.deferral());
    }

    /** The policy towards a route's host for {@code domain}: the domain's configured TLS level, else {@code route}. */
    public Policy routePolicy(String domain, Policy route) {
        TlsPolicy level = domainTls.forRoute(domain, route.tls());
        return level == route.tls() ? route : Policy.of(level);
    }

    private List<Outcome> toTargets(SpoolEnvelope envelope, String domain, List<Target> targets,
                                    List<Mailbox> recipients, MessageBody body, DeliveryTrace trace) {
        DomainTls.Requirement requirement = domainTls.forMx(domain, targets, envelope.parameters().tls());
        trace.exchangers(targets);
        trace.requirement(requirement);
        Failures failures = new Failures("no exchanger answered");
        for (Target target : targets) {
            HostTls tls;
            try {
                tls = HostTls.forMx(requirement, target, domainTls.trust());
                if (envelope.parameters().requireTls()) {
                    tls = RequireTls.forMx(requirement, target, tls);
                }
            } catch (TlsFailure skipped) {
                if (!envelope.parameters().requireTls()) {   // the domain's policy refused it, not the sender
                    tlsReporting.refused(domain, requirement, target, skipped);
                }
                log.info("{}: {} skipped: {}{}", envelope.id(), target.host(), skipped.label(),
                        LogText.escape(skipped.getMessage()));
                trace.trying(target.host(), null);
                trace.tls("skipped: " + skipped.label() + skipped.getMessage());
                failures.add(skipped);
                continue;
            }
            for (InetAddress address : target.addresses()) {
                String remote = target.host() + "[" + AddressLiteral.format(address) + "]";
                trace.trying(remote, tls);
                try {
                    return attempt(envelope, new Session(domain, requirement, target.host(), address), port, tls,
                            remote, recipients, body, trace);
                } catch (IOException e) {
                    failures.add(remote, e);
                }
                log.debug("{}: {} failed: {}", envelope.id(), remote, LogText.escape(failures.last()));
            }
        }
        return all(recipients, failures.deferral());
    }

    /**
     * Where an attempt goes: for an MX host, also its domain and the domain's requirement, which TLS reporting
     * (RFC 8460) names; a smarthost or route has neither ({@code null}) and is not reported on.
     */
    private record Session(String domain, DomainTls.Requirement requirement, String host, InetAddress address) {
        static Session relay(String host, InetAddress address) {
            return new Session(null, null, host, address);
        }

        boolean reported() {
            return domain != null;
        }
    }

    private List<Outcome> attempt(SpoolEnvelope envelope, Session session, int toPort, HostTls tls,
                                  String remote, List<Mailbox> recipients, MessageBody body, DeliveryTrace trace)
            throws IOException {
        String host = session.host();
        InetAddress address = session.address();
        String server = address.getHostAddress() + "|" + toPort;
        // Decided before the kept sessions are looked at, so that a plain-text session is found again.
        boolean plainAfterFailure = tls.mayFallBackToPlainText() && brokenTls.failedRecently(server);
        if (plainAfterFailure) {
            tls = tls.plainText();
        }
        // A REQUIRETLS message reuses only sessions checked for it (TLS, REQUIRETLS advertised).
        boolean requireTls = envelope.parameters().requireTls();
        String key = server + "|" + host + "|" + tls.key() + (requireTls ? "|requiretls" : "");
        ConnectionCache.Lease lease = connections.take(key);
        if (lease != null) {
            lease.client().transcript(trace);
            trace.tls(lease.client().tlsSession() != null ? lease.client().tlsSession().getProtocol()
                    + " (session reused)" : "none (session reused)");
            try {
                return transaction(lease.client(), key, lease.uses(), envelope, remote, tls.security(), recipients,
                        body);
            } catch (IOException e) {
                // A kept session the server has meanwhile closed: start over on a new connection.
                log.debug("{}: kept session to {} failed ({}), reconnecting", envelope.id(), remote,
                        LogText.escape(e));
            }
        }
        Optional<TlsFailure> refusal = tls.refusal(host, domainTls.dane().isPresent());
        if (refusal.isPresent()) {
            throw refusal.get();
        }
        if (plainAfterFailure) {
            log.info("{}: {}: STARTTLS failed at an earlier attempt; this one goes in plain text", envelope.id(),
                    remote);
        }
        Optional<InetAddress> source = bindAddress.filter(local -> local.getClass() == address.getClass());
        SmtpClient client = SmtpClient.connect(new Endpoint.Tcp(address.getHostAddress(), toPort, source),
                SmtpClient.Protocol.SMTP, helloName, timeouts, trace);
        Optional<String> finding;
        try {
            secure(client, host, tls);
            if (requireTls && !RequireTls.satisfied(client)) {
                ConnectionCache.quit(client); // RFC 8689 4.2.1: QUIT, and the message is not sent there
                throw RequireTls.refusal(client, host);
            }
            if (client.tlsSession() != null) {
                trace.negotiated(client.tlsSession().getProtocol());
            } else {
                trace.tls("none");
            }
            finding = tls.audit().inspect(client, host);
            if (session.reported() && !plainAfterFailure) {
                tlsReporting.session(session.domain(), session.requirement(), host, address, tls,
                        client.tlsSession() != null, finding.map(f -> new TlsFailure(TlsFailure.NOT_AUTHENTICATED, f)));
            }
        } catch (IOException e) {
            if (e instanceof TlsFailure || e instanceof javax.net.ssl.SSLException) {
                trace.tls("failed: " + e.getMessage());
                if (session.reported() && !plainAfterFailure && !requireTls) {
                    tlsReporting.session(session.domain(), session.requirement(), host, address, tls, false,
                            Optional.of(e));
                }
            }
            client.close();
            if (tls.mayFallBackToPlainText() && !(e instanceof TlsFailure)) {
                // At this level secure() does nothing but STARTTLS: the handshake, or what the server sent
                // around it, failed.
                brokenTls.failed(server);
            }
            throw e;
        } catch (RuntimeException e) {
            client.close();
            throw e;
        }
        if (finding.isEmpty()) {
            return transaction(client, key, 0, envelope, remote, tls.security(), recipients, body);
        }
        String note = "MTA-STS testing mode would have refused this: " + finding.get();
        log.warn("{}: {}: {}", envelope.id(), remote, LogText.escape(note));
        return transaction(client, key, 0, envelope, remote, tls.security(), recipients, body).stream()
                .map(outcome -> noted(outcome, " [" + note + "]")).toList();
    }

    private static Outcome noted(Outcome outcome, String note) {
        return switch (outcome) {
            case Outcome.Delivered delivered -> new Outcome.Delivered(delivered.diagnostic() + note);
            case Outcome.Deferred deferred -> new Outcome.Deferred(deferred.diagnostic() + note);
            case Outcome.Failed failed -> new Outcome.Failed(failed.diagnostic() + note);
        };
    }

    /**
     * One transaction on a session; the session is kept for the next message when it went well.
     *
     * @param security what the diagnostic adds to the TLS protocol ({@link HostTls#security()})
     */
    private List<Outcome> transaction(SmtpClient client, String key, int uses, SpoolEnvelope envelope, String remote,
                                      String security, List<Mailbox> recipients, MessageBody body)
            throws IOException {
        try {
            MailParameters parameters = NextHop.mailParameters(envelope, body.size());
            List<Recipient> paths = NextHop.recipients(envelope, recipients);
            ReversePath sender = envelope.sender();
            TransactionResult result;
            try (InputStream in = body.open()) {
                result = client.send(sender, parameters, paths, in, body.size());
            }
            String tls = client.tlsSession() != null ? " (" + client.tlsSession().getProtocol() + security + ")" : "";
            boolean closing = result.mail().code() == 421
                    || result.recipients().stream().anyMatch(r -> r.reply().code() == 421);
            if (closing) {
                ConnectionCache.quit(client); // 421: the server is closing the session (RFC 5321 3.8)
            } else {
                client.transcript(null); // the next delivery on this session records into its own trace
                connections.give(key, client, uses + 1);
            }
            // RFC 3461 5.2.2: a server that offered DSN and got NOTIFY reports success itself; else, 5.2.3, we
            // report "relayed".
            boolean dsn = client.capabilities().supports("DSN");
            return result.recipients().stream().map(r -> Outcome.of(remote + tls, r.reply(),
                    dsn && !r.recipient().parameters().notifications().isEmpty()
                            ? Outcome.Handover.PASSED_ON : Outcome.Handover.RELAYED)).toList();
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

    /** STARTTLS and AUTH as the host's TLS says; what it requires and does not get ends this address's try. */
    private void secure(SmtpClient client, String host, HostTls tls) throws IOException {
        tls.startTls(client, host, domainTls.trust(), opportunisticTls);
        Policy policy = tls.policy();
        if (policy.user() != null) {
            Reply auth = client.authenticate(policy.user(), policy.password(), false);
            if (auth.code() != 235) {
                throw new SmtpReplyException("AUTH as " + policy.user(), auth);
            }
        }
    }

    private static List<Outcome> all(List<Mailbox> recipients, Outcome outcome) {
        return recipients.stream().map(r -> outcome).toList();
    }
}
