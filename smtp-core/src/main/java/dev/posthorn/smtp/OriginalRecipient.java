package dev.posthorn.smtp;

import java.util.Objects;

/**
 * The RCPT ORCPT parameter (RFC 3461 4.2): the recipient as the original sender wrote it.
 *
 * @param addressType the address type, normally {@code rfc822} or {@code utf-8}
 * @param address     the decoded address
 */
public record OriginalRecipient(String addressType, String address) {

    public OriginalRecipient {
        Objects.requireNonNull(addressType, "addressType");
        Objects.requireNonNull(address, "address");
        if (addressType.isEmpty() || !addressType.chars().allMatch(c -> Ascii.isAtext(c, false))) {
            throw new IllegalArgumentException("invalid ORCPT address type");
        }
        if (address.isEmpty() || address.chars().anyMatch(c -> c < 0x20 || c == 0x7f) || Ascii.hasInvisible(address)) {
            throw new IllegalArgumentException("invalid ORCPT address");
        }
    }

    /** The wire form, {@code type;xtext}. */
    public String toParameter() {
        return addressType + ";" + Xtext.encode(address);
    }
}
