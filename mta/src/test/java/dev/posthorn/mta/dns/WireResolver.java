package dev.posthorn.mta.dns;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import org.xbill.DNS.EDNSOption;
import org.xbill.DNS.Message;
import org.xbill.DNS.Record;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.TSIG;
import org.xbill.DNS.WireParseException;

/**
 * A resolver whose answers are wire bytes given in advance, for the fuzz tests: the n-th question gets the n-th
 * message, parsed by dnsjava's wire parser ({@link Message#Message(byte[])}) as a resolver reads what arrives from the
 * network; a question after the last message gets a timeout, as from a server that stays silent.
 *
 * <p>The messages come as over TCP (RFC 1035 4.2.2): each after a two-octet length, so that one fuzz input holds the
 * answers to every question a lookup asks (an MX, then AAAA and A per host, then TLSA). The message id is set to the
 * question's, since a real resolver drops an answer with another id before reading it; then the answer is checked as
 * dnsjava's {@code SimpleResolver} checks it (a question section, and the question asked), so that a fuzz input
 * reaches Posthorn's answer handling with whatever the real resolver would hand over, and nothing it would not.
 */
final class WireResolver implements Resolver {

    private final List<byte[]> messages;
    private int next;

    private WireResolver(List<byte[]> messages) {
        this.messages = messages;
    }

    /** The messages in {@code bytes}, each after its length; a last one cut short is taken as it is. */
    static WireResolver of(byte[] bytes) {
        List<byte[]> messages = new ArrayList<>();
        ByteBuffer in = ByteBuffer.wrap(bytes);
        while (in.remaining() >= 2) {
            int length = Math.min(Short.toUnsignedInt(in.getShort()), in.remaining());
            byte[] message = new byte[length];
            in.get(message);
            messages.add(message);
        }
        return new WireResolver(messages);
    }

    /** Frames {@code messages} as {@link #of} reads them. */
    static byte[] frame(List<byte[]> messages) {
        int size = messages.stream().mapToInt(m -> m.length + 2).sum();
        ByteBuffer out = ByteBuffer.allocate(size);
        for (byte[] message : messages) {
            out.putShort((short) message.length).put(message);
        }
        return out.array();
    }

    @Override
    public synchronized CompletionStage<Message> sendAsync(Message query) {
        if (next >= messages.size()) {
            next++;
            return CompletableFuture.failedFuture(new SocketTimeoutException("no answer (fuzz input exhausted)"));
        }
        byte[] wire = messages.get(next++).clone();
        if (wire.length >= 2) {
            int id = query.getHeader().getID();
            wire[0] = (byte) (id >>> 8);
            wire[1] = (byte) id;
        }
        Message response;
        try {
            response = new Message(wire);
        } catch (IOException | RuntimeException e) {
            // dnsjava's SimpleResolver parses inside a completion stage: whatever the parser throws fails the answer.
            return CompletableFuture.failedFuture(e);
        }
        // SimpleResolver's checks after parsing, for a query that is no UPDATE: the question must be there and be
        // the one asked. Lookup relies on them (it reads the question of every response it gets).
        Record question = response.getQuestion();
        Record asked = query.getQuestion();
        if (question == null) {
            return CompletableFuture.failedFuture(new WireParseException("invalid message: question section missing"));
        }
        if (!question.getName().equals(asked.getName()) || question.getDClass() != asked.getDClass()
                || question.getType() != asked.getType()) {
            return CompletableFuture.failedFuture(new WireParseException("invalid question: " + question));
        }
        return CompletableFuture.completedFuture(response);
    }

    @Override
    public CompletionStage<Message> sendAsync(Message query, Executor executor) {
        return sendAsync(query);
    }

    @Override
    public Message send(Message query) throws IOException {
        try {
            return sendAsync(query).toCompletableFuture().get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw new IOException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    @Override
    public void setPort(int port) {
    }

    @Override
    public void setTCP(boolean flag) {
    }

    @Override
    public void setIgnoreTruncation(boolean flag) {
    }

    @Override
    public void setEDNS(int version, int payloadSize, int flags, List<EDNSOption> options) {
    }

    @Override
    public void setTSIGKey(TSIG key) {
    }

    @Override
    public void setTimeout(Duration timeout) {
    }

    @Override
    public Duration getTimeout() {
        return Duration.ofSeconds(1);
    }
}
