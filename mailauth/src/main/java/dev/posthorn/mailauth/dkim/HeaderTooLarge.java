package dev.posthorn.mailauth.dkim;

import java.io.IOException;

/**
 * A header section larger than this package reads ({@link HeaderSection}): the message is not signed, or its
 * signatures are not checked. Told apart from a failure to read, which must not send the message on unsigned.
 */
public final class HeaderTooLarge extends IOException {
    private static final long serialVersionUID = 1L;

    HeaderTooLarge(String message) {
        super(message);
    }
}
