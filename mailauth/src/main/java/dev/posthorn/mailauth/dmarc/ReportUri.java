package dev.posthorn.mailauth.dmarc;

import dev.posthorn.smtp.Mailbox;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One destination of a {@code rua} tag (RFC 7489 6.2, 6.3) that Posthorn can send to: a {@code mailto:} URI, with the
 * largest report its owner takes ({@code !10m}). Other schemes are skipped, as 6.2 allows (only {@code mailto} must
 * be supported).
 *
 * @param mailbox the address reports go to
 * @param maxSize the largest report in octets the owner accepts, if the URI says
 */
public record ReportUri(Mailbox mailbox, OptionalLong maxSize) {

    /** More destinations than this in one record are ignored (6.2 asks receivers to support at least two). */
    public static final int MAX_URIS = 5;

    private static final Pattern MAILTO = Pattern.compile("(?i)mailto:([^?!]+)(?:\\?[^!]*)?(?:!([0-9]{1,15})([kmgt])?)?");

    public ReportUri {
        Objects.requireNonNull(mailbox, "mailbox");
        Objects.requireNonNull(maxSize, "maxSize");
    }

    /** The usable destinations of a {@code rua} value: comma-separated URIs, unusable ones left out. */
    public static List<ReportUri> parseList(String rua) {
        List<ReportUri> uris = new ArrayList<>();
        for (String item : rua.split(",")) {
            if (uris.size() == MAX_URIS) {
                break;
            }
            Matcher m = MAILTO.matcher(item.strip());
            if (!m.matches()) {
                continue;
            }
            try {
                Mailbox mailbox = Mailbox.parse(percentDecoded(m.group(1)), false);
                uris.add(new ReportUri(mailbox, size(m.group(2), m.group(3))));
            } catch (IllegalArgumentException e) {
                // not an address: skipped, like an unknown scheme
            }
        }
        return List.copyOf(uris);
    }

    /** The URI as a report's text names it. */
    @Override
    public String toString() {
        return "mailto:" + mailbox + (maxSize.isPresent() ? "!" + maxSize.getAsLong() : "");
    }

    private static OptionalLong size(String digits, String unit) {
        if (digits == null) {
            return OptionalLong.empty();
        }
        long value = Long.parseLong(digits);
        int shift = unit == null ? 0 : switch (unit.toLowerCase(Locale.ROOT)) {
            case "k" -> 10;
            case "m" -> 20;
            case "g" -> 30;
            default -> 40;
        };
        return OptionalLong.of(value > (Long.MAX_VALUE >> shift) ? Long.MAX_VALUE : value << shift);
    }

    /** RFC 3986 2.1; a malformed escape makes the address unusable. */
    private static String percentDecoded(String text) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '%') {
                if (i + 2 >= text.length()) {
                    throw new IllegalArgumentException("bad percent escape");
                }
                int octet = Integer.parseInt(text.substring(i + 1, i + 3), 16);
                if (octet < 0x21 || octet > 0x7e) {
                    throw new IllegalArgumentException("not a printable character");
                }
                out.write(octet);
                i += 2;
            } else if (c < 0x21 || c > 0x7e) {
                throw new IllegalArgumentException("not a URI character");
            } else {
                out.write(c);
            }
        }
        return out.toString(StandardCharsets.US_ASCII);
    }
}
