package dev.posthorn.mta.http;

import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;

/** The body of a request to one of our Jetty listeners, read with a limit. */
public final class RequestBody {

    /** The most of a body over the limit that is read (and dropped) so that its client sees the 413. */
    static final int DRAIN_LIMIT = 1 << 20;

    private RequestBody() {
    }

    /**
     * The body, or empty when it is over {@code max} octets (a chunked body is counted as it comes). The rest of a
     * body over the limit is read and dropped, up to {@link #DRAIN_LIMIT} more, before the caller answers 413: a
     * client still sending would otherwise meet a reset connection instead of the answer. A body declared longer than
     * that is not read at all.
     */
    public static Optional<byte[]> read(Request request, int max) throws IOException {
        if (request.getHeaders().getLongField(HttpHeader.CONTENT_LENGTH) > (long) max + DRAIN_LIMIT) {
            return Optional.empty();
        }
        try (InputStream in = Content.Source.asInputStream(request)) {
            byte[] body = in.readNBytes(max + 1);
            if (body.length <= max) {
                return Optional.of(body);
            }
            byte[] dropped = new byte[8192];
            for (long left = DRAIN_LIMIT; left > 0; ) {
                int n = in.read(dropped, 0, (int) Math.min(dropped.length, left));
                if (n < 0) {
                    break;
                }
                left -= n;
            }
            return Optional.empty();
        }
    }
}
