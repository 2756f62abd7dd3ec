package dev.posthorn.smtp.server;

import dev.posthorn.smtp.Reply;
import java.io.IOException;
import java.io.InputStream;

/**
 * Receives each message once its data starts: the envelope, and the message as a stream beginning with the Received
 * header the server adds. Called on the session's thread, once per transaction.
 *
 * <p>The stream returns end of stream only after the whole message arrived within the size limit. If the message is
 * too large, or the client goes away, reading throws an {@link IOException}: the sink must then keep nothing (the
 * server answers the client itself). The reply returned is sent as the final answer to DATA or BDAT LAST: a 2xx
 * reply must mean the sink has taken responsibility for the message. An exception thrown by the sink itself gives
 * the client {@code 451 4.3.0}.
 */
@FunctionalInterface
public interface MessageSink {

    Reply receive(Envelope envelope, InputStream message) throws IOException;
}
