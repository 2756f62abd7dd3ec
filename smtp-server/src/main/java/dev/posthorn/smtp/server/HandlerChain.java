package dev.posthorn.smtp.server;

import dev.posthorn.smtp.ForwardPath;
import dev.posthorn.smtp.MailParameters;
import dev.posthorn.smtp.RcptParameters;
import dev.posthorn.smtp.Reply;
import dev.posthorn.smtp.ReversePath;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Function;

/** {@link SessionHandler#chain(List)}: handlers asked in order, the first with an opinion deciding. */
final class HandlerChain implements SessionHandler {

    private final List<SessionHandler> handlers;

    HandlerChain(List<SessionHandler> handlers) {
        this.handlers = List.copyOf(handlers);
    }

    /** One handler from each factory, in order; on a failure, the ones made so far are closed. */
    static SessionHandler open(List<SessionHandler.Factory> factories, SessionInfo session) {
        List<SessionHandler> made = new ArrayList<>();
        try {
            for (SessionHandler.Factory factory : factories) {
                made.add(Objects.requireNonNull(factory.newSession(session), "a factory made no handler"));
            }
        } catch (RuntimeException e) {
            try {
                new HandlerChain(made).close();
            } catch (RuntimeException closing) {
                e.addSuppressed(closing);
            }
            throw e;
        }
        return new HandlerChain(made);
    }

    private Decision first(Function<SessionHandler, Decision> question) {
        return PolicySequence.firstOpinion(handlers, question, "a session handler answered null");
    }

    @Override
    public Decision connect(SessionInfo session) {
        return first(handler -> handler.connect(session));
    }

    @Override
    public Decision helo(SessionInfo session, String name) {
        return first(handler -> handler.helo(session, name));
    }

    @Override
    public Decision auth(SessionInfo session, String mechanism) {
        return first(handler -> handler.auth(session, mechanism));
    }

    @Override
    public Decision mail(SessionInfo session, ReversePath from, MailParameters parameters) {
        return first(handler -> handler.mail(session, from, parameters));
    }

    @Override
    public Decision rcpt(SessionInfo session, ReversePath from, ForwardPath to, RcptParameters parameters) {
        return first(handler -> handler.rcpt(session, from, to, parameters));
    }

    @Override
    public Reply data(Envelope envelope, InputStream message) throws IOException {
        for (SessionHandler handler : handlers) {
            Reply reply = handler.data(envelope, message);
            if (reply != null) {
                return reply;
            }
        }
        return null;
    }

    @Override
    public void reset() {
        every(SessionHandler::reset);
    }

    @Override
    public void close() {
        every(SessionHandler::close);
    }

    /** Calls each handler, even after one failed; then throws the first failure. */
    private void every(Consumer<SessionHandler> call) {
        RuntimeException failure = null;
        for (SessionHandler handler : handlers) {
            try {
                call.accept(handler);
            } catch (RuntimeException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
