package dev.posthorn.smtp.client;

import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * The TLS context for opportunistic STARTTLS between MTAs (RFC 7435, RFC 3207 4.1): encryption whenever the peer
 * offers it, accepting any certificate, because most MX hosts' certificates cannot be checked against anything a
 * sender knows, and refusing them would only push the mail back to plaintext. Policies that authenticate the peer
 * (MTA-STS, DANE, a configured "verify") use a checking context instead.
 */
public final class OpportunisticTls {

    private OpportunisticTls() {
    }

    /** A new context that accepts any server certificate: pass it to {@link SmtpClient#startTls}. */
    public static SSLContext context() {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {new X509TrustManager() {
                @Override
                public void checkClientTrusted(X509Certificate[] chain, String authType) {
                    throw new UnsupportedOperationException("client side only");
                }

                @Override
                public void checkServerTrusted(X509Certificate[] chain, String authType) {
                    // Opportunistic: any certificate will do (see the class comment).
                }

                @Override
                public X509Certificate[] getAcceptedIssuers() {
                    return new X509Certificate[0];
                }
            }}, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("no TLS in this JVM", e);
        }
    }
}
