package dev.posthorn.mailauth.spf;

/** An SPF record that does not follow the RFC 7208 12 grammar: check_host() returns permerror (RFC 7208 4.6). */
final class SpfSyntaxException extends Exception {

    private static final long serialVersionUID = 1L;

    SpfSyntaxException(String message) {
        super(message);
    }
}
