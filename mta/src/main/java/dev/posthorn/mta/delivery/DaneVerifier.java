package dev.posthorn.mta.delivery;

import dev.posthorn.mta.dns.Target;
import dev.posthorn.smtp.client.SmtpClient;
import java.io.IOException;
import java.util.List;

/**
 * INTEGRATION POINT for DANE (RFC 7672), whose mechanics (a validating resolver, TLSA lookups and matching) live
 * in {@code dev.posthorn.mta.dane}, outside the transport. The transport asks two things and nothing else:
 * <ol>
 *   <li>{@link #usable}: whether the domain's MX hosts have usable TLSA records, in which case DANE applies ahead of
 *       MTA-STS (the precedence in {@link DomainTls});</li>
 *   <li>{@link #secure}: to run STARTTLS on a fresh session and authenticate the server by its TLSA records.</li>
 * </ol>
 * Without an implementation ({@link DomainTls} holds none), a domain configured {@code dane} is deferred with
 * {@code 4.7.5}, and no domain is taken to have usable TLSA records.
 */
public interface DaneVerifier {

    /**
     * Whether DANE applies to mail for {@code domain} sent to {@code targets}: its MX records were DNSSEC-validated
     * and at least one target has usable TLSA records (RFC 7672 2.2).
     */
    boolean usable(String domain, List<Target> targets);

    /**
     * STARTTLS on {@code client}, connected to MX host {@code host}, with the server authenticated by its TLSA
     * records.
     *
     * @throws TlsFailure when TLS is not offered, or the server is not authenticated (the next MX is tried)
     * @throws IOException when the connection fails
     */
    void secure(SmtpClient client, String host) throws IOException;
}
