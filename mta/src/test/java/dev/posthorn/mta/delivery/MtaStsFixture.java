package dev.posthorn.mta.delivery;

import dev.posthorn.mailauth.dns.DnsClient;
import dev.posthorn.mta.dns.MxResolver;
import dev.posthorn.mta.sts.MtaSts;
import dev.posthorn.mta.sts.PolicyFetcher;
import dev.posthorn.mta.sts.PolicyServer;
import dev.posthorn.mta.sts.PolicyStore;
import dev.posthorn.mta.tls.TestCa;
import dev.posthorn.mta.tls.Trust;
import dev.posthorn.mta.tlsrpt.TlsRptObserver;
import dev.posthorn.smtp.client.ClientTimeouts;
import dev.posthorn.smtp.server.ServerTls;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * What a delivery test under MTA-STS talks to, started before each test and closed after it (register it with
 * {@code @RegisterExtension}): a CA made for the test, whose PEM bundle is the transport's {@link Trust}; the HTTPS
 * policy host {@code mta-sts.<domain>} (RFC 8461 3.3) on {@value #POLICY_ADDRESS} with a certificate from that CA;
 * the {@link Receivers} for the MX hosts; and a directory of its own for the bundle and the policy cache.
 *
 * <p>Whatever a test opens goes through {@link #closeAfter}, and is closed before the servers, newest first: a
 * transport before the MTA-STS cache it reads, and both before the DNS responder that answers them.
 */
final class MtaStsFixture implements BeforeEachCallback, AfterEachCallback {

    /** The loopback address of the policy host: the tests' DNS publishes it as {@code mta-sts.<domain>}. */
    static final String POLICY_ADDRESS = "127.0.0.4";

    private final String domain;
    private final TestCa ca = TestCa.create("Posthorn Test CA");
    private final List<AutoCloseable> closing = new ArrayList<>();
    private Path dir;
    private Trust trust;
    private PolicyServer https;
    private Receivers mx;

    /** A fixture whose policy host serves {@code domain}'s policy (it serves none until a test sets one). */
    MtaStsFixture(String domain) {
        this.domain = domain;
    }

    @Override
    public void beforeEach(ExtensionContext context) throws Exception {
        // Everything goes on the closing list as soon as it exists, so a start that fails half-way still cleans up.
        Path tree = Files.createTempDirectory("posthorn-sts");
        dir = tree;
        closing.add(() -> delete(tree));
        trust = Trust.fromPem(ca.writePem(dir.resolve("ca.pem")));
        https = closeAfter(PolicyServer.start(POLICY_ADDRESS, ca.serverContext("mta-sts." + domain)));
        mx = closeAfter(new Receivers());
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        // Each is closed even when one before it fails: a listener left open would hold its loopback address.
        Exception failure = null;
        for (AutoCloseable resource : closing.reversed()) {
            try {
                resource.close();
            } catch (Exception e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        closing.clear();
        if (failure != null) {
            throw failure;
        }
    }

    /** This test's directory: the CA's bundle is {@code ca.pem}, the MTA-STS cache {@code sts}. */
    Path dir() {
        return dir;
    }

    /** The test CA's certificate as the only trusted one, as {@code outbound.ca_file} would give it. */
    Trust trust() {
        return trust;
    }

    PolicyServer https() {
        return https;
    }

    Receivers mx() {
        return mx;
    }

    /** A server TLS with a certificate from the test CA for {@code name}. */
    ServerTls signed(String name) {
        return ServerTls.of(ca.serverContext(name));
    }

    /** Closes {@code resource} after the test, before the servers and before anything opened earlier. */
    <T extends AutoCloseable> T closeAfter(T resource) {
        closing.add(resource);
        return resource;
    }

    /** MTA-STS as the daemon builds it, fetching from the policy host through {@code dns}, its cache in {@code sts}. */
    MtaSts mtaSts(DnsClient dns) throws IOException {
        return mtaSts(dns, TlsRptObserver.NONE);
    }

    /** The same, telling TLS reporting of failed fetches. */
    MtaSts mtaSts(DnsClient dns, TlsRptObserver tlsReports) throws IOException {
        return closeAfter(new MtaSts(dns, new PolicyFetcher(dns, trust, https.port(), Duration.ofSeconds(3),
                Duration.ofSeconds(6)), new PolicyStore(dir.resolve("sts")), Clock.systemUTC(), tlsReports));
    }

    /** A transport as the daemon builds it, MX hosts from {@code dns}, every MX host on {@code port}. */
    SmtpTransport transport(DnsClient dns, int port, DomainTls tls) {
        // A fixed seed: MX hosts of equal preference come in the same order in every run.
        return closeAfter(new SmtpTransport(new MxResolver(dns, new SplittableRandom(3)), "out.posthorn.test", port,
                ClientTimeouts.all(Duration.ofSeconds(5)), tls));
    }

    private static void delete(Path tree) throws IOException {
        // Deepest first: a directory can only go once it is empty.
        try (Stream<Path> paths = Files.walk(tree)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
