package dev.posthorn.mta.daemon;

import dev.posthorn.mta.spool.MessageWriter;
import dev.posthorn.mta.spool.QueuedMessage;
import dev.posthorn.mta.spool.Spool;
import dev.posthorn.mta.spool.SpoolEnvelope;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * A message writer for mail that will likely be delivered before it is queued ({@link SpoolSink.AtOnce}): the body
 * stays in memory up to {@code limit} octets and goes to the spool only when it grows past that or is committed. A
 * small message delivered at once then costs the spool nothing (no file opened, written, read back and blanked).
 */
final class SpillWriter implements MessageWriter {

    private final Spool spool;
    private final String id;
    private final int limit;
    private final ByteArrayOutputStream memory = new ByteArrayOutputStream();
    /** The spool's writer once the body outgrew {@link #limit} or is committed; null until then. */
    private MessageWriter spilled;
    private final OutputStream body = new OutputStream() {
        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (spilled == null && memory.size() + len > limit) {
                spill();
            }
            if (spilled != null) {
                spilled.body().write(b, off, len);
            } else {
                memory.write(b, off, len);
            }
        }

        @Override
        public void flush() throws IOException {
            if (spilled != null) {
                spilled.body().flush();
            }
        }
    };

    SpillWriter(Spool spool, String id, int limit) {
        this.spool = spool;
        this.id = id;
        this.limit = limit;
    }

    private void spill() throws IOException {
        spilled = spool.writer(id);
        memory.writeTo(spilled.body());
        memory.reset();
    }

    @Override
    public OutputStream body() {
        return body;
    }

    @Override
    public InputStream written() throws IOException {
        return spilled != null ? spilled.written() : new ByteArrayInputStream(memory.toByteArray());
    }

    @Override
    public QueuedMessage commit(SpoolEnvelope envelope) throws IOException {
        if (spilled == null) {
            spill();
        }
        return spilled.commit(envelope);
    }

    @Override
    public void delivered() throws IOException {
        if (spilled != null) {
            spilled.delivered();
        }
    }

    @Override
    public void close() throws IOException {
        if (spilled != null) {
            spilled.close();
        }
    }
}
