package dev.posthorn.mta.delivery;

import dev.posthorn.mta.tls.TlsPolicy;
import dev.posthorn.mta.dns.Target;
import dev.posthorn.mta.tls.Printable;
import dev.posthorn.mta.tls.Trust;
import dev.posthorn.smtp.client.SmtpClient;
import java.io.IOException;
import java.security.cert.CertificateException;
import java.util.Objects;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;

/**
 * The TLS one server's sessions get, and the STARTTLS that gives it: for an MX host, what the domain's
 * {@link DomainTls.Requirement} says about that host; for a smarthost or route, its policy.
 *
 * @param policy the level, and for a smarthost the credentials
 * @param audit  for an MTA-STS policy in mode testing, what it would have refused about a session
 * @param dane   DANE's verdict on the host, where it governs the host ({@link DaneVerdict.Authenticate} or
 *               {@link DaneVerdict.EncryptOnly}); empty elsewhere
 */
record HostTls(SmtpTransport.Policy policy, Audit audit, Optional<DaneVerdict> dane) {

    HostTls {
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(audit, "audit");
        Objects.requireNonNull(dane, "dane");
    }

    /**
     * What an MTA-STS policy in testing mode would have refused about a session (RFC 8461 5: deliver, and report);
     * the report is a log line and a note in the diagnostic, since TLSRPT (RFC 8460) is not implemented.
     */
    @FunctionalInterface
    interface Audit {
        Audit NONE = (client, host) -> Optional.empty();

        Optional<String> inspect(SmtpClient client, String host);
    }

    /**
     * Whether a failed STARTTLS handshake may be followed by plain text on a later attempt: only at the opportunistic
     * level, where TLS protects against passive listening only and plain text is what a server without STARTTLS gets
     * anyway (RFC 7435 3), and never when DANE governs the host or credentials are sent.
     */
    boolean mayFallBackToPlainText() {
        return policy.tls() == TlsPolicy.MAY && dane.isEmpty() && policy.user() == null;
    }

    /** The same host without STARTTLS, for a host whose handshake failed recently ({@link #mayFallBackToPlainText}). */
    HostTls plainText() {
        return new HostTls(SmtpTransport.Policy.of(TlsPolicy.NONE), audit, dane);
    }

    /** A configured server's (smarthost, route): its policy alone. */
    static HostTls of(SmtpTransport.Policy policy) {
        return new HostTls(policy, Audit.NONE, Optional.empty());
    }

    /**
     * What {@code target}, an MX host, gets under {@code requirement}.
     *
     * @throws TlsFailure when the requirement refuses the host before any connection: not listed by an enforced
     *                    MTA-STS policy, TLSA records that could not be had, no usable TLSA records under
     *                    {@code dane-only}
     */
    static HostTls forMx(DomainTls.Requirement requirement, Target target, Trust trust) throws TlsFailure {
        return switch (requirement) {
            case DomainTls.Requirement.Level level -> of(SmtpTransport.Policy.of(level.level()));
            case DomainTls.Requirement.Sts sts -> sts(sts, target.host(), trust);
            case DomainTls.Requirement.Dane dane -> dane(dane, target, trust);
        };
    }

    private static HostTls sts(DomainTls.Requirement.Sts sts, String host, Trust trust) throws TlsFailure {
        SmtpTransport.Policy policy = SmtpTransport.Policy.of(sts.enforced() ? TlsPolicy.VERIFY : sts.fallback());
        if (!sts.policy().allows(host)) {
            String reason = host + " is not an MX host that the MTA-STS policy of " + sts.domain() + " lists";
            if (sts.enforced()) {
                throw new TlsFailure(TlsFailure.NOT_AUTHENTICATED, reason);
            }
            return new HostTls(policy, (client, name) -> Optional.of(reason), Optional.empty());
        }
        if (!sts.enforced()) {
            return new HostTls(policy, (client, name) -> client.tlsSession() == null
                    ? Optional.of(name + " offers no STARTTLS") : trust.problem(client.tlsSession(), name),
                    Optional.empty());
        }
        return of(policy);
    }

    /** RFC 7672 2.2: each host as its TLSA records say; one they say nothing about as the domain without DANE. */
    private static HostTls dane(DomainTls.Requirement.Dane dane, Target target, Trust trust) throws TlsFailure {
        DaneVerdict verdict = dane.verdicts().getOrDefault(target.host(),
                new DaneVerdict.NotApplicable("no DANE verdict for " + target.host()));
        return switch (verdict) {
            case DaneVerdict.HostUnusable unusable -> throw TlsFailure.dane(target.host() + ": " + unusable.reason());
            case DaneVerdict.NotApplicable none -> {
                if (dane.otherHosts().isEmpty()) {
                    throw TlsFailure.dane(target.host() + ": " + none.reason() + ", and " + dane.origin()
                            + " sends only where TLSA records authenticate the server");
                }
                yield forMx(dane.otherHosts().get(), target, trust);
            }
            case DaneVerdict.Authenticate authenticate -> new HostTls(SmtpTransport.Policy.of(TlsPolicy.DANE_ONLY),
                    Audit.NONE, Optional.of(authenticate));
            case DaneVerdict.EncryptOnly encrypt -> new HostTls(SmtpTransport.Policy.of(TlsPolicy.DANE_ONLY),
                    Audit.NONE, Optional.of(encrypt));
        };
    }

