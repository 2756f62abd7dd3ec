package dev.posthorn.smtp.server;

import dev.posthorn.smtp.Command;
import dev.posthorn.smtp.io.BulkInputStream;
import dev.posthorn.smtp.io.ChunkInputStream;
import dev.posthorn.smtp.io.LineReader;
import java.io.IOException;

/**
 * A message sent as BDAT chunks (RFC 3030), read as one stream. When a chunk that is not the last is used up, the
 * stream asks the connection to acknowledge it and to read the next command; a next BDAT continues the message, any
 * other command interrupts the transaction (the connection then runs that command).
 */
final class ChunkedBody extends BulkInputStream {

    /** The connection's side: acknowledge a chunk and fetch the next BDAT, or {@code null} if another command came. */
    interface Chunks {
        Command.Bdat next(long octetsInChunk) throws IOException;
    }

    /** Thrown to the sink when the client sent another command instead of the next chunk. */
    static final class InterruptedTransactionException extends IOException {
        private static final long serialVersionUID = 1L;

        InterruptedTransactionException() {
            super("BDAT transaction interrupted by another command");
        }
    }

    private final LineReader in;
    private final Chunks chunks;
    private Command.Bdat current;
    private ChunkInputStream chunk;

    ChunkedBody(LineReader in, Command.Bdat first, Chunks chunks) {
        this.in = in;
        this.chunks = chunks;
        this.current = first;
        this.chunk = new ChunkInputStream(in, first.size());
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        while (true) {
            int n = chunk.read(b, off, len);
            if (n >= 0 || len == 0) {
                return n;
            }
            if (current.last()) {
                return -1;
            }
            Command.Bdat next = chunks.next(current.size());
            if (next == null) {
                throw new InterruptedTransactionException();
            }
            current = next;
            chunk = new ChunkInputStream(in, next.size());
        }
    }
}
