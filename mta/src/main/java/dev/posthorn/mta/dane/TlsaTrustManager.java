package dev.posthorn.mta.dane;

import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.cert.CertPath;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Checks a server's certificate chain against its TLSA records (RFC 6698, RFC 7671, for SMTP RFC 7672 3):
 * <ul>
 *   <li>DANE-EE (3): the server's own certificate (selector Cert) or public key (SPKI) matches. Nothing else is
 *       checked: not the names, not the dates, not who issued it (RFC 7672 3.1.1), since the DNSSEC-signed record
 *       itself is the authentication.</li>
 *   <li>DANE-TA (2): a certificate of the presented chain matches, the chain from the server's certificate up to it
 *       is valid by PKIX (RFC 5280 6) with that certificate as the only trust anchor (dates checked, revocation not),
 *       and the server's certificate names one of the reference identifiers (RFC 7672 3.2.3): the TLSA base domain,
 *       and the recipient's domain.</li>
 * </ul>
 * One matching record is enough (RFC 6698 2.1: the records of an RRset are alternatives). The trust anchor must be
 * in the chain the server sends, as RFC 7672 3.1.2 requires of servers; a bare public key not sent is not looked
 * for.
 *
 * <p>An {@link X509ExtendedTrustManager} so that the JDK adds no checks of its own (host name, algorithm policy) on
 * top of these: DANE decides alone. Client side only.
 */
final class TlsaTrustManager extends X509ExtendedTrustManager {

    private final List<Tlsa> records;
    private final List<String> names;
    private final Clock clock;

    /**
     * @param records usable TLSA records, at least one
     * @param names   the reference identifiers for DANE-TA, first the host connected to
     */
    TlsaTrustManager(List<Tlsa> records, List<String> names, Clock clock) {
        this.records = List.copyOf(records);
        this.names = List.copyOf(names);
        this.clock = clock;
        if (this.records.isEmpty() || this.names.isEmpty()) {
            throw new IllegalArgumentException("at least one TLSA record and one name");
        }
    }

    /** Verifies {@code chain} (the server's certificate first); the exception says why it does not match. */
    void verify(X509Certificate[] chain) throws CertificateException {
        if (chain == null || chain.length == 0) {
            throw new CertificateException("DANE: the server sent no certificate");
        }
        List<String> problems = new ArrayList<>();
        for (Tlsa record : records) {
            if (record.usage() == Tlsa.Usage.DANE_EE && record.matches(chain[0])) {
                return;
            }
        }
        for (Tlsa record : records) {
            if (record.usage() != Tlsa.Usage.DANE_TA) {
                continue;
            }
            for (int i = 0; i < chain.length; i++) {
                if (record.matches(chain[i])) {
                    try {
                        issuedUnder(chain, i);
                        named(chain[0]);
                        return;
                    } catch (CertificateException e) {
                        problems.add("TLSA " + record + " matches certificate " + i + " but " + e.getMessage());
                    }
                }
            }
        }
        if (problems.isEmpty()) {
            problems.add("no TLSA record matches the certificate chain (the server's key is "
                    + presented(chain[0]) + ")");
        }
        throw new CertificateException("DANE: " + String.join("; ", problems));
    }

    /** PKIX from {@code chain[0]} up to {@code chain[anchor]}, which is trusted; dates checked at the clock's now. */
    private void issuedUnder(X509Certificate[] chain, int anchor) throws CertificateException {
        Date now = Date.from(clock.instant());
        if (anchor == 0) {
            chain[0].checkValidity(now);   // the server's certificate is its own trust anchor
            return;
        }
        try {
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            CertPath path = factory.generateCertPath(Arrays.asList(chain).subList(0, anchor));
            PKIXParameters parameters = new PKIXParameters(Set.of(new TrustAnchor(chain[anchor], null)));
            parameters.setRevocationEnabled(false);
            parameters.setDate(now);
            CertPathValidator.getInstance("PKIX").validate(path, parameters);
        } catch (CertPathValidatorException e) {
            throw new CertificateException("the chain up to it is not valid: " + e.getMessage(), e);
        } catch (GeneralSecurityException e) {
            throw new CertificateException("the chain cannot be checked: " + e.getMessage(), e);
        }
    }

    private void named(X509Certificate server) throws CertificateException {
        if (!CertificateNames.matchAny(server, names)) {
            throw new CertificateException("the server's certificate is for " + CertificateNames.of(server)
                    + ", none of " + names);
        }
    }

    /** The record DANE-EE SPKI SHA-256 would need, to say in the log what the server presented. */
    private static String presented(X509Certificate certificate) {
        return "3 1 1 " + HexFormat.of().formatHex(
                Tlsa.associationData(certificate, Tlsa.Selector.SPKI, Tlsa.Matching.SHA256));
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        verify(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        verify(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        verify(chain);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        throw new CertificateException("client side only");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        throw new CertificateException("client side only");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        throw new CertificateException("client side only");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[0];
    }
}
