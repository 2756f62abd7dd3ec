package dev.posthorn.mta.delivery;

import java.util.Objects;

/** What became of one recipient in one delivery attempt: a closed set. */
public sealed interface Outcome {

    /** A short, loggable description: the remote reply or the local error. */
    String diagnostic();

    /** @param diagnostic where it went, e.g. the Maildir file or the LMTP server's reply */
    record Delivered(String diagnostic) implements Outcome {
        public Delivered {
            Objects.requireNonNull(diagnostic, "diagnostic");
        }
    }

    /** A temporary failure: try again later. */
    record Deferred(String diagnostic) implements Outcome {
        public Deferred {
            Objects.requireNonNull(diagnostic, "diagnostic");
        }
    }

    /** A permanent failure: the sender must be told. */
    record Failed(String diagnostic) implements Outcome {
        public Failed {
            Objects.requireNonNull(diagnostic, "diagnostic");
        }
    }
}
