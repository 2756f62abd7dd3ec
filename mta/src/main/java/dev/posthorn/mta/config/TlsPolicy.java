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
    /**
     * STARTTLS required and the certificate checked: its chain against the trusted CAs ({@code outbound.ca_file}, else
     * the JDK's trust store; PKIX, RFC 5280) and its subjectAltName DNS names against the server's host name (RFC 6125
     * 6.4 as RFC 7817 3 applies it to SMTP: a wildcard only as the whole left-most label).
     */
    VERIFY("verify"),
    /**
     * STARTTLS required and the server authenticated by its DNSSEC-signed TLSA records (RFC 7672). Only for single
     * domains ({@code outbound.tls_policy}), never as a default: it is Postfix's "dane-only", so a domain without
     * usable TLSA records gets no mail. The DANE mechanics live outside the transport; without them, a domain at
     * this level is deferred (4.7.5).
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
        return this == ENCRYPT || this == VERIFY || this == DANE;
    }

    /** The policy with this exact configuration name. */
    public static Optional<TlsPolicy> named(String name) {
        return Arrays.stream(values()).filter(p -> p.configName.equals(name)).findFirst();
    }

    /**
     * The policy named {@code name}, for one domain ({@code outbound.tls_policy}): any of the five.
     *
     * @throws IllegalArgumentException naming the five policies, for anything else
     */
    static TlsPolicy parse(String name) {
        return named(name).orElseThrow(() -> new IllegalArgumentException(
                "expected none, may, encrypt, verify or dane, got " + name));
    }

    /**
     * The policy named {@code name} where it applies to many domains or to a smarthost ({@code outbound.tls},
     * {@code relay.tls}): not {@link #DANE}, which would refuse mail to every domain without TLSA records.
     *
     * @throws IllegalArgumentException for dane or anything but the four other names
     */
    static TlsPolicy parseDefault(String name) {
        if (DANE.configName.equals(name)) {
            throw new IllegalArgumentException("dane is set for single domains, in outbound.tls_policy");
        }
        return named(name).orElseThrow(() -> new IllegalArgumentException(
                "expected none, may, encrypt or verify, got " + name));
    }
}
