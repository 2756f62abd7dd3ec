package dev.posthorn.smtp.client;

import dev.posthorn.smtp.Reply;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a one-call send achieved: the server took the message for {@link #accepted()} and refused the rest, each with
 * its RCPT reply. A send where no recipient was accepted throws instead, so a result always means the message went.
 *
 * @param reply    the server's reply to the message (250, usually naming the queue id)
 * @param accepted the recipients the server took the message for, in the order given
 * @param refused  the refused recipients with their RCPT replies, in the order given
 * @param tls      whether the message went over TLS
 */
public record SendResult(Reply reply, List<String> accepted, Map<String, Reply> refused, boolean tls) {

    public SendResult {
        Objects.requireNonNull(reply, "reply");
        accepted = List.copyOf(accepted);
        refused = Collections.unmodifiableMap(new LinkedHashMap<>(refused));
    }
}
