package dev.posthorn.mta.delivery;

import dev.posthorn.mta.dns.Target;
import dev.posthorn.mta.sts.StsPolicy;
import dev.posthorn.mta.tls.TlsPolicy;
import dev.posthorn.smtp.client.SmtpClient;
import java.util.Optional;

/**
 * The next hop of a message sent with REQUIRETLS (RFC 8689 4.2.1), in the order the RFC gives:
 * <ol>
 *   <li>the MX host's name is validated: the MX records were DNSSEC-signed (a secure {@link Target}, or DANE's
 *       verdict on the host), or the domain's MTA-STS policy lists the host (RFC 8461 4.1). A configured relay or
 *       route is named by the operator, not looked up, so its name needs no validation;</li>
 *   <li>TLS with the certificate authenticated: by DANE (RFC 7672) where TLSA records authenticate the host, else
 *       PKIX against the trusted CAs for the MX (or relay) host name ({@code verify}, RFC 6125);</li>
 *   <li>the EHLO reply after TLS advertises REQUIRETLS, and MAIL FROM carries the option again.</li>
 * </ol>
 * A host that fails a step is a {@link TlsFailure} with status {@value #STATUS}: it gets nothing, the next is
 * tried, and when none qualifies the recipients are deferred. RFC 8689 4.2.1 says such a message is not sent to a
 * host that does not qualify and the sender gets a non-delivery report, but not that the failure is final at the
 * first attempt: a missing REQUIRETLS, a lapsed MTA-STS policy or a certificate being renewed are often fixed within
 * hours, so the message waits like any other deferred one, and when the queue gives up it fails with
 * {@code 5.7.30} "REQUIRETLS support required" (RFC 8689 6 registers the code; see the queue runner's expiry).
 */
final class RequireTls {

    /** The deferral's status: the class-4 form of RFC 8689's 5.7.30 "REQUIRETLS support required". */
    static final String STATUS = "4.7.30";

    private RequireTls() {
    }

    /**
     * What {@code target}, an MX host under {@code requirement}, gets for a REQUIRETLS message, given {@code usual},
     * what it gets for other mail.
     *
     * @throws TlsFailure when the host's name cannot be validated, or DANE governs it without authenticating
     */
    static HostTls forMx(DomainTls.Requirement requirement, Target target, HostTls usual) throws TlsFailure {
        Optional<DaneVerdict> dane = usual.dane();
        if (dane.isPresent()) {
            if (dane.get() instanceof DaneVerdict.Authenticate) {
                return usual; // secure MX, address and TLSA records; the handshake checks the certificate
            }
            throw refused(target.host() + ": its TLSA records authenticate no certificate");
        }
        if (!target.secure() && !listedBySts(requirement, target.host())) {
            throw refused("the MX host name " + target.host() + " is validated neither by DNSSEC nor by an MTA-STS"
                    + " policy");
        }
        return HostTls.of(SmtpTransport.Policy.of(TlsPolicy.VERIFY));
    }

    /** A relay's or route's host for a REQUIRETLS message: its credentials, and the certificate verified. */
    static HostTls forRelay(SmtpTransport.Policy policy) {
        return HostTls.of(new SmtpTransport.Policy(TlsPolicy.VERIFY, policy.user(), policy.password()));
    }

    /** After STARTTLS (and the EHLO that follows it): whether the session is under TLS and REQUIRETLS advertised. */
    static boolean satisfied(SmtpClient client) {
        return client.tlsSession() != null && client.capabilities().supports("REQUIRETLS");
    }

    /** Why a session that is not {@link #satisfied} gets nothing. */
    static TlsFailure refusal(SmtpClient client, String host) {
        return refused(client.tlsSession() == null ? host + " gave no TLS session"
                : host + " does not advertise REQUIRETLS after STARTTLS");
    }

    /** Whether the domain's MTA-STS policy (enforce or testing, possibly behind DANE) lists {@code host}. */
    private static boolean listedBySts(DomainTls.Requirement requirement, String host) {
        return switch (requirement) {
            case DomainTls.Requirement.Sts sts -> sts.policy().mode() != StsPolicy.Mode.NONE
                    && sts.policy().allows(host);
            case DomainTls.Requirement.Dane dane -> dane.otherHosts().map(r -> listedBySts(r, host)).orElse(false);
            case DomainTls.Requirement.Level level -> false;
        };
    }

    private static TlsFailure refused(String reason) {
        return new TlsFailure(STATUS, "REQUIRETLS: " + reason + " (RFC 8689 4.2.1)");
    }
}
