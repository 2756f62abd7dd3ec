package dev.posthorn.mta.capture.web;

import dev.posthorn.mta.routing.HostPort;
import dev.posthorn.smtp.client.SendResult;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** Sends a captured message on to a real server: what the web view's "release" does. */
public interface Releaser {

    /**
     * Sends the message in {@code message} from {@code from} to {@code recipients}.
     *
     * @param host where to, or {@code null} to look up each recipient domain's MX hosts
     * @return the final reply and which recipients took the message
     * @throws IOException no server took it: {@link dev.posthorn.smtp.client.SmtpReplyException} with the refusal,
     *                     another IOException when no server could be reached
     */
    SendResult release(Path message, String from, List<String> recipients, HostPort host) throws IOException;

}
