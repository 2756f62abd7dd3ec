package dev.posthorn.mta.spool;

/**
 * What the sender of a message asked about TLS on its onward way (RFC 8689): nothing, REQUIRETLS on MAIL FROM, or a
 * {@code TLS-Required: No} header field. Kept with the queued message: the tag RFC 8689 4.1 asks a receiving server
 * to put on the message, which every later delivery attempt (and its reports) obeys.
 */
public enum TlsRequest {

    /** Nothing asked: the recipient domain's policy (MTA-STS, DANE) decides, as for any message. */
    NONE(""),
    /**
     * MAIL FROM with REQUIRETLS (RFC 8689 4.2.1): only over TLS with a validated certificate to a next hop that
     * advertises REQUIRETLS, which gets the option again; a {@code TLS-Required} field is then ignored (RFC 8689 4.1).
     */
    REQUIRETLS("requiretls"),
    /**
     * {@code TLS-Required: No} without REQUIRETLS (RFC 8689 4.3): the sender prefers delivery to security, so MTA-STS
     * and DANE failures do not stop the message; TLS is still used whenever the next hop offers it.
     */
    TLS_OPTIONAL("optional");

    private final String keyword;

    TlsRequest(String keyword) {
        this.keyword = keyword;
    }

    /** The word the spool envelope writes ({@code param tls <keyword>}); empty for {@link #NONE}, never written. */
    public String keyword() {
        return keyword;
    }

    /** The request a keyword names. @throws IllegalArgumentException for an unknown keyword */
    public static TlsRequest of(String keyword) {
        for (TlsRequest request : values()) {
            if (request != NONE && request.keyword.equals(keyword)) {
                return request;
            }
        }
        throw new IllegalArgumentException("unknown TLS request");
    }
}
