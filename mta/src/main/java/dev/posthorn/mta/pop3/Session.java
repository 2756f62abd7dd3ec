package dev.posthorn.mta.pop3;

import dev.posthorn.smtp.LogText;
import java.io.IOException;
import java.security.MessageDigest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The POP3 state machine (RFC 1939 3): AUTHORIZATION until PASS succeeds, then TRANSACTION; QUIT there is the
 * UPDATE state. A command goes in, an {@link Action} comes out; the session never touches the socket. It holds the
 * maildrop's lock (RFC 1939 4: exclusive access) from PASS until {@link #close()}.
 */
final class Session implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Session.class);

    private final Pop3Server.Settings settings;
    private final Maildrop.Factory factory;
    private final Map<String, Session> locks;
    private final String id;
    private boolean tls;
    private int errors;
    /** The name USER gave, lower-cased; null before USER and after a failed PASS. */
    private String user;
    /** Non-null in the TRANSACTION state: the mailbox this session locked, its maildrop and snapshot. */
    private String mailbox;
    private Maildrop drop;
    private List<Maildrop.Entry> snapshot;
    private final BitSet deleted = new BitSet();

    /** @param locks the server's locked mailboxes, shared by its sessions */
    Session(Pop3Server.Settings settings, Maildrop.Factory factory, Map<String, Session> locks, String id,
            boolean tls) {
        this.settings = settings;
        this.factory = factory;
        this.locks = locks;
        this.id = id;
        this.tls = tls;
    }

    Action handle(Command command) {
        boolean transaction = mailbox != null;
        return switch (command) {
            case Command.Capa c -> capabilities();
            case Command.Quit q -> transaction ? update() : new Action.Close(Response.BYE);
            case Command.Unknown u -> error(Response.UNKNOWN);
            case Command.Invalid i -> error(Response.err(i.reason()));
            case Command.User u when !transaction -> user(u.name());
            case Command.Pass p when !transaction -> pass(p.password());
            case Command.Stls s when !transaction -> startTls();
            case Command.User u -> error(Response.WRONG_STATE);
            case Command.Pass p -> error(Response.WRONG_STATE);
            case Command.Stls s -> error(Response.WRONG_STATE);
            default -> transaction ? transaction(command) : error(Response.WRONG_STATE);
        };
    }

    /** An over-long line: answered, and counted like any bad command. */
    Action lineTooLong() {
        return error(Response.LINE_TOO_LONG);
    }

    /** RFC 2595 4: after TLS the client starts over; what it said before (USER) is forgotten. */
    void tlsStarted() {
        tls = true;
        user = null;
    }

    private Action transaction(Command command) {
        return switch (command) {
            case Command.Stat s -> new Action.Reply(Response.drop(count(), octets()));
            case Command.Listing l when l.number().isPresent() -> one(l.number(), (n, e) -> Response.scan(n, e.size()));
            case Command.Listing l -> new Action.Lines(Response.SCAN_LISTING, listing(false));
            case Command.Uidl u when u.number().isPresent() -> one(u.number(), (n, e) -> Response.uid(n, e.id()));
            case Command.Uidl u -> new Action.Lines(Response.UNIQUE_IDS, listing(true));
            case Command.Retr r -> text(r.number(), Action.Text.WHOLE);
            case Command.Top t -> text(t.number(), t.lines());
            case Command.Dele d -> delete(d.number());
            case Command.Noop n -> new Action.Reply(Response.NOOP);
            case Command.Rset r -> {
                deleted.clear();
                yield new Action.Reply(Response.maildrop(count(), octets()));
            }
            default -> error(Response.WRONG_STATE);
        };
    }

    private Action capabilities() {
        List<String> lines = new ArrayList<>(List.of("TOP", "UIDL", "RESP-CODES", "AUTH-RESP-CODE", "PIPELINING"));
        if (mailbox == null) {
            lines.add("USER");
            if (settings.tls() != null && !tls) {
                lines.add("STLS");
            }
        }
        lines.add("IMPLEMENTATION Posthorn");
        return new Action.Lines(Response.CAPABILITIES, lines);
    }

    private Action user(String name) {
        user = name.toLowerCase(Locale.ROOT);
        return new Action.Reply(Response.USER_ACCEPTED);
    }

    private Action startTls() {
        if (settings.tls() == null) {
            return error(Response.NO_TLS);
        }
        return tls ? error(Response.TLS_ACTIVE) : new Action.StartTls();
    }

    private Action pass(String password) {
        String name = user;
        user = null;
        if (name == null) {
            return error(Response.USER_FIRST);
        }
        if (!accepted(name, password)) {
            log.info("{}: PASS refused for {}", id, LogText.escape(name));
            return error(Response.AUTH_FAILED);
        }
        if (locks.putIfAbsent(name, this) != null) {
            return new Action.Reply(Response.IN_USE);
        }
        try {
            drop = factory.open(name);
            snapshot = List.copyOf(drop.messages());
        } catch (IOException | RuntimeException e) {
            log.warn("{}: cannot open the maildrop of {}: {}", id, LogText.escape(name), LogText.escape(e));
            locks.remove(name, this);
            drop = null;
            return new Action.Reply(Response.MAILDROP_FAILED);
        }
        mailbox = name;
        log.debug("{}: {} logged in, {} messages", id, LogText.escape(name), snapshot.size());
        return new Action.Reply(Response.maildrop(count(), octets()));
    }

    /**
     * Any password for any user, unless users or passwords are configured: then the pair must match, or the password
     * be one of the passwords for any user. Every comparison runs, each in constant time, so the time taken says
     * nothing about which one matched.
     */
    private boolean accepted(String name, String password) {
        if (settings.users().isEmpty() && settings.passwords().isEmpty()) {
            return true;
        }
        byte[] given = password.getBytes(StandardCharsets.UTF_8);
        String expected = settings.users().get(name);
        byte[] wanted = (expected == null ? "" : expected).getBytes(StandardCharsets.UTF_8);
        boolean accepted = MessageDigest.isEqual(given, wanted) && expected != null;
        for (String any : settings.passwords()) {
            accepted |= MessageDigest.isEqual(given, any.getBytes(StandardCharsets.UTF_8));
        }
        return accepted;
    }

    /** RFC 1939 6: the UPDATE state removes the messages marked deleted, then the session ends. */
    private Action update() {
        List<String> ids = new ArrayList<>();
        deleted.stream().forEach(i -> ids.add(snapshot.get(i).id()));
        Response response = Response.ok(ids.size() + " messages deleted");
        try {
            if (!ids.isEmpty()) {
                drop.delete(ids);
            }
        } catch (IOException | RuntimeException e) {
            log.warn("{}: deleting from {} failed: {}", id, LogText.escape(mailbox), LogText.escape(e));
            response = Response.NOT_REMOVED;
        }
        close(); // before the answer: a client that reconnects at once finds the maildrop free
        return new Action.Close(response);
    }

    private Action delete(int number) {
        if (entry(number) == null) {
            return new Action.Reply(number <= snapshot.size() ? Response.ALREADY_DELETED : Response.NO_SUCH_MESSAGE);
        }
        deleted.set(number - 1);
        return new Action.Reply(Response.deleted(number));
    }

    private Action text(int number, int bodyLines) {
        Maildrop.Entry entry = entry(number);
        if (entry == null) {
            return new Action.Reply(Response.NO_SUCH_MESSAGE);
        }
        Response first = bodyLines == Action.Text.WHOLE ? Response.retrieving(entry.size()) : Response.TOP_FOLLOWS;
        return new Action.Text(first, drop, entry.id(), bodyLines);
    }

    private Action one(OptionalInt number, java.util.function.BiFunction<Integer, Maildrop.Entry, Response> answer) {
        Maildrop.Entry entry = entry(number.getAsInt());
        return new Action.Reply(entry == null ? Response.NO_SUCH_MESSAGE : answer.apply(number.getAsInt(), entry));
    }

    private List<String> listing(boolean ids) {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < snapshot.size(); i++) {
            if (!deleted.get(i)) {
                Maildrop.Entry entry = snapshot.get(i);
                lines.add((i + 1) + " " + (ids ? entry.id() : String.valueOf(entry.size())));
            }
        }
        return lines;
    }

    /** Message {@code number} (from 1) of the snapshot, or null when there is none or it is marked deleted. */
    private Maildrop.Entry entry(int number) {
        if (number < 1 || number > snapshot.size() || deleted.get(number - 1)) {
            return null;
        }
        return snapshot.get(number - 1);
    }

    private int count() {
        return snapshot.size() - deleted.cardinality();
    }

    private long octets() {
        long sum = 0;
        for (int i = 0; i < snapshot.size(); i++) {
            sum += deleted.get(i) ? 0 : snapshot.get(i).size();
        }
        return sum;
    }

    /** A bad command: answered, or past the limit the connection is closed (a client that only errs is no client). */
    private Action error(Response response) {
        errors++;
        if (errors > settings.maxBadCommands()) {
            log.info("{}: {} bad commands, closing", id, errors);
            return new Action.Close(Response.TOO_MANY_ERRORS);
        }
        return new Action.Reply(response);
    }

    /** Releases the maildrop's lock; without QUIT nothing is deleted (RFC 1939 6). */
    @Override
    public void close() {
        if (mailbox != null) {
            locks.remove(mailbox, this);
        }
    }
}
