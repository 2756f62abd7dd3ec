package dev.posthorn.mta.delivery;

import dev.posthorn.mta.dns.Target;
import dev.posthorn.mta.tls.Printable;
import dev.posthorn.mta.tls.TlsPolicy;
import dev.posthorn.mta.tlsrpt.PolicyRef;
import dev.posthorn.mta.tlsrpt.ResultType;
import dev.posthorn.mta.tlsrpt.SessionResult;
import dev.posthorn.mta.tlsrpt.TlsRptObserver;
import java.net.InetAddress;
import java.security.cert.CertificateExpiredException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * What the transport tells TLS reporting (RFC 8460) about each new session to an MX host: the policy it was held to
 * (MTA-STS, DANE's TLSA records, or none) and whether its TLS held, with the failure's kind (4.3). A session reused
 * from the cache was counted when it was made; a host the operator set to {@code none} is not reported on, nor is a
 * plain-text retry after a failed handshake (that failure was counted).
 *
 * <p>The kinds come from this server's own failures: {@link TlsFailure}'s status and the wording of {@link HostTls}
 * and {@code Trust}, which name the certificate problem; what they do not name is {@code validation-failure}.
 */
final class TlsReporting {

    private final TlsRptObserver observer;

    TlsReporting(TlsRptObserver observer) {
        this.observer = observer;
    }

    /** The policy {@code requirement} holds {@code host} to, as a report names it. */
    static PolicyRef policy(DomainTls.Requirement requirement, String host) {
        return switch (requirement) {
            case DomainTls.Requirement.Level level -> PolicyRef.NONE;
            case DomainTls.Requirement.Sts sts -> {
                List<String> lines = new ArrayList<>();
                lines.add("version: STSv1");
                lines.add("mode: " + sts.policy().mode());
                sts.policy().mx().forEach(mx -> lines.add("mx: " + mx));
                lines.add("max_age: " + sts.policy().maxAge().getSeconds());
                yield new PolicyRef(PolicyRef.Type.STS, lines, sts.policy().mx());
            }
            case DomainTls.Requirement.Dane dane -> switch (dane.verdicts().get(host)) {
                case DaneVerdict.Authenticate authenticate -> new PolicyRef(PolicyRef.Type.TLSA,
                        authenticate.records().lines().map(String::strip).filter(l -> !l.isEmpty()).toList(), List.of());
                case null -> new PolicyRef(PolicyRef.Type.TLSA, List.of(), List.of());
                default -> dane.otherHosts().map(other -> policy(other, host))
                        .orElse(new PolicyRef(PolicyRef.Type.TLSA, List.of(), List.of()));
            };
        };
    }

    /** A host the requirement refused before any connection. */
    void refused(String domain, DomainTls.Requirement requirement, Target target, TlsFailure failure) {
        if (observer == TlsRptObserver.NONE) {
            return;   // reports are off: nothing to build
        }
        report(domain, requirement, target.host(), Optional.empty(), Optional.of(failure));
    }

    /** A new session whose TLS was set up as {@code tls} asks ({@code problem}: what failed, if anything). */
    void session(String domain, DomainTls.Requirement requirement, String host, InetAddress address, HostTls tls,
                 boolean encrypted, Optional<Exception> problem) {
        if (observer == TlsRptObserver.NONE || tls.policy().tls() == TlsPolicy.NONE && problem.isEmpty()) {
            return;
        }
        Optional<Exception> failure = problem.isEmpty() && !encrypted
                ? Optional.of(new TlsFailure(TlsFailure.NOT_OFFERED, host + " offers no STARTTLS")) : problem;
        report(domain, requirement, host, Optional.of(address), failure);
    }

    private void report(String domain, DomainTls.Requirement requirement, String host,
                        Optional<InetAddress> address, Optional<Exception> problem) {
        Optional<SessionResult.Failure> failure = problem.map(e -> new SessionResult.Failure(kind(e), host,
                address.map(a -> a.getHostAddress()).orElse(""), Printable.of(String.valueOf(e.getMessage()))));
        try {
            observer.session(new SessionResult(domain, policy(requirement, host), failure));
        } catch (RuntimeException e) {
            // counting must never stop a delivery
        }
    }

    /** RFC 8460 4.3's name for what went wrong. */
    static ResultType kind(Exception e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof CertificateExpiredException) {
                return ResultType.CERTIFICATE_EXPIRED;
            }
        }
        String text = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
        if (e instanceof TlsFailure failure && failure.status().equals(TlsFailure.NOT_OFFERED)
                || text.contains("not offered") || text.contains("offers no starttls")) {
            return ResultType.STARTTLS_NOT_SUPPORTED;
        }
        if (text.contains("sends only where tlsa records authenticate")) {
            return ResultType.DANE_REQUIRED;
        }
        if (text.contains("expired")) {
            return ResultType.CERTIFICATE_EXPIRED;
        }
        if (text.contains("certificate is not for")) {
            return ResultType.CERTIFICATE_HOST_MISMATCH;
        }
        if (text.contains("certificate not trusted") || text.contains("no x.509 certificate")
                || text.contains("sent no certificate")) {
            return ResultType.CERTIFICATE_NOT_TRUSTED;
        }
        return ResultType.VALIDATION_FAILURE;
    }
}
