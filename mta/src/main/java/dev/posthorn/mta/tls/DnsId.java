package dev.posthorn.mta.tls;

import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

/**
 * Matching a presented DNS name (a certificate's subjectAltName dNSName, an MTA-STS policy's {@code mx} pattern)
 * against the host name a client meant to reach, by the one rule both RFC 7817 3 (certificates of SMTP servers,
 * from RFC 6125 6.4.3) and RFC 8461 4.1 (MX patterns) use: labels compare without regard to ASCII case, and a
 * wildcard is allowed only as the complete left-most label, {@code *.example.com}, where it stands for exactly one
 * label: it matches {@code mail.example.com}, not {@code example.com} and not {@code a.b.example.com}. Partial
 * wildcards ({@code m*.example.com}), wildcards elsewhere and a bare {@code *} match nothing.
 *
 * <p>Names are compared in their ASCII form (A-labels, RFC 5890): an internationalised MX host arrives from DNS
 * that way, and certificates carry it that way.
 */
public final class DnsId {

    /** subjectAltName type 2, dNSName (RFC 5280 4.2.1.6). */
    private static final int DNS_NAME = 2;

    private DnsId() {
    }

    /** Whether the presented name (or pattern) {@code presented} covers the host {@code reference}. */
    public static boolean matches(String presented, String reference) {
        String name = trim(presented);
        String host = trim(reference);
        if (name.isEmpty() || host.isEmpty()) {
            return false;
        }
        if (name.startsWith("*.")) {
            String rest = name.substring(2);
            int dot = host.indexOf('.');
            // The wildcard is one whole, non-empty label, and the rest has a dot of its own (no "*.com").
            return dot > 0 && rest.indexOf('.') > 0 && !rest.contains("*") && host.substring(dot + 1).equals(rest);
        }
        return !name.contains("*") && name.equals(host);
    }

    /** The dNSName entries of the certificate's subjectAltName; empty when it has none. */
    public static List<String> names(X509Certificate certificate) {
        List<String> names = new ArrayList<>();
        try {
            Collection<List<?>> entries = certificate.getSubjectAlternativeNames();
            if (entries != null) {
                for (List<?> entry : entries) {
                    if (entry.size() >= 2 && entry.get(0) instanceof Integer type && type == DNS_NAME
                            && entry.get(1) instanceof String name) {
                        names.add(name);
                    }
                }
            }
        } catch (CertificateParsingException e) {
            return List.of();   // a malformed extension names nobody
        }
        return names;
    }

    /**
     * Whether the certificate is valid for {@code host}: one of its subjectAltName DNS names matches. The subject's
     * common name is never used: RFC 8461 4.2 asks for a subjectAltName, and CAs have issued one in every
     * certificate for a decade (RFC 6125 6.4.4 allows the common name only where there is none).
     */
    public static boolean certifies(X509Certificate certificate, String host) {
        return names(certificate).stream().anyMatch(name -> matches(name, host));
    }

    private static String trim(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return lower.endsWith(".") ? lower.substring(0, lower.length() - 1) : lower;
    }
}
