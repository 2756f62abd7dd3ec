package dev.posthorn.junit;

import dev.posthorn.smtp.server.ServerTls;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A self-signed certificate made for one server, with both sides of it: the server's TLS credentials and a client
 * context that trusts exactly this certificate. {@link ServerTls#selfSigned} keeps its certificate to itself, so a
 * client could only trust it by trusting everything; here the client checks the chain and the name (the certificate
 * names 127.0.0.1 and ::1, RFC 5280 4.2.1.6) as it would in production.
 */
record LoopbackCertificate(X509Certificate certificate, ServerTls serverTls, SSLContext clientContext) {

    static LoopbackCertificate generate(String hostname) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(256);
            KeyPair pair = generator.generateKeyPair();
            X509Certificate certificate = ServerTls.selfSignedCertificate(hostname, pair);

            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(null, null);
            char[] password = new char[0];
            keys.setKeyEntry("server", pair.getPrivate(), password, new Certificate[] {certificate});
            KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keyManagers.init(keys, password);
            SSLContext server = SSLContext.getInstance("TLS");
            server.init(keyManagers.getKeyManagers(), null, null);

            KeyStore trusted = KeyStore.getInstance("PKCS12");
            trusted.load(null, null);
            trusted.setCertificateEntry("server", certificate);
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(trusted);
            SSLContext client = SSLContext.getInstance("TLS");
            client.init(null, trust.getTrustManagers(), null);
            return new LoopbackCertificate(certificate, ServerTls.of(server), client);
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot generate a certificate for " + hostname, e);
        }
    }
}
