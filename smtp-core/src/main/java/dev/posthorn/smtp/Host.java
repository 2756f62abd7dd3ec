package dev.posthorn.smtp;

/** The part of a mailbox after the {@code @}: a domain name or an address literal (RFC 5321 4.1.2). */
public sealed interface Host permits Domain, AddressLiteral {

    /** The host as written on the wire. */
    String text();

    /** Whether the text is plain ASCII (RFC 6531: otherwise the transaction needs SMTPUTF8). */
    default boolean isAscii() {
        return text().chars().allMatch(c -> c < 0x80);
    }
}
