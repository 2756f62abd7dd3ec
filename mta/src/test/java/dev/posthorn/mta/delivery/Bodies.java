package dev.posthorn.mta.delivery;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/** Message bodies for transport tests. */
final class Bodies {

    private Bodies() {
    }

    static SmtpTransport.Body of(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        return new SmtpTransport.Body() {
            @Override
            public InputStream open() {
                return new ByteArrayInputStream(bytes);
            }

            @Override
            public long size() {
                return bytes.length;
            }
        };
    }
}
