package dev.posthorn.mta.sts;

import dev.posthorn.mailauth.dns.Answer;
import dev.posthorn.mailauth.dns.DnsClient;
import dev.posthorn.mta.tls.Trust;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.hc.client5.http.DnsResolver;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.client5.http.ssl.ClientTlsStrategyBuilder;
import org.apache.hc.client5.http.ssl.HostnameVerificationPolicy;
import org.apache.hc.core5.http.ssl.TLS;
import org.apache.hc.core5.util.Timeout;

/**
 * The HTTPS client of Posthorn's own requests (MTA-STS policies, TLS reports), Apache HttpClient 5: host names
 * resolve through Posthorn's DNS ({@link DnsClient}, never the JVM's resolver), the certificate must chain to
 * {@link Trust}'s CAs and name the host (the JDK's endpoint check), TLS 1.2 or 1.3, no redirects, no retries, no
 * cookies, no compression; the connect and each read have {@code timeout}.
 */
public final class HttpsClients {

    private HttpsClients() {
    }

    public static CloseableHttpClient create(DnsClient dns, Trust trust, Duration timeout, String userAgent) {
        Timeout each = Timeout.of(timeout.toMillis(), TimeUnit.MILLISECONDS);
        DnsResolver resolver = new DnsResolver() {
            @Override
            public InetAddress[] resolve(String host) throws UnknownHostException {
                return switch (dns.hostAddresses(host)) {
                    case Answer.Found<InetAddress> found -> found.records().toArray(InetAddress[]::new);
                    case Answer.Failed<InetAddress> failed -> throw new UnknownHostException(host + ": "
                            + failed.reason());
                    default -> throw new UnknownHostException(host + " has no address");
                };
            }

            @Override
            public String resolveCanonicalHostname(String host) {
                return host;   // no reverse lookups: the name asked for is the name checked
            }
        };
        return HttpClients.custom()
                .setConnectionManager(PoolingHttpClientConnectionManagerBuilder.create()
                        .setDnsResolver(resolver)
                        .setTlsSocketStrategy(ClientTlsStrategyBuilder.create()
                                .setSslContext(trust.context())
                                .setTlsVersions(TLS.V_1_3, TLS.V_1_2)
                                .setHostVerificationPolicy(HostnameVerificationPolicy.BUILTIN)
                                .buildClassic())
                        .setDefaultConnectionConfig(ConnectionConfig.custom().setConnectTimeout(each)
                                .setSocketTimeout(each).build())
                        .setMaxConnTotal(16)
                        .build())
                .setDefaultRequestConfig(RequestConfig.custom().setRedirectsEnabled(false)
                        .setResponseTimeout(each).setConnectionRequestTimeout(each).build())
                .disableRedirectHandling()
                .disableAutomaticRetries()
                .disableCookieManagement()
                .disableAuthCaching()
                .disableContentCompression()
                .setUserAgent(userAgent)
                .build();
    }
}