    /**
     * Why no session may be opened at all: a DANE level without DANE's verdict, which happens when this server has no
     * DANE verifier, or for a route's host under {@code dane-only} (not an MX host: no TLSA records to check).
     */
    Optional<TlsFailure> refusal(String host, boolean verifier) {
        if (!policy.tls().dane() || dane.isPresent()) {
            return Optional.empty();
        }
        return Optional.of(TlsFailure.dane(verifier
                ? "DANE is required for " + host + ", which is not an MX host whose TLSA records could be checked"
                : "DANE is required for " + host + " but this server has no DANE verifier"));
    }

    /** Sessions are kept per host TLS: one checked against some TLSA records serves only those records. */
    String key() {
        return policy + (audit == Audit.NONE ? "" : "|audit") + switch (dane.orElse(null)) {
            case DaneVerdict.Authenticate authenticate -> "|dane " + authenticate.records();
            case DaneVerdict.EncryptOnly encrypt -> "|dane-encrypt";
            case null, default -> "";
        };
    }

    /** What the diagnostic adds to the TLS protocol: {@code ", tls=dane"} for a server DANE authenticated. */
    String security() {
        return dane.filter(DaneVerdict.Authenticate.class::isInstance).isPresent() ? ", tls=dane" : "";
    }

    /**
     * STARTTLS as the policy says; what it requires and does not get is a {@link TlsFailure}, and the caller closes
     * the connection.
     *
     * @return whether the session is now under TLS
     */
    boolean startTls(SmtpClient client, String host, Trust trust, SSLContext opportunistic) throws IOException {
        if (dane.isPresent()) {
            return daneTls(client, host, dane.get(), opportunistic);
        }
        boolean tls = switch (policy.tls()) {
            case NONE -> false;
            case MAY, DANE -> client.startTls(opportunistic, host, false);
            case ENCRYPT -> required(client, host, opportunistic);
            case VERIFY -> {
                boolean started = required(client, host, opportunistic);
                if (started) {
                    Optional<String> problem = trust.problem(client.tlsSession(), host);
                    if (problem.isPresent()) {
                        throw new TlsFailure(TlsFailure.NOT_AUTHENTICATED, problem.get());
                    }
                }
                yield started;
            }
            case DANE_ONLY -> throw refusal(host, true).orElseThrow();
        };
        if (!tls && policy.tls().requiresTls()) {
            throw new TlsFailure(TlsFailure.NOT_OFFERED, "TLS is required (" + policy.tls().configName() + ") but "
                    + host + " does not offer or refused STARTTLS");
        }
        return tls;
    }

    /**
     * STARTTLS where the policy requires TLS: a failed handshake is a {@link TlsFailure}. The certificate is not
     * checked here (the opportunistic context takes any); {@code verify} checks it from the session afterwards.
     */
    private boolean required(SmtpClient client, String host, SSLContext opportunistic) throws IOException {
        try {
            return client.startTls(opportunistic, host, false);
        } catch (SSLException e) {
            throw new TlsFailure(TlsFailure.NOT_AUTHENTICATED, "TLS handshake with " + host + " failed ("
                    + policy.tls().configName() + "): " + Printable.of(e.getMessage()), e);
        }
    }

    /**
     * DANE (RFC 7672 2.2, 3): STARTTLS is mandatory, and with usable TLSA records the certificate must match one (the
     * verdict's context checks it during the handshake); SNI names the MX host (RFC 7672 8.1).
     */
    private static boolean daneTls(SmtpClient client, String host, DaneVerdict verdict, SSLContext opportunistic)
            throws IOException {
        boolean tls;
        try {
            tls = client.startTls(verdict instanceof DaneVerdict.Authenticate authenticate ? authenticate.context()
                    : opportunistic, host, false);
        } catch (SSLException e) {
            throw TlsFailure.dane("TLS handshake failed: " + handshakeReason(e), e);
        }
        if (!tls) {
            throw TlsFailure.dane("STARTTLS is required (TLSA records published for " + host
                    + ") but not offered or refused");
        }
        return true;
    }

    /** The trust manager's own words when it refused the certificate, else the handshake's; printable either way. */
    private static String handshakeReason(SSLException e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof CertificateException) {
                return Printable.of(cause.getMessage());
            }
        }
        return Printable.of(e.getMessage());
    }
}
