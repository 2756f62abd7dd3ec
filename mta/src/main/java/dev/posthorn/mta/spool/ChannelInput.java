package dev.posthorn.mta.spool;

import dev.posthorn.smtp.io.BulkInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * Reads a file from the start through its writer's own channel, by position, without moving the channel's write
 * position and without closing it. A second descriptor on the file would do as well but for one thing: closing it
 * drops the writer's POSIX lock on the file (a local submission's, see {@link Spool#openForSubmission}).
 */
final class ChannelInput extends BulkInputStream {

    private final FileChannel channel;
    private long position;

    ChannelInput(FileChannel channel) {
        this.channel = channel;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        int n = channel.read(ByteBuffer.wrap(b, off, len), position);
        if (n > 0) {
            position += n;
        }
        return n;
    }
}
