package dev.posthorn.mta.delivery;

import dev.posthorn.smtp.client.SmtpReplyException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The failures of one delivery's tries, for the deferral: 4.4.1 when no host answered usefully, the
 * {@link TlsFailure}'s 4.7.x when a host was refused for TLS reasons, with the reasons of the first few tries.
 */
final class Failures {
    private static final int SHOWN = 4;
    private final List<String> reasons = new ArrayList<>();
    private final String none;
    private String status = "4.4.1";

    Failures(String none) {
        this.none = none;
    }

    void add(String remote, IOException e) {
        String label = "";
        if (e instanceof TlsFailure tls) {
            status = tls.status();
            label = tls.label();
        }
        reasons.add(e instanceof SmtpReplyException reply ? remote + " said: " + reply.reply()
                : label + remote + ": " + e.getMessage());
    }

    void add(TlsFailure skipped) {
        status = skipped.status();
        reasons.add(skipped.label() + skipped.getMessage());
    }

    String last() {
        return reasons.isEmpty() ? none : reasons.getLast();
    }

    Outcome deferral() {
        if (reasons.isEmpty()) {
            return new Outcome.Deferred("451 " + status + " " + none);
        }
        String shown = String.join("; ", reasons.subList(0, Math.min(SHOWN, reasons.size())));
        String more = reasons.size() > SHOWN ? "; and " + (reasons.size() - SHOWN) + " more" : "";
        return new Outcome.Deferred("451 " + status + " " + shown + more);
    }
}
