package dev.posthorn.mta.daemon;

import dev.posthorn.mta.config.Config;
import dev.posthorn.mta.config.SpoolDatabase;
import dev.posthorn.mta.policy.AuthThrottle;
import dev.posthorn.mta.routing.Route;
import dev.posthorn.mta.routing.Router;
import dev.posthorn.mta.spool.PgSpool;
import dev.posthorn.mta.spool.QueuedMessage;
import dev.posthorn.mta.spool.Spool;
import dev.posthorn.smtp.BodyType;
import dev.posthorn.smtp.ForwardPath;
import dev.posthorn.smtp.MailParameters;
import dev.posthorn.smtp.RcptParameters;
import dev.posthorn.smtp.Reply;
import dev.posthorn.smtp.ReversePath;
import dev.posthorn.smtp.server.Decision;
import dev.posthorn.smtp.server.Envelope;
import dev.posthorn.smtp.server.SessionInfo;
import dev.posthorn.smtp.server.SessionPolicy;
import dev.posthorn.smtp.server.SmtpServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Consumer;

/**
 * Mail from a local user (sendmail), committed to the spool beside a running daemon or without one: the same
 * {@link SpoolSink} as the listeners (alias expansion, the Received count, DKIM signing of mail from our own users,
 * the commit), without any listener. The spool is opened, never swept: sweeping is the daemon's, and a running
 * daemon's files must not be touched. A committed message is the daemon's from then on; it learns of it from its
 * periodic scan of the spool, at its next start, or when asked to flush it.
 *
 * <p>The local user counts as authenticated (their mail is signed and may go anywhere), as Postfix's sendmail is
 * trusted by its cleanup: whoever can run a program on this machine can send mail from it.
 */
public final class LocalSubmission {

    private static final DateTimeFormatter DATE =
            DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss Z", Locale.ROOT).withZone(ZoneId.systemDefault());
    private static final InetSocketAddress LOOPBACK = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    /** The only clients of the in-process server of {@code -bs}: this process. */

    private final Config config;
    private final Spool spool;
    private final Router router;
    private final SpoolSink sink;

    private LocalSubmission(Config config, Spool spool, Router router, Consumer<QueuedMessage> committed) {
        this.config = config;
        this.spool = spool;
        this.router = router;
        // A short-lived process: its commit timings are nobody's to scrape.
        this.sink = new SpoolSink(spool, router, committed, Setup.signer(config, Clock.systemUTC()), Optional.empty(),
                new SimpleMeterRegistry());
    }

    /**
     * Opens the spool that {@code config} names (creating it if needed: a daemon started later finds the mail).
     *
     * @param committed told of each message once it is committed
     */
    public static LocalSubmission open(Config config, Consumer<QueuedMessage> committed) throws IOException {
        return new LocalSubmission(config, spool(config, true), new Router(config.domains(), config.hostname()),
                committed);
    }

    /**
     * The queue {@code config} names: the spool folder, or the PostgreSQL database shared with the other nodes (with
     * the spool folder as this node's own). For the daemon, or ({@code submission}) for committing beside it.
     */
    static Spool spool(Config config, boolean submission) throws IOException {
        if (config.spoolDatabase().isEmpty()) {
            return submission ? Spool.openForSubmission(config.spool()) : Spool.open(config.spool());
        }
        SpoolDatabase database = config.spoolDatabase().get();
        SpoolDatabase.Login login = database.login();
        return submission
                ? PgSpool.openForSubmission(database.jdbcUrl(), login.user(), login.password(), database.node(),
                        config.spool())
                : PgSpool.open(database.jdbcUrl(), login.user(), login.password(), database.node(), config.spool(),
                        database.poolSize(), database.lease());
    }

    /**
     * The domain for a recipient given without one ({@code root}, as cron writes it): the hostname when it is a local
     * domain, else the first local domain, else the hostname (Postfix's {@code myorigin}, which is local by default).
     */
    public String recipientDomain() {
        if (router.isLocalDomain(config.hostname()) || config.domains().isEmpty()) {
            return config.hostname();
        }
        return config.domains().keySet().iterator().next();
    }

