package dev.posthorn.mta.tlsrpt;

/** Told of every outbound session's TLS result to an MX host; quick, and never throws. */
@FunctionalInterface
public interface TlsRptObserver {

    /** Counts nothing. */
    TlsRptObserver NONE = result -> {
    };

    void session(SessionResult result);
}
