package dev.posthorn.mta.delivery;

import dev.posthorn.mta.spool.MessageBody;
import java.nio.charset.StandardCharsets;

/** Message bodies for transport tests. */
final class Bodies {

    private Bodies() {
    }

    static MessageBody of(String text) {
        return MessageBody.of(text.getBytes(StandardCharsets.UTF_8));
    }
}
