package dev.posthorn.smtp.server;

import dev.posthorn.smtp.ForwardPath;
import dev.posthorn.smtp.MailParameters;
import dev.posthorn.smtp.RcptParameters;
import dev.posthorn.smtp.Reply;
import dev.posthorn.smtp.ReversePath;
import java.io.IOException;
import java.io.InputStream;
import java.util.Objects;

/**
 * A {@link SessionPolicy} and a {@link MessageSink} seen as a {@link SessionHandler}: how the builder's
 * {@code policy(...)} and {@code sink(...)} run on the per-session SPI. Stateless, so one serves every connection.
 */
final class PolicyHandler implements SessionHandler {

    private final SessionPolicy policy;
    private final MessageSink sink;

    PolicyHandler(SessionPolicy policy, MessageSink sink) {
        this.policy = Objects.requireNonNull(policy, "policy");
        this.sink = sink;
    }

    /** A policy's plain acceptance is no objection: in a chain, the next one is asked. */
    private static Decision silent(Decision decision) {
        return decision instanceof Decision.Accept accept && accept.reply() == null ? Decision.next() : decision;
    }

    @Override
    public Decision connect(SessionInfo session) {
        return silent(policy.connect(session));
    }

    @Override
    public Decision helo(SessionInfo session, String name) {
        return silent(policy.helo(session, name));
    }

    @Override
    public Decision auth(SessionInfo session, String mechanism) {
        return silent(policy.auth(session, mechanism));
    }

    @Override
    public Decision mail(SessionInfo session, ReversePath from, MailParameters parameters) {
        return silent(policy.mail(session, from, parameters));
    }

    @Override
    public Decision rcpt(SessionInfo session, ReversePath from, ForwardPath to, RcptParameters parameters) {
        return silent(policy.rcpt(session, from, to, parameters));
    }

    @Override
    public Reply data(Envelope envelope, InputStream message) throws IOException {
        return sink == null ? null : sink.receive(envelope, message);
    }
}
