package dev.posthorn.mta.pop3;

import java.util.List;
import java.util.Objects;

/** What the {@link Session} asks the connection to do with a command: the only way anything reaches the wire. */
sealed interface Action {

    /** A one-line response. */
    record Reply(Response response) implements Action {
    }

    /** A multi-line response of server-made lines (CAPA, LIST, UIDL), then the {@code .} terminator. */
    record Lines(Response first, List<String> lines) implements Action {
        public Lines {
            lines = List.copyOf(lines);
        }
    }

    /**
     * A message's text (RETR, TOP), line ends made CRLF and byte-stuffed (RFC 1939 3). The stream is opened before
     * {@code first} is sent, so a message gone since the snapshot gets {@code -ERR} instead.
     *
     * @param bodyLines for TOP the number of body lines after the header, {@link #WHOLE} for RETR
     */
    record Text(Response first, Maildrop drop, String id, int bodyLines) implements Action {
        static final int WHOLE = -1;

        public Text {
            Objects.requireNonNull(drop, "drop");
            Objects.requireNonNull(id, "id");
        }
    }

    /** STLS accepted: the connection checks for pipelined plaintext, answers, and negotiates (RFC 2595 4). */
    record StartTls() implements Action {
    }

    /** A last response, then the connection closes. */
    record Close(Response response) implements Action {
    }
}
