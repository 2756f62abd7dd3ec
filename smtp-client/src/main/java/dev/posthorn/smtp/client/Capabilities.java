package dev.posthorn.smtp.client;

import dev.posthorn.smtp.Reply;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;

/**
 * The extensions a server announced in its EHLO or LHLO reply (RFC 5321 4.1.1.1): keyword (upper case) to its
 * parameters (may be empty). A server greeted with HELO has none.
 *
 * @param extensions keyword to parameter text
 */
public record Capabilities(Map<String, String> extensions) {

    public static final Capabilities NONE = new Capabilities(Map.of());

    public Capabilities {
        extensions = Map.copyOf(extensions);
    }

    /** Parses the lines after the first of an EHLO reply. */
    public static Capabilities parse(Reply ehlo) {
        Map<String, String> map = new LinkedHashMap<>();
        for (String line : ehlo.lines().subList(1, ehlo.lines().size())) {
            String trimmed = line.strip();
            if (trimmed.isEmpty()) {
                continue;
            }
            int space = trimmed.indexOf(' ');
            String keyword = (space < 0 ? trimmed : trimmed.substring(0, space)).toUpperCase(Locale.ROOT);
            map.putIfAbsent(keyword, space < 0 ? "" : trimmed.substring(space + 1).strip());
        }
        return new Capabilities(map);
    }

    public boolean supports(String keyword) {
        return extensions.containsKey(keyword.toUpperCase(Locale.ROOT));
    }

    /** The SIZE limit (RFC 1870), if announced with a number other than 0 (which means no fixed limit). */
    public OptionalLong sizeLimit() {
        String value = extensions.get("SIZE");
        if (value == null || value.isEmpty()) {
            return OptionalLong.empty();
        }
        try {
            long limit = Long.parseLong(value);
            return limit > 0 ? OptionalLong.of(limit) : OptionalLong.empty();
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }
}
