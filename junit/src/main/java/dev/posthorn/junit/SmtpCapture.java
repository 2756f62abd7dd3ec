package dev.posthorn.junit;

import dev.posthorn.smtp.server.Chaos;
import dev.posthorn.smtp.server.SmtpServer;
import java.net.InetSocketAddress;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import javax.net.ssl.SSLContext;
import jakarta.mail.PasswordAuthentication;
import jakarta.mail.Session;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A capturing SMTP server for tests, registered with {@code @RegisterExtension}:
 *
 * <pre>{@code
 * @RegisterExtension
 * static final SmtpCapture smtp = SmtpCapture.create();   // one server for the class
 *
 * @RegisterExtension
 * final SmtpCapture smtp = SmtpCapture.builder().startTls().user("app", "secret").build();  // one per test
 * }</pre>
 *
 * <p>In a static field the server starts before the class's first test and stops after its last (its {@code @Nested}
 * classes share it); before each test its messages are deleted and its chaos rules cleared, so each test sees only
 * its own mail. In an instance field each test gets a server of its own, started before and stopped after it. Every
 * server listens on 127.0.0.1 on a port the system picks, so nested and parallel tests never clash; tests that run
 * in parallel within one class (JUnit's {@code @Execution(CONCURRENT)}) should use an instance field, since a shared
 * server is reset before each of them.
 *
 * <p>Point the code under test at {@link #host()} and {@link #port()}, or use {@link #session()} for Jakarta Mail.
 * Wait for mail with {@link #awaitMessages(int)} and check it with {@link MailAssert}.
 *
 * <p><b>AUTH:</b> with {@link Builder#user users}, AUTH is required and checked; without, AUTH is offered and any
 * credentials are accepted, and mail without AUTH is accepted too. When TLS is on, AUTH is offered only under TLS
 * (RFC 4954 4), as a real submission server does.
 *
 * <p><b>Other test servers:</b> {@link #dns} starts a {@link dev.posthorn.smtp.testing.DnsResponder} (MX and A records
 * for code that looks up where to send) and {@link #fakeServer} a {@link dev.posthorn.smtp.testing.FakeSmtpServer}
 * (scripted replies and typed faults); both are closed after the current test, or with the server when started in
 * {@code @BeforeAll}.
 */
public final class SmtpCapture implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback {

    private final CaptureSettings settings;
    private final TestServers extras = new TestServers();
    /** Guarded by this object, as is {@link #owner}. */
    private CaptureServer running;
    /** The unique id of the class or method context that started the server, which alone stops it. */
    private String owner;

    private SmtpCapture(CaptureSettings settings) {
        this.settings = settings;
    }

    /** A capture with the defaults: plaintext, no AUTH required, 25 MiB limit. */
    public static SmtpCapture create() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public synchronized void beforeAll(ExtensionContext context) {
        if (running == null) { // a @Nested class sees its enclosing class's static extension again
            running = CaptureServer.start(settings);
            owner = context.getUniqueId();
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        CaptureServer stopping;
        synchronized (this) {
            if (!context.getUniqueId().equals(owner)) {
                return;
            }
            stopping = running;
            running = null;
            owner = null;
        }
        try {
            extras.closeAll();
        } finally {
            stopping.close();
        }
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        boolean shared;
        synchronized (this) {
            shared = running != null;
            if (!shared) {
                running = CaptureServer.start(settings);
                owner = context.getUniqueId();
            }
        }
        extras.testStarted(context.getUniqueId());
        if (shared) {
            reset();
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        extras.testEnded(context.getUniqueId());
        afterAll(context); // stops the server only if this test started it
    }

    private synchronized CaptureServer running() {
        if (running == null) {
            throw new IllegalStateException("the SMTP capture is not running: register it with @RegisterExtension "
                    + "and use it within a test or a @BeforeAll/@BeforeEach method");
        }
        return running;
    }

    /** The address the server listens on: {@code 127.0.0.1}. */
    public String host() {
        return address().getAddress().getHostAddress();
    }

    public int port() {
        return running().server().port();
    }

    public InetSocketAddress address() {
        return running().server().address();
    }

    /** {@code smtp://127.0.0.1:PORT}, or {@code smtps://...} with implicit TLS. */
    public String smtpUrl() {
        String scheme = settings.tls() == CaptureSettings.Tls.IMPLICIT ? "smtps" : "smtp";
        return scheme + "://" + host() + ":" + port();
    }

    /** The running server itself. */
    public SmtpServer server() {
        return running().server();
    }

    /** The server's generated certificate, when TLS is on. */
    public Optional<X509Certificate> certificate() {
        return Optional.ofNullable(running().certificate()).map(LoopbackCertificate::certificate);
    }

    /** A client TLS context that trusts exactly the server's certificate, when TLS is on. */
    public Optional<SSLContext> clientSslContext() {
        return Optional.ofNullable(running().certificate()).map(LoopbackCertificate::clientContext);
    }

    /**
     * Jakarta Mail properties for protocol {@code smtp} pointed at the server: host, port, 10 second timeouts, and with
     * TLS on, STARTTLS required or SSL from the start, trusting the generated certificate and checking its name.
     */
    public Properties properties() {
        return MailProperties.of(host(), port(), settings.tls(), running().certificate());
    }

    /** A Jakarta Mail session pointed at the server, without AUTH. */
    public Session session() {
        return Session.getInstance(properties());
    }

    /** A Jakarta Mail session pointed at the server that logs in as {@code user}. */
    public Session session(String user, String password) {
        Properties properties = properties();
        properties.put("mail.smtp.auth", "true");
        return Session.getInstance(properties, new jakarta.mail.Authenticator() {
            @Override
            protected PasswordAuthentication getPasswordAuthentication() {
                return new PasswordAuthentication(user, password);
            }
        });
    }

    /** The messages captured so far (since the start or the last reset), in order. */
    public List<CapturedMail> messages() {
        return running().inbox().snapshot();
    }

    /** The messages captured so far with {@code address} among their envelope recipients (Bcc included). */
    public List<CapturedMail> messagesTo(String address) {
        return messages().stream()
                .filter(m -> m.envelopeRecipients().stream().anyMatch(r -> Addresses.same(r, address)))
                .toList();
    }

    /**
     * Waits until {@code count} messages have arrived, for the builder's timeout (10 seconds by default), and returns
     * the first {@code count}.
     *
     * @throws org.opentest4j.AssertionFailedError on timeout, listing the messages that did arrive
     */
    public List<CapturedMail> awaitMessages(int count) {
        return awaitMessages(count, settings.awaitTimeout());
    }

    /** {@link #awaitMessages(int)} with another timeout. */
    public List<CapturedMail> awaitMessages(int count, Duration timeout) {
        return running().inbox().await(count, timeout);
    }

    /** Waits for the first message and returns it. */
    public CapturedMail awaitMessage() {
        return awaitMessages(1).getFirst();
    }

    /** Deletes the captured messages (numbering starts again at 1) and clears the chaos rules. */
    public void reset() {
        CaptureServer server = running();
        server.inbox().clear();
        server.chaos().reset(settings.chaosSeed());
    }

    /**
     * The server's faults on purpose, set per test: e.g. {@code smtp.chaos().set(Chaos.parse("rcpt:reply=451 4.3.0
     * Busy"))} makes every RCPT get that reply. Rules set in one test are gone in the next: a per-test server is new,
     * a per-class one is {@linkplain #reset() reset}, and the generator starts again from the builder's
     * {@linkplain Builder#chaosSeed seed}, so rules with probabilities fire the same way in every run.
     */
    public Chaos chaos() {
        return running().chaos();
    }

    /**
     * Starts a DNS responder, closed after the current test (or with the server, when called in {@code @BeforeAll}).
     * E.g. to send code that looks up MX records here:
     * {@code smtp.dns(DnsResponder.builder().zone("example.test").mx("example.test", 10, "mx.example.test")
     * .a("mx.example.test", "127.0.0.1"))}, then give the code {@code responder.address()} as its resolver and
     * {@link #port()} as its SMTP port.
     */
    public dev.posthorn.smtp.testing.DnsResponder dns(dev.posthorn.smtp.testing.DnsResponderBuilder builder) {
        return extras.start(builder::start);
    }

    /**
     * Starts a fake SMTP server on loopback following {@code script} (refusals, faults), closed after the current test
     * (or with the server, when called in {@code @BeforeAll}): for what a real server that misbehaves does to the code
     * under test.
     */
    public dev.posthorn.smtp.testing.FakeSmtpServer fakeServer(
            dev.posthorn.smtp.testing.FakeSmtpServer.Script script) {
        return extras.start(() -> dev.posthorn.smtp.testing.FakeSmtpServer.start(script));
    }

    /** Builds an {@link SmtpCapture}. */
    public static final class Builder {
        private String hostname = "localhost";
        private CaptureSettings.Tls tls = CaptureSettings.Tls.NONE;
        private final java.util.Map<String, String> users = new java.util.LinkedHashMap<>();
        private long maxMessageSize = 26_214_400;
        private long chaosSeed = 0;
        private Duration awaitTimeout = Duration.ofSeconds(10);

        private Builder() {
        }

        /** The name in the greeting and the Received field; default {@code localhost}. */
        public Builder hostname(String name) {
            if (!dev.posthorn.smtp.Domain.isValid(java.util.Objects.requireNonNull(name, "name"))) {
                throw new IllegalArgumentException("hostname must be a domain name: " + name);
            }
            hostname = name;
            return this;
        }

        /** Offer STARTTLS (RFC 3207) with a certificate generated for this server; mail without it is accepted. */
        public Builder startTls() {
            tls = CaptureSettings.Tls.STARTTLS;
            return this;
        }

        /** Speak TLS from the first byte (RFC 8314 3.3), with a certificate generated for this server. */
        public Builder implicitTls() {
            tls = CaptureSettings.Tls.IMPLICIT;
            return this;
        }

        /** Adds an AUTH user (PLAIN and LOGIN, RFC 4954); with any user, AUTH is required and checked. */
        public Builder user(String name, String password) {
            users.put(java.util.Objects.requireNonNull(name, "name"),
                    java.util.Objects.requireNonNull(password, "password"));
            return this;
        }

        /** The SIZE limit in octets (RFC 1870); larger messages get {@code 552 5.3.4}. Default 25 MiB. */
        public Builder maxMessageSize(long octets) {
            if (octets <= 0) {
                throw new IllegalArgumentException("maxMessageSize must be positive");
            }
            maxMessageSize = octets;
            return this;
        }

        /** The seed chaos draws from, so that a run with probabilities can be repeated; default 0. */
        public Builder chaosSeed(long seed) {
            chaosSeed = seed;
            return this;
        }

        /** How long {@link SmtpCapture#awaitMessages(int)} waits; default 10 seconds. */
        public Builder awaitTimeout(Duration timeout) {
            if (timeout.isNegative()) {
                throw new IllegalArgumentException("awaitTimeout must not be negative");
            }
            awaitTimeout = timeout;
            return this;
        }

        public SmtpCapture build() {
            return new SmtpCapture(new CaptureSettings(hostname, tls, users, maxMessageSize, chaosSeed,
                    awaitTimeout));
        }
    }
}
