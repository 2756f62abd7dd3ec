package dev.posthorn.mailauth.spf;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * A {@code macro-string} or {@code domain-spec} of an SPF record (RFC 7208 7.1), parsed once into literal text and
 * macro expansions, expanded per check (7.3).
 *
 * @param parts the literal and macro parts in order
 */
record MacroString(List<Part> parts) {

    /** The most parts a transformer keeps is bounded anyway by the value; RFC 7208 7.3 asks for at least 127. */
    private static final int MAX_DIGITS = 128;
    /** RFC 7208 7.3: a domain name longer than this is cut on the left, whole labels at a time. */
    static final int MAX_DOMAIN = 253;
    private static final Pattern TOPLABEL =
            Pattern.compile("[A-Za-z0-9]*[A-Za-z][A-Za-z0-9]*|[A-Za-z0-9]+-[A-Za-z0-9-]*[A-Za-z0-9]");
    private static final String DELIMITERS = ".-+,/_=";

    MacroString {
        parts = List.copyOf(parts);
    }

    /** One piece of a macro string. */
    sealed interface Part {
    }

    /** Text used as written ({@code %%}, {@code %_} and {@code %-} already decoded). */
    record Literal(String text) implements Part {
    }

    /**
     * {@code %{letter digits r delimiters}}.
     *
     * @param letter     the macro letter, lower case
     * @param keep       how many right-hand parts to keep; 0 for all
     * @param reverse    whether the parts are reversed first
     * @param delimiters the characters to split on ({@code .} when none are given)
     * @param urlEscape  whether the letter was upper case: the value is URL-escaped (RFC 7208 7.3)
     */
    record Expand(char letter, int keep, boolean reverse, String delimiters, boolean urlEscape) implements Part {
    }

