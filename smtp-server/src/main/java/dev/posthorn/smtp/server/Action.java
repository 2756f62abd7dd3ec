package dev.posthorn.smtp.server;

import dev.posthorn.smtp.Command;
import dev.posthorn.smtp.Reply;
import java.time.Duration;
import java.util.Objects;

/** What the session asks its connection to do next: a closed set, so the connection's loop is exhaustive. */
sealed interface Action {

    /** Send a reply after {@code delay} (the {@link Tarpit}'s, usually zero); the session goes on. */
    record Respond(Reply reply, Duration delay) implements Action {
        public Respond {
            Objects.requireNonNull(reply, "reply");
            Objects.requireNonNull(delay, "delay");
        }

        Respond(Reply reply) {
            this(reply, Duration.ZERO);
        }
    }

    /** Send a reply and close the connection. */
    record Close(Reply reply) implements Action {
        public Close {
            Objects.requireNonNull(reply, "reply");
        }
    }

    /** Send 354 and receive the message text (DATA). */
    record ReceiveData() implements Action {
    }

    /** Receive the message as BDAT chunks, starting with this one. */
    record ReceiveChunks(Command.Bdat first) implements Action {
    }

    /** Read and drop the chunk's octets (to stay in step with the client), then send the reply. */
    record SkipChunk(Command.Bdat bdat, Reply reply) implements Action {
    }

    /** Send 220 and start the TLS handshake (STARTTLS). */
    record StartTls() implements Action {
    }

    /** Run the SASL exchange of AUTH. */
    record Authenticate(Command.Auth auth) implements Action {
    }

    /**
     * Close the connection without a reply (chaos): at once when {@code silence} is zero, else after reading and
     * dropping the client's input for that long or until it closes.
     */
    record HangUp(Duration silence) implements Action {
        public HangUp {
            Objects.requireNonNull(silence, "silence");
        }
    }
}
