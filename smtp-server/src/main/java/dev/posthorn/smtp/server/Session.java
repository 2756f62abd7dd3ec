package dev.posthorn.smtp.server;

import dev.posthorn.smtp.AddressLiteral;
import dev.posthorn.smtp.BodyType;
import dev.posthorn.smtp.Command;
import dev.posthorn.smtp.MailParameters;
import dev.posthorn.smtp.RcptParameters;
import dev.posthorn.smtp.Replies;
import dev.posthorn.smtp.Reply;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SMTP state machine of one connection (RFC 5321 4.1.4, 4.3.2): a command goes in, an {@link Action} comes out.
 * It holds the connection's state (greeting, TLS, authentication) and the current {@link Transaction}, and asks the
 * connection's {@link SessionHandler}; it never touches the socket.
 */
final class Session {

    private static final Logger log = LoggerFactory.getLogger(Session.class);

    private final ServerSettings settings;
    private final SessionHandler handler;
    private SessionInfo info;
    private Transaction transaction;
    private int errors;
    private int failures;
    private int junk;
    private Reply refusal;

    Session(ServerSettings settings, SessionInfo info, SessionHandler handler) {
        this.settings = settings;
        this.info = info;
        this.handler = handler;
    }

    SessionHandler handler() {
        return handler;
    }

    SessionInfo info() {
        return info;
    }

    Transaction transaction() {
        return transaction;
    }

    /** Whether RCPT may carry UTF-8 addresses (the transaction's MAIL had SMTPUTF8, RFC 6531 3.4). */
    boolean utf8Recipients() {
        return transaction != null && transaction.parameters().smtpUtf8();
    }

    /**
     * RFC 5321 3.1: the connection policy refused this client, and the greeting said so with {@code refusal} (554);
     * from now on every command but QUIT gets 503.
     */
    void refuseService(Reply greeting) {
        refusal = greeting;
    }

    /** Whether the greeting refused service (554): only QUIT is served, and no chaos is drawn. */
    boolean refused() {
        return refusal != null;
    }

    Action handle(Command command) {
        if (refusal != null && !(command instanceof Command.Quit)) {
            return respond(Replies.badSequence("No service here (" + refusal.code() + " at greeting); send QUIT"));
        }
        if (junk(command) && ++junk > settings.maxJunkCommands() && ++errors > settings.maxErrors()) {
            return new Action.Close(Replies.TOO_MANY_ERRORS);
        }
        return switch (command) {
            case Command.Helo helo -> greet(helo.domain(), false);
            case Command.Ehlo ehlo -> greet(ehlo.domain(), true);
            case Command.Mail mail -> mail(mail);
            case Command.Rcpt rcpt -> rcpt(rcpt);
            case Command.Data data -> data();
            case Command.Bdat bdat -> bdat(bdat);
            case Command.Rset rset -> {
                reset();
                yield respond(Replies.OK);
            }
            case Command.Noop noop -> respond(Replies.OK);
            case Command.Quit quit -> new Action.Close(Replies.CLOSING);
            case Command.Vrfy vrfy -> respond(Replies.CANNOT_VRFY);
            case Command.Expn expn -> respond(Replies.NOT_IMPLEMENTED);
            case Command.Help help -> respond(Replies.help(helpText()));
            case Command.StartTls startTls -> startTls();
            case Command.Auth auth -> auth(auth);
            case Command.Etrn etrn -> etrn(etrn);
        };
    }

    /**
     * Commands that move no mail (Postfix's {@code smtpd_junk_command_limit} counts the same ones, and HELP): past
     * the limit each counts as an error, so a flood of them (10,000 pipelined NOOPs) ends with {@code 421 4.7.0}
     * instead of holding a connection and a thread for as long as the client likes.
     */
    private static boolean junk(Command command) {
        return switch (command) {
            case Command.Noop noop -> true;
            case Command.Rset rset -> true;
            case Command.Vrfy vrfy -> true;
            case Command.Help help -> true;
            case Command.Etrn etrn -> true;
            case Command.Helo helo -> true;
            case Command.Ehlo ehlo -> true;
            default -> false;
        };
    }

