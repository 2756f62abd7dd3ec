package dev.posthorn.smtp.server;

import dev.posthorn.smtp.Command;
import dev.posthorn.smtp.Replies;
import dev.posthorn.smtp.Reply;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SASL exchanges of AUTH PLAIN (RFC 4616) and AUTH LOGIN, with the rules of RFC 4954 4: an initial response may
 * come with the command ({@code =} for an empty one), {@code *} cancels ({@code 501 5.0.0}), undecodable base64 is
 * {@code 501 5.5.2}.
 */
final class AuthExchange {

    private static final Logger log = LoggerFactory.getLogger(AuthExchange.class);
    private static final String USERNAME = base64("Username:");
    private static final String PASSWORD = base64("Password:");

    /** The connection's side of the exchange: send a 334 challenge, return the client's answer line. */
    interface Dialogue {
        /** @return the client's line, or {@code null} if it was too long */
        String challenge(String base64) throws IOException;
    }

    /** Ends an exchange early with a reply. */
    private static final class Abort extends Exception {
        private static final long serialVersionUID = 1L;
        private final transient Reply reply;

        Abort(Reply reply) {
            super(null, null, false, false);
            this.reply = reply;
        }
    }

    private AuthExchange() {
    }

    /** Runs the exchange and the check; on success the session carries the identity. */
    static Reply run(Command.Auth auth, Session session, Authenticator authenticator, ServerEvents events,
                     Dialogue dialogue) throws IOException {
        Authenticator.Credentials credentials;
        try {
            credentials = auth.mechanism().equals("PLAIN") ? plain(auth, dialogue) : login(auth, dialogue);
        } catch (Abort abort) {
            return abort.reply;
        }
        Authenticator.AuthResult result;
        try {
            result = authenticator.authenticate(session.info(), credentials);
        } catch (RuntimeException e) {
            log.warn("{}: authenticator failed", session.info().connectionId(), e);
            return Replies.AUTH_TEMPORARY_FAILURE;
        }
        if (result == null) {
            result = new Authenticator.AuthResult.TemporaryFailure();
        }
        // Told before the session changes, so the event sees the session as it was when AUTH was given.
        events.authenticated(session.info(), auth.mechanism(), credentials.username(), result);
        return switch (result) {
            case Authenticator.AuthResult.Success success -> {
                session.authenticated(success.identity());
                yield Replies.AUTH_SUCCEEDED;
            }
            case Authenticator.AuthResult.Failure failure -> Replies.AUTH_FAILED;
            case Authenticator.AuthResult.TemporaryFailure failure -> Replies.AUTH_TEMPORARY_FAILURE;
        };
    }

    private static Authenticator.Credentials plain(Command.Auth auth, Dialogue dialogue) throws IOException, Abort {
        String response = auth.initialResponse() != null
                ? decode(auth.initialResponse())
                : decode(answer(dialogue, ""));
        String[] parts = response.split("\0", -1);
        if (parts.length != 3 || parts[1].isEmpty()) {
            throw new Abort(Replies.syntax("Invalid PLAIN response"));
        }
        return new Authenticator.Credentials(parts[0], parts[1], parts[2]);
    }

    private static Authenticator.Credentials login(Command.Auth auth, Dialogue dialogue) throws IOException, Abort {
        String username = auth.initialResponse() != null
                ? decode(auth.initialResponse())
                : decode(answer(dialogue, USERNAME));
        String password = decode(answer(dialogue, PASSWORD));
        if (username.isEmpty()) {
            throw new Abort(Replies.syntax("Empty username"));
        }
        return new Authenticator.Credentials("", username, password);
    }

    private static String answer(Dialogue dialogue, String challenge) throws IOException, Abort {
        String line = dialogue.challenge(challenge);
        if (line == null) {
            throw new Abort(Replies.LINE_TOO_LONG);
        }
        if (line.equals("*")) {
            throw new Abort(Replies.AUTH_CANCELLED);
        }
        return line;
    }

    private static String decode(String base64) throws Abort {
        if (base64.equals("=")) {
            return "";
        }
        try {
            return new String(Base64.getDecoder().decode(base64), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new Abort(Replies.INVALID_BASE64);
        }
    }

    private static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.US_ASCII));
    }
}
