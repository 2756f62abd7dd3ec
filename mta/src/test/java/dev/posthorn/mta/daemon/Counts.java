package dev.posthorn.mta.daemon;

import io.micrometer.core.instrument.Counter;

/**
 * What a test daemon has counted, read from its meters: a test waits on these, or checks them, instead of waiting a
 * while and hoping that what should happen did.
 */
final class Counts {

    private Counts() {
    }

    /** Delivery attempts of {@code daemon} with this outcome ({@code delivered}, {@code deferred}, {@code failed}). */
    static double attempts(Daemon daemon, String outcome) {
        return sum(daemon, "posthorn.delivery.attempts", "outcome", outcome);
    }

    /** Reports {@code daemon} queued of this kind ({@code failure}, {@code delay}, {@code success}, ...). */
    static double reports(Daemon daemon, String kind) {
        return sum(daemon, "posthorn.dsn", "kind", kind);
    }

    private static double sum(Daemon daemon, String name, String tag, String value) {
        return daemon.metrics().find(name).tag(tag, value).counters().stream().mapToDouble(Counter::count).sum();
    }
}
