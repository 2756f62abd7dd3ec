package dev.posthorn.mta.sts;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;

/**
 * An HTTPS server for MTA-STS tests (the JDK's {@code HttpsServer} on a loopback address): it answers
 * {@code /.well-known/mta-sts.txt} with whatever the test sets, and counts the requests.
 */
public final class PolicyServer implements AutoCloseable {

    private final HttpsServer server;
    private final AtomicInteger requests = new AtomicInteger();
    private volatile int status = 200;
    private volatile String contentType = "text/plain; charset=utf-8";
    private volatile String body = "";
    private volatile String location;

    private PolicyServer(HttpsServer server) {
        this.server = server;
    }

    /** Starts on {@code address}, port chosen by the system, with {@code tls}'s certificate. */
    public static PolicyServer start(String address, SSLContext tls) throws IOException {
        HttpsServer server = HttpsServer.create(new InetSocketAddress(address, 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(tls));
        PolicyServer policy = new PolicyServer(server);
        server.createContext(PolicyFetcher.PATH, exchange -> {
            policy.requests.incrementAndGet();
            byte[] bytes = policy.body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", policy.contentType);
            if (policy.location != null) {
                exchange.getResponseHeaders().set("Location", policy.location);
            }
            exchange.sendResponseHeaders(policy.status, bytes.length == 0 ? -1 : bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        });
        server.start();
        return policy;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public int requests() {
        return requests.get();
    }

    public PolicyServer serve(String policy) {
        this.body = policy;
        return this;
    }

    public PolicyServer contentType(String type) {
        this.contentType = type;
        return this;
    }

    public PolicyServer redirect(String to) {
        this.status = 302;
        this.location = to;
        return this;
    }

    /** A policy in {@code mode} for the {@code mx} patterns, cached for a day. */
    public static String policy(String mode, String... mx) {
        StringBuilder text = new StringBuilder("version: STSv1\nmode: ").append(mode).append('\n');
        for (String pattern : mx) {
            text.append("mx: ").append(pattern).append('\n');
        }
        return text.append("max_age: 86400\n").toString();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
