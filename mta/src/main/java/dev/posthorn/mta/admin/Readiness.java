package dev.posthorn.mta.admin;

import java.util.List;
import java.util.Objects;

/**
 * Whether the daemon can do its work now, as {@code GET /readyz} reports it: the checks that fail, each named, so a
 * probe that sees 503 also sees why. The daemon supplies it (listeners bound, spool writable, disk above
 * {@code limits.min_free_disk}).
 */
@FunctionalInterface
public interface Readiness {

    /** Ready whatever happens (a daemon without anything to check). */
    Readiness ALWAYS = List::of;

    /**
     * One failing check.
     *
     * @param check  the check's name ({@code listeners}, {@code spool}, {@code disk})
     * @param reason what is wrong, for the operator; no secrets, no peer text
     */
    record Failure(String check, String reason) {
        public Failure {
            Objects.requireNonNull(check, "check");
            Objects.requireNonNull(reason, "reason");
        }
    }

    /** The checks that fail now; empty when ready. Called on each request, so it must be quick. */
    List<Failure> failures();
}
