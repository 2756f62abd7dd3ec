package dev.posthorn.mta.config;

import java.util.Arrays;
import java.util.Optional;

/**
 * Whether and how outbound connections use STARTTLS (RFC 3207), named as in Postfix's {@code smtp_tls_security_level}.
 */
public enum TlsPolicy {
    /** Never STARTTLS: for a server on loopback or a private link that offers none. */
    NONE("none"),
    /**
     * STARTTLS when offered, the certificate not checked, plain text when not offered or when the handshake fails:
     * opportunistic TLS (RFC 7435), which protects against passive listening, not an active attacker. What MX hosts
     * on the Internet get.
     */
    MAY("may"),
    /** STARTTLS required, the certificate not checked: no message or credential goes out in clear text. */
    ENCRYPT("encrypt"),
    /** STARTTLS required and the certificate checked against the host name (PKIX, RFC 6125). */
    VERIFY("verify"),
    /**
     * DANE for SMTP (RFC 7672): towards an MX host whose DNSSEC-signed zone publishes TLSA records, STARTTLS is
     * required and the certificate must match them; towards other hosts, as {@link #MAY}. For a smarthost or route
     * (a configured host, not an MX host) also as {@link #MAY}.
     */
    DANE("dane");

    private final String configName;

    TlsPolicy(String configName) {
        this.configName = configName;
    }

    /** The name used in the configuration file. */
    public String configName() {
        return configName;
    }

    /** Whether a connection without TLS is refused: AUTH credentials may only travel under such a policy. */
    public boolean requiresTls() {
        return this == ENCRYPT || this == VERIFY;
    }

    /** The policy with this exact configuration name. */
    public static Optional<TlsPolicy> named(String name) {
        return Arrays.stream(values()).filter(p -> p.configName.equals(name)).findFirst();
    }

    /**
     * The policy named {@code name}.
     *
     * @throws IllegalArgumentException naming the policies, for anything else
     */
    static TlsPolicy parse(String name) {
        return named(name).orElseThrow(() -> new IllegalArgumentException(
                "expected none, may, encrypt, verify or dane, got " + name));
    }
}
