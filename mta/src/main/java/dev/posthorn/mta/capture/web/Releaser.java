package dev.posthorn.mta.capture.web;

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

    /**
     * A host and port as the user wrote them.
     *
     * @param host a domain name or an IP address (IPv6 without brackets)
     */
    record HostPort(String host, int port) {
        public HostPort {
            if (host == null || host.isEmpty() || host.length() > 255 || port < 1 || port > 65535) {
                throw new IllegalArgumentException("host:port expected");
            }
        }

        /** {@code HOST:PORT} or {@code [IPV6]:PORT}. */
        public static HostPort parse(String text) {
            int colon = text.lastIndexOf(':');
            if (colon <= 0 || colon == text.length() - 1) {
                throw new IllegalArgumentException("host:port expected");
            }
            String host = text.substring(0, colon);
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            }
            if (!host.chars().allMatch(c -> c > ' ' && c < 0x7f && c != '/' && c != '[' && c != ']')) {
                throw new IllegalArgumentException("host:port expected");
            }
            int port;
            try {
                port = Integer.parseInt(text.substring(colon + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("host:port expected", e);
            }
            return new HostPort(host, port);
        }
    }
}
