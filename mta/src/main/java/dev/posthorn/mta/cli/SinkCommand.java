package dev.posthorn.mta.cli;

import dev.posthorn.mta.capture.CaptureSink;
import dev.posthorn.smtp.server.Authenticator;
import dev.posthorn.smtp.server.ServerTls;
import dev.posthorn.smtp.server.SmtpServer;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code posthorn sink}: a capture server that writes every message it receives to a folder. */
@Command(name = "sink", mixinStandardHelpOptions = true,
        description = {"Capture mail for developers and tests: accept any recipient, relay nothing.",
            "Each message goes to DIR/<id>.eml (the bytes as received, with the Received header)",
            "and its envelope to DIR/<id>.json. Stops cleanly on SIGTERM or SIGINT."})
final class SinkCommand implements Callable<Integer> {

    private static final Logger log = LoggerFactory.getLogger(SinkCommand.class);

    @Option(names = "--listen", required = true, paramLabel = "HOST:PORT",
            description = "Address to listen on, e.g. 127.0.0.1:2525 or [::1]:2525.")
    String listen;

    @Option(names = "--dir", required = true, paramLabel = "DIR", description = "Folder for the captured messages.")
    Path dir;

    @Option(names = "--hostname", defaultValue = "localhost", paramLabel = "NAME",
            description = "Name in the greeting and Received header (default: ${DEFAULT-VALUE}).")
    String hostname;

    @Option(names = "--max-size", defaultValue = "26214400", paramLabel = "OCTETS",
            description = "Largest message accepted, advertised as SIZE (default: ${DEFAULT-VALUE}).")
    long maxSize;

    @Option(names = "--tls-self-signed", description = "Offer STARTTLS with a generated self-signed certificate.")
    boolean tlsSelfSigned;

    @Option(names = "--auth", paramLabel = "USER:PASSWORD",
            description = "Enable AUTH PLAIN and LOGIN, accept this user (repeatable) and refuse mail without AUTH.")
    List<String> users = new ArrayList<>();

    @Option(names = "--auth-without-tls", description = "Offer AUTH on plaintext connections too.")
    boolean authWithoutTls;

    @Option(names = "--max-connections", defaultValue = "1000", paramLabel = "N",
            description = "Open connections in all (default: ${DEFAULT-VALUE}).")
    int maxConnections;

    @Option(names = "--max-connections-per-ip", defaultValue = "50", paramLabel = "N",
            description = "Open connections from one address (default: ${DEFAULT-VALUE}).")
    int maxConnectionsPerIp;

    @Override
    public Integer call() throws Exception {
        Files.createDirectories(dir);
        SmtpServer server = server(address(listen)).build().start();
        CountDownLatch stopped = new CountDownLatch(1);
        Signals.onTermination(() -> {
            log.info("stopping");
            server.shutdown(Duration.ofSeconds(10));
            stopped.countDown();
        });
        System.out.println("posthorn sink listening on " + server.address() + ", writing to " + dir);
        System.out.flush();
        stopped.await();
        return 0;
    }

    /**
     * The server these options describe, bound to {@code bind}. With {@code --auth} the credentials are enforced:
     * MAIL before a successful AUTH gets {@code 530 5.7.0} (as on submission, RFC 6409 4.3) and wrong ones get
     * {@code 535 5.7.8}; a capture server that took mail without AUTH could not show an application that its
     * credentials are wrong or missing. Without {@code --auth} any mail is accepted and no AUTH is offered.
     */
    SmtpServer.Builder server(InetSocketAddress bind) {
        SmtpServer.Builder builder = SmtpServer.builder()
                .bind(bind)
                .hostname(hostname)
                .maxMessageSize(maxSize)
                .maxConnections(maxConnections)
                .maxConnectionsPerIp(maxConnectionsPerIp)
                .sink(new CaptureSink(dir));
        if (tlsSelfSigned) {
            builder = builder.tls(ServerTls.selfSigned(hostname));
        }
        if (!users.isEmpty()) {
            builder = builder.authenticator(authenticator(users)).authRequiresTls(!authWithoutTls).requireAuth(true);
        }
        return builder;
    }

    static InetSocketAddress address(String text) {
        int colon = text.lastIndexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException("expected HOST:PORT, got " + text);
        }
        String host = text.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        return new InetSocketAddress(host, Integer.parseInt(text.substring(colon + 1)));
    }

    /** Accepts exactly the {@code USER:PASSWORD} pairs given (compared in constant time); {@code posthorn dev} too. */
    static Authenticator authenticator(List<String> pairs) {
        Map<String, String> passwords = passwords(pairs);
        return (session, credentials) -> {
            String expected = passwords.get(credentials.username());
            boolean ok = expected != null && java.security.MessageDigest.isEqual(
                    expected.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                    credentials.password().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return ok ? new Authenticator.AuthResult.Success(credentials.username())
                    : new Authenticator.AuthResult.Failure();
        };
    }

    /** The {@code --auth USER:PASSWORD} pairs as a map from user to password. */
    static Map<String, String> passwords(List<String> pairs) {
        Map<String, String> passwords = new HashMap<>();
        for (String pair : pairs) {
            int colon = pair.indexOf(':');
            if (colon <= 0) {
                throw new IllegalArgumentException("--auth takes USER:PASSWORD");
            }
            passwords.put(pair.substring(0, colon), pair.substring(colon + 1));
        }
        return passwords;
    }
}
