package dev.posthorn.smtp.server;

import dev.posthorn.smtp.Replies;
import dev.posthorn.smtp.Reply;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A sink for tests: keeps every complete message (small ones) and counts the ones whose stream failed. */
final class RecordingSink implements MessageSink {

    /** One received message. */
    record Message(Envelope envelope, byte[] bytes) {
        String text() {
            return new String(bytes, StandardCharsets.UTF_8);
        }

        /** The message without the Received header the server put in front. */
        String body() {
            String text = text();
            int end = text.indexOf("\r\n", text.indexOf(";\r\n\t") + 3);
            return text.substring(end + 2);
        }
    }

    final List<Message> messages = new CopyOnWriteArrayList<>();
    final List<IOException> failures = new CopyOnWriteArrayList<>();

    @Override
    public Reply receive(Envelope envelope, InputStream message) throws IOException {
        try {
            byte[] bytes = message.readAllBytes();
            messages.add(new Message(envelope, bytes));
            return Replies.queued(envelope.id());
        } catch (IOException e) {
            failures.add(e);
            throw e;
        }
    }

    Message only() {
        if (messages.size() != 1) {
            throw new AssertionError("expected one message, got " + messages.size());
        }
        return messages.getFirst();
    }
}
