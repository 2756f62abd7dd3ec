package dev.posthorn.mta.sts;

import dev.posthorn.mailauth.dns.DnsClient;
import dev.posthorn.mta.tls.Printable;
import dev.posthorn.mta.tls.Trust;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpEntity;

/**
 * Fetches a domain's policy body from {@code https://mta-sts.<domain>/.well-known/mta-sts.txt} (RFC 8461 3.3) with
 * Apache HttpClient 5: the host name resolves through Posthorn's DNS ({@link DnsClient}, never the JVM's resolver),
 * the certificate must chain to {@link Trust}'s CAs and name the host (the JDK's HTTPS endpoint check), redirects
 * are refused, the answer must be {@code 200} with {@code Content-Type: text/plain}, and at most
 * {@value #MAX_BODY} octets are read before the body is refused as too large.
 *
 * <p>Every step is bounded: the connect and each read have timeouts, and the whole fetch a deadline (checked
 * between reads, so it can run over by one read timeout at most).
 */
public final class PolicyFetcher implements AutoCloseable {

    /** RFC 8461 3.3: senders may refuse bodies over 64 KiB. */
    public static final int MAX_BODY = 64 * 1024;
    /** The port of the policy host: https, RFC 8461 3.3. */
    public static final int HTTPS_PORT = 443;
    static final String PATH = "/.well-known/mta-sts.txt";

    private final CloseableHttpClient client;
    private final int port;
    private final Duration deadline;

    /**
     * @param dns      resolves {@code mta-sts.<domain>}
     * @param trust    the CAs the policy host's certificate must chain to
     * @param port     443 in production; tests give the port of their HTTPS server
     * @param timeout  for the connect and for each read
     * @param deadline for the whole fetch
     */
    public PolicyFetcher(DnsClient dns, Trust trust, int port, Duration timeout, Duration deadline) {
        this.port = port;
        this.deadline = deadline;
        this.client = HttpsClients.create(dns, trust, timeout, "Posthorn MTA-STS");
    }

    /**
     * The policy body of {@code domain} (a host name in ASCII, lower case).
     *
     * @throws IOException with a printable reason, for anything but a {@code 200 text/plain} of at most
     *                     {@value #MAX_BODY} octets from an authenticated server
     */
    public String fetch(String domain) throws IOException {
        URI uri = URI.create("https://mta-sts." + domain + (port == HTTPS_PORT ? "" : ":" + port) + PATH);
        long end = System.nanoTime() + deadline.toNanos();
        try {
            return client.execute(new HttpGet(uri), response -> body(response, end));
        } catch (IOException e) {
            throw new IOException("fetching " + uri + ": " + Printable.of(e.getMessage()), e);
        }
    }

    private static String body(ClassicHttpResponse response, long end) throws IOException {
        if (response.getCode() != 200) {
            throw new IOException("HTTP status " + response.getCode()
                    + (response.getCode() / 100 == 3 ? " (redirects are not followed, RFC 8461 3.3)" : ""));
        }
        Header type = response.getFirstHeader("Content-Type");
        String mime = type == null ? "" : ContentType.parseLenient(type.getValue()).getMimeType();
        if (!"text/plain".equals(mime.toLowerCase(Locale.ROOT))) {
            throw new IOException("Content-Type is not text/plain (RFC 8461 3.2)");
        }
        HttpEntity entity = response.getEntity();
        if (entity == null) {
            throw new IOException("empty answer");
        }
        if (entity.getContentLength() > MAX_BODY) {
            throw new IOException("policy larger than " + MAX_BODY + " octets");
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        try (InputStream in = entity.getContent()) {
            for (int n; (n = in.read(buffer)) >= 0; ) {
                out.write(buffer, 0, n);
                if (out.size() > MAX_BODY) {
                    throw new IOException("policy larger than " + MAX_BODY + " octets");
                }
                if (System.nanoTime() - end > 0) {
                    throw new IOException("policy fetch took too long");
                }
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws IOException {
        client.close();
    }
}