    /** A message was accepted: the session moves mail, so its commands that move none start to count anew. */
    void messageAccepted() {
        junk = 0;
    }

    /**
     * Counts a failure reply; past the limit the session ends (RFC 5321 4.3.2 leaves this to the server). The reply
     * waits as long as the {@link Tarpit} says for the failures drawn before it.
     */
    Action respond(Reply reply) {
        if (!reply.isPositive() && ++errors > settings.maxErrors()) {
            return new Action.Close(Replies.TOO_MANY_ERRORS);
        }
        Duration delay = tarpitExempt() ? Duration.ZERO : settings.tarpit().delayAfter(failures);
        if (reply.isPermanentFailure()) {
            failures++;
        }
        return new Action.Respond(reply, delay);
    }

    /** Trusted clients and authenticated users are not tarpitted: they are not the probers it is meant for. */
    private boolean tarpitExempt() {
        return info.trustedOrAuthenticated();
    }

    private Action greet(String name, boolean extended) {
        reset(); // RFC 5321 4.1.4: HELO and EHLO clear the transaction as RSET does
        SessionInfo candidate = info.greeted(name, extended);
        Decision decision = ask(() -> handler.helo(candidate, name));
        if (!(decision instanceof Decision.Accept accept)) {
            return refuse(decision);
        }
        info = candidate;
        if (accept.reply() != null) {
            return respond(accept.reply());
        }
        String hello = settings.hostname() + " Hello " + AddressLiteral.of(info.remote().getAddress()).text();
        if (!extended) {
            return respond(Reply.of(250, hello));
        }
        List<String> lines = new ArrayList<>();
        lines.add(hello);
        lines.add("SIZE " + settings.maxMessageSize());
        lines.add("PIPELINING");
        lines.add("8BITMIME");
        lines.add("SMTPUTF8");
        lines.add("ENHANCEDSTATUSCODES");
        lines.add("CHUNKING");
        lines.add("BINARYMIME");
        lines.add("DSN");
        lines.add("HELP");
        if (settings.tls() != null && !info.isTls()) {
            lines.add("STARTTLS");
        }
        if (settings.authOffered(info.isTls()) && info.authenticatedUser() == null) {
            lines.add("AUTH PLAIN LOGIN");
        }
        if (settings.etrn() != null) {
            lines.add("ETRN");
        }
        if (settings.requireTlsOffered(info.isTls())) {
            lines.add("REQUIRETLS"); // RFC 8689 2: advertised only in the EHLO reply after TLS is negotiated
        }
        return respond(new Reply(250, null, lines));
    }

    private Action mail(Command.Mail mail) {
        if (info.heloName() == null) {
            return respond(Replies.badSequence("Send HELO or EHLO first"));
        }
        if (transaction != null) {
            return respond(Replies.badSequence("Nested MAIL command"));
        }
        if (settings.requireTls() && !info.isTls()) {
            return refuseMessage(Replies.STARTTLS_REQUIRED);
        }
        if (settings.requireAuth() && info.authenticatedUser() == null) {
            return refuseMessage(Replies.AUTH_REQUIRED);
        }
        MailParameters parameters = mail.parameters();
        if (!info.extended() && !parameters.equals(MailParameters.NONE)) {
            return respond(Replies.parameterUnrecognised("ESMTP parameters need EHLO"));
        }
        Reply requireTls = parameters.requireTls() ? settings.requireTlsRefusal(info.isTls()) : null;
        if (requireTls != null) {
            return refuseMessage(requireTls);
        }
        if (parameters.size().isPresent() && parameters.size().getAsLong() > settings.maxMessageSize()) {
            return refuseMessage(Replies.MESSAGE_TOO_BIG);
        }
        if (parameters.auth() != null && info.authenticatedUser() == null) {
            // RFC 4954 5: an AUTH= from an unauthenticated client is not trusted; pass it on as unknown.
            parameters = new MailParameters(parameters.size(), parameters.body(), parameters.smtpUtf8(),
                    parameters.ret(), parameters.envelopeId(), "<>", parameters.requireTls());
        }
        MailParameters accepted = parameters;
        Decision decision = ask(() -> handler.mail(info, mail.from(), accepted));
        if (!(decision instanceof Decision.Accept accept)) {
            settings.events().messageRefused(info, replyOf(decision));
            return refuse(decision);
        }
        transaction = new Transaction(TransactionId.next(), mail.from(), accepted);
        return respond(accept.reply() != null ? accept.reply() : Replies.SENDER_OK);
    }

