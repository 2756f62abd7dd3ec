package dev.posthorn.smtp.server;

import dev.posthorn.smtp.Replies;
import dev.posthorn.smtp.Reply;
import dev.posthorn.smtp.io.BulkFilterInputStream;
import dev.posthorn.smtp.io.SizeLimitedInputStream;
import dev.posthorn.smtp.io.SizeLimitedInputStream.MessageTooLargeException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands one message to the {@link MessageSink} and decides the final reply. The sink reads the client's bytes
 * directly (no copy of the message is kept); what the sink leaves unread is drained afterwards so the session stays
 * in step. A failure on the client's side (closed connection, timeout) ends the connection; a message over the
 * limit gets {@code 552 5.3.4} whatever the sink said; a failing sink gets {@code 451 4.3.0}.
 */
final class Handover {

    private static final Logger log = LoggerFactory.getLogger(Handover.class);

    /** How far past the size limit a client may go on sending before it is cut off. */
    private static final long MIN_OVERRUN = 16L << 20;

    private Handover() {
    }

    /**
     * @param body the client's message text, ending exactly at the end of data (dot or last chunk)
     * @param silent whether a {@link Action.Respond} will not be sent (a chaos hang-up): the events then hear of no
     *               acceptance or refusal, since the client was told neither and the message is lost as on a broken
     *               connection (a {@link Action.Close}'s reply is always sent, so it is always told)
     * @throws IOException when the client's side failed: the connection is to be closed without a reply
     */
    static Action deliver(MessageSink sink, Envelope envelope, byte[] receivedHeader, InputStream body, long maxSize,
                          ServerEvents events, boolean silent) throws IOException {
        ClientSide client = new ClientSide(new SizeLimitedInputStream(body, maxSize));
        try {
            Action action = deliver(sink, envelope, receivedHeader, body, maxSize, client);
            Reply reply = switch (action) {
                case Action.Respond respond -> respond.reply();
                case Action.Close close -> close.reply();
                default -> throw new IllegalStateException("not an answer to a message: " + action);
            };
            if (silent && action instanceof Action.Respond) {
                return action;
            }
            if (reply.isPositive()) {
                events.messageAccepted(envelope.session(), reply);
            } else {
                events.messageRefused(envelope.session(), reply);
            }
            return action;
        } finally {
            events.bytesReceived(envelope.session(), client.octets);
        }
    }

    private static Action deliver(MessageSink sink, Envelope envelope, byte[] receivedHeader, InputStream body,
                                  long maxSize, ClientSide client) throws IOException {
        InputStream message = new SequenceInputStream(new ByteArrayInputStream(receivedHeader), client);
        Reply reply;
        try {
            reply = sink.receive(envelope, message);
        } catch (IOException | RuntimeException e) {
            if (client.failure == null) {
                log.warn("{}: message sink failed for {}", envelope.session().connectionId(), envelope.id(), e);
            }
            reply = Replies.LOCAL_ERROR;
        }
        if (client.failure == null) {
            drain(client, Long.MAX_VALUE);
        }
        if (client.failure instanceof MessageTooLargeException) {
            // Read on to the end of data so the client sees the reply, but not forever: a peer that keeps sending
            // far past the limit is cut off.
            boolean ended = drain(body, Math.max(maxSize, MIN_OVERRUN));
            return ended ? new Action.Respond(Replies.MESSAGE_TOO_BIG) : new Action.Close(Replies.MESSAGE_TOO_BIG);
        }
        if (client.failure != null) {
            throw client.failure;
        }
        return new Action.Respond(reply == null ? Replies.LOCAL_ERROR : reply);
    }

    /** Reads and drops up to {@code limit} octets; whether the end of data came within it. */
    private static boolean drain(InputStream in, long limit) {
        byte[] scratch = new byte[8192];
        long total = 0;
        try {
            int n;
            while ((n = in.read(scratch, 0, scratch.length)) >= 0) {
                total += n;
                if (total > limit) {
                    return false;
                }
            }
            return true;
        } catch (IOException e) {
            return false; // recorded by ClientSide when it came from the client
        }
    }

    /** The client's bytes, remembering the first failure so it is not mistaken for the sink's. */
    private static final class ClientSide extends BulkFilterInputStream {
        IOException failure;
        long octets;

        ClientSide(InputStream in) {
            super(in);
        }

        /** Single octets and skips come here too (see {@link BulkFilterInputStream}), so every failure is seen. */
        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (failure != null) {
                throw failure;
            }
            try {
                int n = super.read(b, off, len);
                if (n > 0) {
                    octets += n;
                }
                return n;
            } catch (IOException e) {
                failure = e;
                throw e;
            }
        }

        @Override
        public void close() {
            // The sink may close its stream; the connection's stream stays open.
        }
    }
}
