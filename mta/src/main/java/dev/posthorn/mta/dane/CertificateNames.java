package dev.posthorn.mta.dane;

import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;

/**
 * The DNS names a server certificate is for, and whether one of the names a DANE client expects is among them
 * (RFC 7672 3.2.3, with RFC 6125 6.4): the subjectAltName dNSName entries, or the subject's common name only when
 * there is no dNSName at all; names compared without regard to ASCII case and a trailing dot; a wildcard only as the
 * whole leftmost label, standing for exactly one label ({@code *.example.com} covers {@code mx.example.com}, neither
 * {@code example.com} nor {@code a.mx.example.com}).
 */
final class CertificateNames {

    /** RFC 5280 4.2.1.6: GeneralName choice 2 is dNSName. */
    private static final int DNS_NAME = 2;

    private CertificateNames() {
    }

    /** The certificate's DNS names as written in it, lower case. */
    static List<String> of(X509Certificate certificate) {
        List<String> names = new ArrayList<>();
        try {
            Collection<List<?>> alternatives = certificate.getSubjectAlternativeNames();
            if (alternatives != null) {
                for (List<?> entry : alternatives) {
                    if (entry.size() >= 2 && entry.get(0) instanceof Integer type && type == DNS_NAME
                            && entry.get(1) instanceof String name) {
                        names.add(normal(name));
                    }
                }
            }
        } catch (CertificateParsingException e) {
            return List.of();   // an unparsable extension names nothing
        }
        if (names.isEmpty()) {
            commonName(certificate).ifPresent(cn -> names.add(normal(cn)));
        }
        return names;
    }

    /** Whether {@code certificate} is for one of {@code references} (host names, ASCII). */
    static boolean matchAny(X509Certificate certificate, List<String> references) {
        List<String> presented = of(certificate);
        return references.stream().map(CertificateNames::normal)
                .anyMatch(reference -> presented.stream().anyMatch(name -> matches(name, reference)));
    }

    static boolean matches(String presented, String reference) {
        if (presented.isEmpty() || reference.isEmpty()) {
            return false;
        }
        if (!presented.startsWith("*.")) {
            return presented.equals(reference);
        }
        String rest = presented.substring(1);   // ".example.com"
        int dot = reference.indexOf('.');
        // Exactly one label for the '*', and at least two labels after it: no '*.com'.
        return dot > 0 && reference.substring(dot).equals(rest) && rest.indexOf('.', 1) > 0;
    }

    private static String normal(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return lower.endsWith(".") ? lower.substring(0, lower.length() - 1) : lower;
    }

    private static java.util.Optional<String> commonName(X509Certificate certificate) {
        try {
            LdapName subject = new LdapName(certificate.getSubjectX500Principal().getName());
            for (Rdn rdn : subject.getRdns()) {
                if (rdn.getType().equalsIgnoreCase("CN") && rdn.getValue() instanceof String cn) {
                    return java.util.Optional.of(cn);
                }
            }
        } catch (InvalidNameException e) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.empty();
    }
}
