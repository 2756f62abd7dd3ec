package dev.posthorn.mta.cli;

import dev.posthorn.mta.capture.CaptureStore;
import dev.posthorn.mta.capture.web.CaptureWeb;
import dev.posthorn.mta.capture.web.SmtpReleaser;
import dev.posthorn.mta.config.DurationLiteral;
import dev.posthorn.mta.pop3.CaptureMaildrop;
import dev.posthorn.mta.pop3.Pop3Server;
import dev.posthorn.smtp.AddressLiteral;
import dev.posthorn.smtp.server.Authenticator;
import dev.posthorn.smtp.server.Chaos;
import dev.posthorn.smtp.server.ServerTls;
import dev.posthorn.smtp.server.SmtpServer;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code posthorn dev}: the capture server for developers, everything on loopback by default. SMTP with STARTTLS
 * and SMTPS (RFC 8314 implicit TLS) with a generated certificate, both into one {@link CaptureStore}; POP3 and the
 * web view over the same store.
 */
@Command(name = "dev", mixinStandardHelpOptions = true,
        description = {"Capture mail for development: accept everything, keep it, show it; relay nothing.",
            "SMTP (STARTTLS) and SMTPS with a generated certificate, POP3 and the web view, one store in DIR",
            "(index.db and messages/). A listener given as 'off' is not started; port 0 takes any free port.",
            "AUTH PLAIN and LOGIN take any credentials unless --auth is given: then they are enforced.",
            "Prints each address it listens on; stops cleanly on SIGTERM or SIGINT."})
final class DevCommand implements Callable<Integer> {

    private static final Logger log = LoggerFactory.getLogger(DevCommand.class);
    static final String OFF = "off";

    @Option(names = "--smtp", defaultValue = "127.0.0.1:1025", paramLabel = "HOST:PORT|off",
            description = "SMTP with STARTTLS (default: ${DEFAULT-VALUE}).")
    String smtp;

    @Option(names = "--smtps", defaultValue = "127.0.0.1:1465", paramLabel = "HOST:PORT|off",
            description = "SMTP over implicit TLS, RFC 8314 (default: ${DEFAULT-VALUE}).")
    String smtps;

    @Option(names = "--pop3", defaultValue = "127.0.0.1:1110", paramLabel = "HOST:PORT|off",
            description = {"POP3 with STLS; the user name is the mailbox, a recipient address; any password, or with",
                "--auth one of its passwords (default: ${DEFAULT-VALUE})."})
    String pop3;

    @Option(names = "--http", defaultValue = "127.0.0.1:8025", paramLabel = "HOST:PORT|off",
            description = "The web view and its API (default: ${DEFAULT-VALUE}).")
    String http;

    @Option(names = "--http-host", paramLabel = "NAME[:PORT]",
            description = {"A further Host name the web view answers to (repeatable), besides localhost and the"
                + " listener's addresses: NAME with any port, NAME:PORT with that port only. For a port forward"
                + " (docker -p 18025:8025: --http-host localhost) or a name in /etc/hosts. Other names get 403"
                + " (against DNS rebinding), so add only names that you control."})
    List<String> httpHosts = new ArrayList<>();

    @Option(names = "--dir", defaultValue = "var/dev", paramLabel = "DIR",
            description = "Folder of the store, kept across restarts (default: ${DEFAULT-VALUE}).")
    Path dir;

    @Option(names = "--auth", paramLabel = "USER:PASSWORD",
            description = {"SMTP accepts only this user (repeatable) and refuses mail without AUTH; POP3 then",
                "opens a mailbox (the user name) with any of these passwords."})
    List<String> users = new ArrayList<>();

    @Option(names = "--max-messages", defaultValue = "10000", paramLabel = "N",
            description = "Messages kept; the oldest go first (default: ${DEFAULT-VALUE}).")
    int maxMessages;

    @Option(names = "--max-age", paramLabel = "DURATION",
            description = "Delete messages older than this, e.g. 7d or 12h (default: kept until --max-messages).")
    String maxAge;

    @Option(names = "--max-size", defaultValue = "26214400", paramLabel = "OCTETS",
            description = "Largest message accepted, advertised as SIZE (default: ${DEFAULT-VALUE}).")
    long maxSize;

    @Option(names = "--hostname", defaultValue = "localhost", paramLabel = "NAME",
            description = "Name in the greeting, the Received header and the certificate (default: ${DEFAULT-VALUE}).")
    String hostname;

    @Option(names = "--chaos", paramLabel = "RULE",
            description = {"A fault on purpose (repeatable): STAGE:FAULT[:p=PROBABILITY], e.g.",
                "'rcpt:reply=451 4.3.0 Try again later:p=0.5' or data:delay=2s."})
    List<String> chaosRules = new ArrayList<>();

