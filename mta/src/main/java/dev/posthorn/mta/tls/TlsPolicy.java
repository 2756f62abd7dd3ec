package dev.posthorn.mta.tls;

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
     * Opportunistic DANE (RFC 7672), Postfix's {@code dane}: the MX and address records are validated with DNSSEC;
     * an MX host whose records are secure and whose TLSA records are secure and usable must do STARTTLS with a
     * certificate that matches them; secure TLSA records none of which is usable still make STARTTLS mandatory; a
     * host whose TLSA records cannot be had (SERVFAIL, bogus) is not used. Where DANE finds nothing (unsigned zones, no
     * TLSA records) the domain gets what it would get without DANE: as a domain's own level, {@link #MAY}; as the
     * default, the domain's MTA-STS policy, else {@link #MAY}. Allowed as the default ({@code outbound.tls}) and for
     * single domains; towards a route's host (not an MX host, no TLSA lookup) it is {@link #MAY}.
     */
    DANE("dane"),
    /**
     * Mandatory DANE, Postfix's {@code dane-only}: as {@link #DANE}, but an MX host without secure, usable TLSA
     * records gets no mail (4.7.5). Only for single domains ({@code outbound.tls_policy}): as a default it would
     * refuse mail to every domain that does not publish TLSA records.
     */
    DANE_ONLY("dane-only");

    private final String configName;

    TlsPolicy(String configName) {
        this.configName = configName;
    }

    /** The name used in the configuration file. */
    public String configName() {
        return configName;
    }

    /**
     * Whether a connection without TLS is refused whatever the server: AUTH credentials may only travel under such a
     * policy. Not {@link #DANE}, which sends in clear text to a server that DANE says nothing about.
     */
    public boolean requiresTls() {
        return this == ENCRYPT || this == VERIFY || this == DANE_ONLY;
    }

    /** Whether DANE (RFC 7672) decides, with validated DNS answers: {@link #DANE} or {@link #DANE_ONLY}. */
    public boolean dane() {
        return this == DANE || this == DANE_ONLY;
    }

    /**
     * The policy with this exact configuration name; {@code required} is another name for {@link #ENCRYPT} (STARTTLS
     * required, as in {@code relay: { tls: required }}).
     */
    public static Optional<TlsPolicy> named(String name) {
        if ("required".equals(name)) {
            return Optional.of(ENCRYPT);
        }
        return Arrays.stream(values()).filter(p -> p.configName.equals(name)).findFirst();
    }

    /**
     * The policy named {@code name}, for one domain ({@code outbound.tls_policy}): any of the six.
     *
     * @throws IllegalArgumentException naming the six policies, for anything else
     */
    public static TlsPolicy parse(String name) {
        return named(name).orElseThrow(() -> new IllegalArgumentException(
                "expected none, may, encrypt, verify, dane or dane-only, got " + name));
    }

    /**
     * The policy named {@code name} as the default for MX hosts ({@code outbound.tls}): not {@link #DANE_ONLY}, which
     * would refuse mail to every domain without TLSA records.
     *
     * @throws IllegalArgumentException for dane-only or anything but the five other names
     */
    public static TlsPolicy parseDefault(String name) {
        if (DANE_ONLY.configName.equals(name)) {
            throw new IllegalArgumentException("dane-only is set for single domains, in outbound.tls_policy "
                    + "(dane is the default that authenticates where TLSA records are published)");
        }
        return named(name).orElseThrow(() -> new IllegalArgumentException(
                "expected none, may, encrypt, verify or dane, got " + name));
    }

    /**
     * The policy named {@code name} towards a smarthost ({@code relay.tls}): not DANE, which is about MX hosts
     * (RFC 7672 2.2.1: TLSA records are looked up for the names that secure MX records give).
     *
     * @throws IllegalArgumentException for dane, dane-only or anything but the four other names
     */
    public static TlsPolicy parseRelay(String name) {
        Optional<TlsPolicy> policy = named(name);
        if (policy.filter(TlsPolicy::dane).isPresent()) {
            throw new IllegalArgumentException(name + " applies to MX hosts, not to a smarthost; use verify");
        }
        return policy.orElseThrow(() -> new IllegalArgumentException(
                "expected none, may, encrypt or verify, got " + name));
    }
}
