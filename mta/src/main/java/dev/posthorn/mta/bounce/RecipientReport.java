package dev.posthorn.mta.bounce;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * The per-recipient fields of a delivery status notification (RFC 3464 2.3).
 *
 * @param finalRecipient    the address delivery was attempted to (Final-Recipient, type rfc822)
 * @param originalRecipient the ORCPT value {@code type;address} as given by the client (Original-Recipient), if any
 * @param action            what happened
 * @param status            the RFC 3463 status code, e.g. {@code 5.1.1}
 * @param remoteMta         the host that answered, if delivery reached one (Remote-MTA, type dns)
 * @param diagnostic        the remote SMTP reply or the local reason (Diagnostic-Code, type smtp), if any
 * @param lastAttempt       when delivery was last tried
 */
public record RecipientReport(String finalRecipient, Optional<String> originalRecipient, Action action, String status,
                              Optional<String> remoteMta, Optional<String> diagnostic, Instant lastAttempt) {

    /** RFC 3464 2.3.3. */
    public enum Action {
        FAILED("failed"), DELAYED("delayed"), DELIVERED("delivered"), RELAYED("relayed"), EXPANDED("expanded");

        private final String field;

        Action(String field) {
            this.field = field;
        }

        public String field() {
            return field;
        }
    }

    public RecipientReport {
        Objects.requireNonNull(finalRecipient, "finalRecipient");
        Objects.requireNonNull(originalRecipient, "originalRecipient");
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(remoteMta, "remoteMta");
        Objects.requireNonNull(diagnostic, "diagnostic");
        Objects.requireNonNull(lastAttempt, "lastAttempt");
        if (status == null || !status.matches("[245]\\.\\d{1,3}\\.\\d{1,3}")) {
            throw new IllegalArgumentException("status must be an RFC 3463 code: " + status);
        }
    }
}
