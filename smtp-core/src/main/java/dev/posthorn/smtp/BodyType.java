package dev.posthorn.smtp;

/** The MAIL BODY parameter: RFC 6152 (8BITMIME) and RFC 3030 (BINARYMIME). */
public enum BodyType {
    SEVEN_BIT("7BIT"),
    EIGHT_BIT_MIME("8BITMIME"),
    BINARY_MIME("BINARYMIME");

    private final String keyword;

    BodyType(String keyword) {
        this.keyword = keyword;
    }

    public String keyword() {
        return keyword;
    }

    static BodyType parse(String value) {
        for (BodyType type : values()) {
            if (Ascii.equalsIgnoreCase(type.keyword, value)) {
                return type;
            }
        }
        throw new IllegalArgumentException("BODY must be 7BIT, 8BITMIME or BINARYMIME");
    }
}