    private Action rcpt(Command.Rcpt rcpt) {
        if (transaction == null) {
            return respond(Replies.badSequence("Need MAIL command first"));
        }
        if (!info.extended() && !rcpt.parameters().equals(RcptParameters.NONE)) {
            return respond(Replies.parameterUnrecognised("ESMTP parameters need EHLO"));
        }
        if (transaction.recipientCount() >= settings.maxRecipients()) {
            settings.events().recipientRefused(info, Replies.TOO_MANY_RECIPIENTS);
            return respond(Replies.TOO_MANY_RECIPIENTS);
        }
        Transaction current = transaction;
        Decision decision = ask(() -> handler.rcpt(info, current.sender(), rcpt.to(), rcpt.parameters()));
        if (!(decision instanceof Decision.Accept accept)) {
            settings.events().recipientRefused(info, replyOf(decision));
            return refuse(decision);
        }
        transaction.add(new Envelope.Recipient(rcpt.to(), rcpt.parameters()));
        return respond(accept.reply() != null ? accept.reply() : Replies.RECIPIENT_OK);
    }

    private Action data() {
        if (transaction == null) {
            return respond(Replies.badSequence("Need MAIL command first"));
        }
        if (transaction.recipientCount() == 0) {
            return respond(Replies.NO_VALID_RECIPIENTS);
        }
        if (transaction.parameters().effectiveBody() == BodyType.BINARY_MIME) {
            transaction = null;
            return respond(Replies.badSequence("BODY=BINARYMIME requires BDAT (RFC 3030 3)"));
        }
        return new Action.ReceiveData();
    }

    private Action bdat(Command.Bdat bdat) {
        if (transaction == null) {
            return new Action.SkipChunk(bdat, Replies.badSequence("Need MAIL command first"));
        }
        if (transaction.recipientCount() == 0) {
            return new Action.SkipChunk(bdat, Replies.NO_VALID_RECIPIENTS);
        }
        return new Action.ReceiveChunks(bdat);
    }

    /** The message is done (or aborted): the transaction ends either way (RFC 5321 4.1.1.4, RFC 3030 2). */
    void endTransaction() {
        reset();
    }

    /** The transaction is gone; the handler is told so (a failing handler is logged, the session goes on). */
    private void reset() {
        transaction = null;
        try {
            handler.reset();
        } catch (RuntimeException e) {
            log.warn("{}: session handler's reset failed", info.connectionId(), e);
        }
    }

    /** The connection has ended: the handler is closed (once: the connection calls this from its last step). */
    void close() {
        try {
            handler.close();
        } catch (RuntimeException e) {
            log.warn("{}: session handler's close failed", info.connectionId(), e);
        }
    }

    private Action startTls() {
        if (settings.tls() == null) {
            return respond(Replies.TLS_UNAVAILABLE);
        }
        if (info.isTls()) {
            return respond(Replies.badSequence("TLS already active"));
        }
        return new Action.StartTls();
    }

    /** RFC 3207 4.2: after the handshake the session starts over; nothing learned before TLS is kept. */
    void tlsStarted(SessionInfo.TlsInfo tls) {
        reset();
        info = info.secured(tls);
    }

