package dev.posthorn.mta.spool;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * A queued message as delivered, handed to every transport the same way: opened afresh for each use (a second
 * server, a second mailbox), so no transport shares a half-read stream with another, and its length known before
 * reading (SIZE, a binary body's one BDAT).
 */
public interface MessageBody {

    /** A new stream over the whole message: the envelope's header fields on top, then the body as received. */
    InputStream open() throws IOException;

    /** The message's length in octets, as {@link #open()} delivers it. */
    long size();

    /** A message held in memory (tests, tools). */
    static MessageBody of(byte[] message) {
        byte[] copy = message.clone();
        return new MessageBody() {
            @Override
            public InputStream open() {
                return new ByteArrayInputStream(copy);
            }

            @Override
            public long size() {
                return copy.length;
            }
        };
    }
}