    /** Whether {@code path} is in a local domain without such a mailbox or alias (so it can only bounce). */
    public boolean isUnknownLocal(ForwardPath path) {
        return router.route(path) instanceof Route.Unknown;
    }

    /**
     * Commits {@code message} (the whole message, CRLF line ends) under queue id {@code id}, with a Received field
     * naming the local user on top.
     *
     * @param user the local user's name and uid, as the Received field and the mail log name them
     * @throws IOException when the spool cannot take it (nothing is queued then), or the message stream's own error
     */
    public void commit(String id, String user, ReversePath sender, List<ForwardPath> recipients, InputStream message)
            throws IOException {
        commit(sink, config.hostname(), id, "local user " + user, user, sender, recipients, message);
    }

    /**
     * Commits {@code message} through {@code sink} as mail of this machine's own making: a local, authenticated
     * session (signed with DKIM where a key is configured, and free to go anywhere), a Received field naming
     * {@code source} on top.
     *
     * @param source what made the mail, for the Received field ({@code local user alice (1000)})
     * @param user   the authenticated identity the mail log names
     */
    static void commit(SpoolSink sink, String hostname, String id, String source, String user, ReversePath sender,
                       List<ForwardPath> recipients, InputStream message) throws IOException {
        Instant now = Instant.now();
        String received = "Received: by " + hostname + " (Posthorn, from " + source + ")\r\n\tid "
                + id + ";\r\n\t" + DATE.format(now) + "\r\n";
        SessionInfo session = new SessionInfo("local", LOOPBACK, LOOPBACK, null, false, null, user, true);
        // 8BITMIME: local mail is whatever octets the user wrote; the lines are already checked and bounded.
        MailParameters parameters = new MailParameters(OptionalLong.empty(), BodyType.EIGHT_BIT_MIME, false, null,
                null, null);
        Envelope envelope = new Envelope(id, sender, parameters, recipients.stream()
                .map(path -> new Envelope.Recipient(path, RcptParameters.NONE)).toList(), session, now);
        Reply reply = sink.receive(envelope, new SequenceInputStream(
                new ByteArrayInputStream(received.getBytes(StandardCharsets.UTF_8)), message));
        if (reply.code() != 250) {
            throw new IOException("the spool refused the message: " + reply.toString().strip());
        }
    }

    /**
     * A started SMTP server on a free loopback port whose messages are committed to the spool, for sendmail
     * {@code -bs}: the real session engine, trusted (it may relay, and its mail is signed) as local submission is.
     * Its one client is this process's own socket, already bound to {@code client}: any other connection (another
     * local user who found the port) is turned away before the greeting, since it would be an open relay speaking
     * with this user's rights. The caller closes it.
     */
    public SmtpServer smtpServer(InetSocketAddress client) throws IOException {
        SessionPolicy local = RecipientPolicy.of(config, router, spool, AuthThrottle.defaults(Clock.systemUTC()),
                Clock.systemUTC());
        return SmtpServer.builder()
                .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                .hostname(config.hostname())
                .maxMessageSize(config.limits().maxMessageSize())
                .maxRecipients(config.limits().maxRecipients())
                .trustedClients(address -> true)
                .policy(SessionPolicy.inOrder(new OnlyClient(client), local))
                .sink(sink)
                .build()
                .start();
    }

    /** Only the one client at {@code client}: every other connection is closed with 421. */
    private record OnlyClient(InetSocketAddress client) implements SessionPolicy {
        private static final Reply NOT_YOURS = Reply.of(421, "4.7.0",
                "this server takes one session, from sendmail -bs");

        @Override
        public Decision connect(SessionInfo session) {
            return session.remote().equals(client) ? Decision.accept() : Decision.disconnect(NOT_YOURS);
        }
    }
}