    private Action auth(Command.Auth auth) {
        if (settings.authenticator() == null) {
            return respond(Replies.NOT_IMPLEMENTED);
        }
        if (!info.extended()) {
            return respond(Replies.badSequence("Send EHLO first"));
        }
        if (info.authenticatedUser() != null) {
            return respond(Replies.ALREADY_AUTHENTICATED);
        }
        if (transaction != null) {
            return respond(Replies.badSequence("AUTH not allowed during a mail transaction"));
        }
        if (settings.requireTls() && !info.isTls()) {
            // A listener that takes nothing before STARTTLS (submission, RFC 6409 / RFC 3207 4) says so as it does for
            // MAIL; elsewhere a refused plaintext AUTH is RFC 4954's "encryption required for the mechanism".
            return respond(Replies.STARTTLS_REQUIRED);
        }
        if (!settings.authOffered(info.isTls())) {
            return respond(Replies.ENCRYPTION_REQUIRED);
        }
        if (!auth.mechanism().equals("PLAIN") && !auth.mechanism().equals("LOGIN")) {
            return respond(Replies.MECHANISM_UNSUPPORTED);
        }
        Decision decision = ask(() -> handler.auth(info, auth.mechanism()));
        if (!(decision instanceof Decision.Accept)) {
            return refuse(decision);
        }
        return new Action.Authenticate(auth);
    }

    void authenticated(String identity) {
        info = info.authenticated(identity);
    }

    private Action etrn(Command.Etrn etrn) {
        if (settings.etrn() == null) {
            return respond(Replies.NOT_IMPLEMENTED);
        }
        if (info.heloName() == null) {
            return respond(Replies.badSequence("Send HELO or EHLO first"));
        }
        if (transaction != null) {
            return respond(Replies.badSequence("ETRN not allowed during a mail transaction"));
        }
        try {
            Reply reply = settings.etrn().etrn(info, etrn.node());
            return respond(reply == null ? Replies.LOCAL_ERROR : reply);
        } catch (RuntimeException e) {
            log.warn("{}: ETRN handler failed", info.connectionId(), e);
            return respond(Replies.LOCAL_ERROR);
        }
    }

    private List<String> helpText() {
        return List.of("Posthorn SMTP server. Commands:",
                "HELO EHLO MAIL RCPT DATA BDAT RSET NOOP QUIT VRFY HELP STARTTLS AUTH ETRN",
                "See RFC 5321 (SMTP), RFC 3030 (BDAT), RFC 3207 (STARTTLS), RFC 4954 (AUTH)");
    }

    /** A refusal of the message as a whole (at MAIL), told to the embedder's events. */
    private Action refuseMessage(Reply reply) {
        settings.events().messageRefused(info, reply);
        return respond(reply);
    }

    /** The reply of a refusal. */
    static Reply replyOf(Decision decision) {
        return switch (decision) {
            case Decision.Reject reject -> reject.reply();
            case Decision.Defer defer -> defer.reply();
            case Decision.Disconnect disconnect -> disconnect.reply();
            case Decision.Accept accept -> throw new IllegalStateException("not a refusal");
            case Decision.Pass pass -> throw new IllegalStateException("not a refusal");
        };
    }

    private Action refuse(Decision decision) {
        return switch (decision) {
            case Decision.Reject reject -> respond(reject.reply());
            case Decision.Defer defer -> respond(defer.reply());
            case Decision.Disconnect disconnect -> new Action.Close(disconnect.reply());
            case Decision.Accept accept -> throw new IllegalStateException("not a refusal");
            case Decision.Pass pass -> throw new IllegalStateException("not a refusal");
        };
    }

    /**
     * Asks the embedder's handler; one that fails defers (a failed lookup is never an acceptance), and one with no
     * opinion accepts.
     */
    private Decision ask(Supplier<Decision> question) {
        try {
            Decision decision = question.get();
            return decision == null ? Decision.defer(Replies.LOCAL_ERROR)
                    : decision instanceof Decision.Pass ? Decision.accept() : decision;
        } catch (RuntimeException e) {
            log.warn("{}: policy failed", info.connectionId(), e);
            return Decision.defer(Replies.LOCAL_ERROR);
        }
    }
}
