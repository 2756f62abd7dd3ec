package dev.posthorn.mta.reports;

import java.io.IOException;
import java.net.URI;

/** Delivers a gzipped TLS report to an {@code https:} destination (RFC 8460 5.3.2). */
@FunctionalInterface
public interface ReportPoster {

    /** Never posts. */
    ReportPoster NONE = (uri, gzipped) -> {
        throw new IOException("no HTTPS client");
    };

    /** @throws IOException when the destination did not answer 2xx */
    void post(URI uri, byte[] gzipped) throws IOException;
}
