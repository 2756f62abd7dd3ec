package dev.posthorn.mta.reports;

import dev.posthorn.mailauth.dns.DnsClient;
import dev.posthorn.mta.sts.HttpsClients;
import dev.posthorn.mta.tls.Trust;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.http.io.entity.EntityUtils;

/**
 * Posts TLS reports (RFC 8460 5.3.2): {@code Content-Type: application/tlsrpt+gzip}, any 2xx is success; through
 * {@link HttpsClients} (Posthorn's DNS, the outbound CAs, no redirects). The answer's body is read and dropped, up
 * to the client's timeouts.
 */
public final class HttpsReportPoster implements ReportPoster, AutoCloseable {

    private static final ContentType TLSRPT_GZIP = ContentType.create("application/tlsrpt+gzip");

    private final CloseableHttpClient client;

    public HttpsReportPoster(DnsClient dns, Trust trust, Duration timeout) {
        this.client = HttpsClients.create(dns, trust, timeout, "Posthorn TLS reports");
    }

    @Override
    public void post(URI uri, byte[] gzipped) throws IOException {
        HttpPost post = new HttpPost(uri);
        post.setEntity(new ByteArrayEntity(gzipped, TLSRPT_GZIP));
        int status = client.execute(post, response -> {
            EntityUtils.consume(response.getEntity());
            return response.getCode();
        });
        if (status / 100 != 2) {
            throw new IOException("HTTP status " + status);
        }
    }

    @Override
    public void close() throws IOException {
        client.close();
    }
}