    /**
     * Parses a macro-string.
     *
     * @param explanation whether this is an {@code exp=} string, where the {@code c}, {@code r} and {@code t} letters
     *                    are allowed (RFC 7208 7.2)
     */
    static MacroString parse(String text, boolean explanation) throws SpfSyntaxException {
        List<Part> parts = new ArrayList<>();
        StringBuilder literal = new StringBuilder();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c != '%') {
                if (c < 0x21 || c > 0x7e) {
                    throw new SpfSyntaxException("character not allowed in a macro string: U+"
                            + String.format(Locale.ROOT, "%04X", (int) c));
                }
                literal.append(c);
                continue;
            }
            if (i + 1 >= text.length()) {
                throw new SpfSyntaxException("'%' at the end of a macro string");
            }
            char next = text.charAt(++i);
            switch (next) {
                case '%' -> literal.append('%');
                case '_' -> literal.append(' ');
                case '-' -> literal.append("%20");
                case '{' -> {
                    int close = text.indexOf('}', i);
                    if (close < 0) {
                        throw new SpfSyntaxException("unterminated macro");
                    }
                    if (!literal.isEmpty()) {
                        parts.add(new Literal(literal.toString()));
                        literal.setLength(0);
                    }
                    parts.add(expand(text.substring(i + 1, close), explanation));
                    i = close;
                }
                default -> throw new SpfSyntaxException("'%" + next + "' is not a macro");
            }
        }
        if (!literal.isEmpty()) {
            parts.add(new Literal(literal.toString()));
        }
        return new MacroString(parts);
    }

    /** Parses a domain-spec: a macro-string ending in a top label or a macro (RFC 7208 12 {@code domain-end}). */
    static MacroString domainSpec(String text) throws SpfSyntaxException {
        if (text.isEmpty()) {
            throw new SpfSyntaxException("empty domain-spec");
        }
        MacroString spec = parse(text, false);
        if (!endsInMacro(text) && !(spec.parts.getLast() instanceof Literal last && endsInTopLabel(last.text()))) {
            throw new SpfSyntaxException("domain-spec does not end in a top-level label: " + text);
        }
        return spec;
    }

    /** Whether the last token of a (well-formed) macro string is a macro-expand rather than literal text. */
    private static boolean endsInMacro(String text) {
        boolean macro = false;
        for (int i = 0; i < text.length(); i++) {
            macro = text.charAt(i) == '%';
            if (macro) {
                i = text.charAt(i + 1) == '{' ? text.indexOf('}', i) : i + 1;
            }
        }
        return macro;
    }

    private static boolean endsInTopLabel(String literal) {
        String text = literal.endsWith(".") ? literal.substring(0, literal.length() - 1) : literal;
        int dot = text.lastIndexOf('.');
        return dot >= 0 && TOPLABEL.matcher(text.substring(dot + 1)).matches();
    }

    private static Expand expand(String body, boolean explanation) throws SpfSyntaxException {
        if (body.isEmpty()) {
            throw new SpfSyntaxException("empty macro");
        }
        char given = body.charAt(0);
        char letter = Character.toLowerCase(given);
        if ("slodiphv".indexOf(letter) < 0 && !(explanation && "crt".indexOf(letter) >= 0)) {
            throw new SpfSyntaxException("unknown macro letter '" + given + "'");
        }
        int i = 1;
        int digitsStart = i;
        while (i < body.length() && Character.isDigit(body.charAt(i))) {
            i++;
        }
        int keep = 0;
        if (i > digitsStart) {
            String digits = body.substring(digitsStart, i);
            keep = digits.length() > 3 ? MAX_DIGITS : Math.min(Integer.parseInt(digits), MAX_DIGITS);
            if (digits.chars().allMatch(c -> c == '0')) {
                throw new SpfSyntaxException("a macro keeps at least one part");
            }
        }
        boolean reverse = i < body.length() && (body.charAt(i) == 'r' || body.charAt(i) == 'R');
        if (reverse) {
            i++;
        }
        String delimiters = body.substring(i);
        for (char d : delimiters.toCharArray()) {
            if (DELIMITERS.indexOf(d) < 0) {
                throw new SpfSyntaxException("'" + d + "' is not a macro delimiter");
            }
        }
        return new Expand(letter, keep, reverse, delimiters.isEmpty() ? "." : delimiters,
                Character.isUpperCase(given));
    }

    /** Whether any part is a macro. */
    boolean hasMacros() {
        return parts.stream().anyMatch(Expand.class::isInstance);
    }

    /**
     * The text with every macro replaced by {@code values.apply(letter)} transformed as RFC 7208 7.3 says.
     */
    String expand(Function<Character, String> values) {
        StringBuilder out = new StringBuilder();
        for (Part part : parts) {
            switch (part) {
                case Literal literal -> out.append(literal.text());
                case Expand macro -> out.append(transform(macro, values.apply(macro.letter())));
            }
        }
        return out.toString();
    }

    /** Expands a domain-spec and cuts it to {@value #MAX_DOMAIN} characters from the left (RFC 7208 7.3). */
    String expandDomain(Function<Character, String> values) {
        String domain = expand(values);
        if (domain.endsWith(".")) {
            domain = domain.substring(0, domain.length() - 1);
        }
        while (domain.length() > MAX_DOMAIN) {
            int dot = domain.indexOf('.');
            if (dot < 0) {
                return domain; // one over-long label: no DNS name; the lookup answers that
            }
            domain = domain.substring(dot + 1);
        }
        return domain;
    }

    private static String transform(Expand macro, String value) {
        List<String> pieces = new ArrayList<>(Arrays.asList(split(value, macro.delimiters())));
        if (macro.reverse()) {
            Collections.reverse(pieces);
        }
        if (macro.keep() > 0 && macro.keep() < pieces.size()) {
            pieces = pieces.subList(pieces.size() - macro.keep(), pieces.size());
        }
        String joined = String.join(".", pieces);
        return macro.urlEscape() ? urlEscape(joined) : joined;
    }

    private static String[] split(String value, String delimiters) {
        List<String> pieces = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < value.length(); i++) {
            if (delimiters.indexOf(value.charAt(i)) >= 0) {
                pieces.add(value.substring(start, i));
                start = i + 1;
            }
        }
        pieces.add(value.substring(start));
        return pieces.toArray(String[]::new);
    }

    /** RFC 3986 2.3: everything but unreserved characters is percent-encoded (of its UTF-8 octets). */
    private static String urlEscape(String text) {
        StringBuilder out = new StringBuilder();
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || "-._~".indexOf(c) >= 0) {
                out.append((char) c);
            } else {
                out.append('%').append(String.format(Locale.ROOT, "%02X", c));
            }
        }
        return out.toString();
    }
}
