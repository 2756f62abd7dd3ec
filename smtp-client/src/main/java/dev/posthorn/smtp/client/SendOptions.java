package dev.posthorn.smtp.client;

import java.security.NoSuchAlgorithmException;
import java.util.Objects;
import javax.net.ssl.SSLContext;

/**
 * How {@link SmtpClient#send(String, int, String, java.util.List, java.io.InputStream, long, SendOptions) the
 * one-call send} treats TLS, what it says in EHLO and how long it waits.
 *
 * <p>The simple calls without options use {@link #opportunistic()}: STARTTLS whenever the server offers it, any
 * certificate accepted, plaintext when it is not offered. That suits a local development server with a generated
 * certificate and is what MTAs do between themselves (RFC 7435): it keeps a passive listener out, but does not
 * prove who the server is. No credentials are ever sent by the one-call send, so nothing is given away to a server
 * that is not the one meant. To know the server, use {@link #verifiedTls()} (the JDK's trusted authorities and a
 * host name check, RFC 6125) or {@link #verifiedTls(SSLContext)} with a context that trusts your own authority;
 * both refuse to send without TLS.
 *
 * @param tls       when STARTTLS is used
 * @param context   the TLS context: its trust managers decide which certificates are accepted
 * @param verifyName whether the certificate must name the host the client connected to (RFC 6125)
 * @param helloName the name sent in EHLO (or HELO)
 * @param timeouts  the deadline for each step
 */
public record SendOptions(Tls tls, SSLContext context, boolean verifyName, String helloName,
                          ClientTimeouts timeouts) {

    /** When STARTTLS (RFC 3207) is used. */
    public enum Tls {
        /** Never, even when offered (a server whose TLS is known to be broken). */
        NONE,
        /** When the server offers it; plaintext otherwise, and when the server refuses STARTTLS. */
        OPPORTUNISTIC,
        /** Always: a server that does not offer it gets QUIT and the send fails before MAIL. */
        REQUIRED
    }

    public SendOptions {
        Objects.requireNonNull(tls, "tls");
        Objects.requireNonNull(context, "context");
        Objects.requireNonNull(helloName, "helloName");
        Objects.requireNonNull(timeouts, "timeouts");
        if (helloName.isBlank() || helloName.chars().anyMatch(c -> c <= ' ' || c == 0x7f)) {
            throw new IllegalArgumentException("helloName must be a domain or address literal");
        }
    }

    /**
     * STARTTLS when offered, any certificate, EHLO {@code localhost}, RFC 5321's deadlines: what the calls without
     * options use (see the class comment for what this does and does not protect).
     */
    public static SendOptions opportunistic() {
        return new SendOptions(Tls.OPPORTUNISTIC, OpportunisticTls.context(), false, "localhost",
                ClientTimeouts.RFC_5321);
    }

    /** STARTTLS required, the certificate checked against the JDK's trusted authorities and for the host's name. */
    public static SendOptions verifiedTls() {
        try {
            return verifiedTls(SSLContext.getDefault());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("no TLS in this JVM", e);
        }
    }

    /** STARTTLS required, the certificate checked by {@code context}'s trust managers and for the host's name. */
    public static SendOptions verifiedTls(SSLContext context) {
        return new SendOptions(Tls.REQUIRED, context, true, "localhost", ClientTimeouts.RFC_5321);
    }

    /** Never STARTTLS. */
    public static SendOptions plaintext() {
        return opportunistic().withTls(Tls.NONE);
    }

    public SendOptions withTls(Tls newTls) {
        return new SendOptions(newTls, context, verifyName, helloName, timeouts);
    }

    /** The name for EHLO: the sending host's domain name or an address literal such as {@code [192.0.2.1]}. */
    public SendOptions withHelloName(String newHelloName) {
        return new SendOptions(tls, context, verifyName, newHelloName, timeouts);
    }

    public SendOptions withTimeouts(ClientTimeouts newTimeouts) {
        return new SendOptions(tls, context, verifyName, helloName, newTimeouts);
    }
}
