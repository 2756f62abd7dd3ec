package dev.posthorn.smtp.client;

import dev.posthorn.smtp.ForwardPath;
import dev.posthorn.smtp.RcptParameters;
import java.util.Objects;

/**
 * One recipient to send to.
 *
 * @param path       the forward path
 * @param parameters the DSN parameters to pass on (RFC 3461), sent only when the server offers DSN
 */
public record Recipient(ForwardPath path, RcptParameters parameters) {

    public Recipient {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(parameters, "parameters");
    }

    public static Recipient of(ForwardPath path) {
        return new Recipient(path, RcptParameters.NONE);
    }
}