    @Option(names = "--chaos-seed", paramLabel = "N",
            description = "Seed of the chaos draws, to repeat a run (default: random, printed).")
    Long chaosSeed;

    /** The running services; closing stops them and then closes the store. */
    record Running(CaptureStore store, Chaos chaos, SmtpServer smtp, SmtpServer smtps, Pop3Server pop3,
                   CaptureWeb web) implements AutoCloseable {

        @Override
        public void close() {
            if (web != null) {
                web.close();
            }
            for (SmtpServer server : new SmtpServer[] {smtp, smtps}) {
                if (server != null) {
                    server.shutdown(Duration.ofSeconds(10));
                }
            }
            if (pop3 != null) {
                pop3.close();
            }
            store.close();
        }
    }

    @Override
    public Integer call() throws Exception {
        Running running = start(System.out);
        CountDownLatch stopped = new CountDownLatch(1);
        Signals.onTermination(() -> {
            log.info("stopping");
            running.close();
            stopped.countDown();
        });
        stopped.await();
        return 0;
    }

    /** Opens the store and starts every listener not turned off, printing one line per service to {@code out}. */
    Running start(PrintStream out) throws IOException {
        Chaos chaos = chaos();
        Duration age = maxAge == null ? null : DurationLiteral.parse(maxAge);
        CaptureStore store = CaptureStore.open(dir, maxMessages, age, Clock.systemUTC());
        SmtpServer smtpServer = null;
        SmtpServer smtpsServer = null;
        Pop3Server pop3Server = null;
        CaptureWeb webServer = null;
        try {
            ServerTls tls = ServerTls.selfSigned(hostname);
            SmtpServer.Builder server = server(store, tls, chaos);
            if (!OFF.equals(smtp)) {
                smtpServer = server.bind(SinkCommand.address(smtp)).build().start();
                out.println("smtp   " + AddressLiteral.format(smtpServer.address()) + " (STARTTLS)");
            }
            if (!OFF.equals(smtps)) {
                smtpsServer = server.implicitTls(true).bind(SinkCommand.address(smtps)).build().start();
                out.println("smtps  " + AddressLiteral.format(smtpsServer.address()));
            }
            if (!OFF.equals(pop3)) {
                pop3Server = Pop3Server.start(Pop3Server.Settings.of(SinkCommand.address(pop3)).withHostname(hostname)
                        .withStls(tls).withPasswords(SinkCommand.passwords(users).values()),
                        CaptureMaildrop.factory(store, maxMessages));
                out.println("pop3   " + AddressLiteral.format(pop3Server.address()) + " (STLS)");
            }
            if (!OFF.equals(http)) {
                webServer = CaptureWeb.start(SinkCommand.address(http), store, chaos, SmtpReleaser.withSystemDns(),
                        httpHosts);
                out.println("http   http://" + AddressLiteral.format(webServer.address()) + "/");
            }
            out.println("dir    " + dir.toAbsolutePath());
            out.println("chaos  seed " + chaos.seed() + (chaos.rules().isEmpty() ? "" : ", " + chaos.rules()));
            out.flush();
            return new Running(store, chaos, smtpServer, smtpsServer, pop3Server, webServer);
        } catch (IOException | RuntimeException e) {
            new Running(store, chaos, smtpServer, smtpsServer, pop3Server, webServer).close();
            throw e;
        }
    }

    /**
     * The SMTP server both listeners run. AUTH is offered on plaintext too: this is a development server on loopback,
     * and the applications it serves often log in without TLS. Without {@code --auth} any credentials succeed (an
     * application's login code runs as in production); with it they are enforced as by {@code posthorn sink --auth}:
     * MAIL before AUTH gets {@code 530 5.7.0}, wrong credentials {@code 535 5.7.8}.
     */
    private SmtpServer.Builder server(CaptureStore store, ServerTls tls, Chaos chaos) {
        SmtpServer.Builder builder = SmtpServer.builder()
                .hostname(hostname)
                .maxMessageSize(maxSize)
                .tls(tls)
                .authRequiresTls(false)
                .chaos(chaos)
                .sink(store);
        if (users.isEmpty()) {
            return builder.authenticator(anyCredentials());
        }
        return builder.authenticator(SinkCommand.authenticator(users)).requireAuth(true);
    }

    private static Authenticator anyCredentials() {
        return (session, credentials) -> new Authenticator.AuthResult.Success(credentials.username());
    }

    /** The --chaos rules, one per stage: two for one stage are refused, not the last silently kept. */
    private Chaos chaos() {
        long seed = chaosSeed != null ? chaosSeed : new SecureRandom().nextLong();
        return Chaos.seeded(seed).replace(seed, chaosRules.stream().map(Chaos::parse).toList());
    }
}
