package dev.posthorn.mailauth.dkim;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.regex.Pattern;

/**
 * A DKIM-Signature field, read and checked as RFC 6376 3.5 and 6.1.1 say: every required tag present, every value
 * well formed, {@code i=} within {@code d=}, {@code From} among the signed fields, {@code x=} after {@code t=} and
 * not yet past. Anything else is a {@link Refusal} with status PERMERROR.
 *
 * <p>An ARC-Message-Signature (RFC 8617 4.1.2) is read by the same rules, with the differences that section lists:
 * no {@code v=}, and {@code i=} is the ARC instance (checked by the ARC code), not an identity; it may not sign
 * ARC-Seal fields.
 *
 * @param field      the field as received
 * @param algorithm  {@code a=}
 * @param signature  {@code b=}, decoded
 * @param bodyHash   {@code bh=}, decoded
 * @param header     the header canonicalization ({@code c=}, default simple)
 * @param body       the body canonicalization
 * @param domain     {@code d=}, lower case
 * @param signed     {@code h=}, the field names in order
 * @param identity   {@code i=}, or {@code @d}
 * @param length     {@code l=}, or empty for the whole body
 * @param selector   {@code s=}
 * @param timestamp  {@code t=}, seconds since the epoch
 * @param expiration {@code x=}, seconds since the epoch
 * @param bValue     where {@code b=}'s value is in {@code field.raw()}: start and end
 */
public record SignatureField(HeaderField field, Algorithm algorithm, byte[] signature, byte[] bodyHash,
                      Canonicalization header, Canonicalization body, String domain, List<String> signed,
                      String identity, OptionalLong length, String selector, OptionalLong timestamp,
                      OptionalLong expiration, int[] bValue) {

    static final String NAME = "DKIM-Signature";

    private static final Pattern LABELS = Pattern.compile(
            "[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?(?:\\.[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?)*");
    private static final Pattern DIGITS = Pattern.compile("[0-9]{1,76}");
    private static final Pattern FIELD_NAME = Pattern.compile("[\\x21-\\x39\\x3b-\\x7e]+");

    /** Whether {@code text} is a domain name or selector as DKIM writes them (RFC 6376 3.5 sub-domain labels). */
    public static boolean isDomain(String text) {
        return text.length() <= 253 && LABELS.matcher(text).matches();
    }

    /** What a result can say about a field whose tags could be read, whatever else is wrong with it. */
    static DkimResult result(TagList tags, DkimResult.Status status, String reason) {
        String b = TagList.withoutSpace(tags.get("b").orElse(""));
        String algorithm = tags.get("a").filter(a -> Algorithm.named(a).isPresent()).orElse("");
        String domain = tags.get("d").orElse("").toLowerCase(Locale.ROOT);
        return new DkimResult(status, domain, tags.get("s").orElse(""),
                b.substring(0, Math.min(b.length(), DkimResult.B_PREFIX)), reason, algorithm,
                tags.get("i").orElse(domain.isEmpty() ? "" : "@" + domain));
    }

    /**
     * Checks the tags of {@code field} ({@code tags} is its parsed value).
     *
     * @param now seconds since the epoch, for {@code x=}
     */
    static SignatureField parse(HeaderField field, TagList tags, long now) throws Refusal {
        try {
            return read(field, tags, now, false);
        } catch (IllegalArgumentException e) {
            throw Refusal.permanent(e.getMessage());
        }
    }

    /** Checks the tags of an ARC-Message-Signature field (RFC 8617 4.1.2), {@code tags} being its parsed value. */
    public static SignatureField parseArc(HeaderField field, TagList tags, long now) throws Refusal {
        try {
            return read(field, tags, now, true);
        } catch (IllegalArgumentException e) {
            throw Refusal.permanent(e.getMessage());
        }
    }

    private static SignatureField read(HeaderField field, TagList tags, long now, boolean arc) throws Refusal {
        if (!arc && !tags.require("v").equals("1")) {
            throw Refusal.permanent("incompatible version v=" + tags.require("v"));
        }
        String a = tags.require("a");
        if (a.equals("rsa-sha1")) {
            throw Refusal.permanent("rsa-sha1 is not accepted (RFC 8301)");
        }
        Algorithm algorithm = Algorithm.named(a).orElseThrow(() -> Refusal.permanent("unknown algorithm " + a));
        byte[] signature = base64("b", tags.require("b"));
        byte[] bodyHash = base64("bh", tags.require("bh"));
        if (bodyHash.length != 32) {
            throw Refusal.permanent("bh= is not a SHA-256 hash");
        }
        String domain = tags.require("d").toLowerCase(Locale.ROOT);
        if (!isDomain(domain)) {
            throw Refusal.permanent("d= is not a domain name");
        }
        String selector = tags.require("s");
        if (!isDomain(selector)) {
            throw Refusal.permanent("s= is not a selector");
        }
        List<String> signed = signedFields(tags.require("h"));
        String[] c = tags.get("c").orElse("simple").split("/", -1);
        if (c.length > 2) {
            throw Refusal.permanent("bad c= value");
        }
        Canonicalization header = canonicalization(c[0]);
        Canonicalization body = c.length == 2 ? canonicalization(c[1]) : Canonicalization.SIMPLE;
        if (arc && signed.stream().anyMatch(n -> n.equalsIgnoreCase("ARC-Seal"))) {
            throw Refusal.permanent("an ARC-Message-Signature may not sign ARC-Seal (RFC 8617 4.1.2)");
        }
        String identity = arc ? "@" + domain : tags.get("i").orElse("@" + domain);
        checkIdentity(identity, domain);
        if (tags.get("q").isPresent() && !List.of(tags.require("q").split(":")).stream().map(TagList::trimSpace)
                .toList().contains("dns/txt")) {
            throw Refusal.permanent("q= does not offer dns/txt");
        }
        OptionalLong length = number(tags, "l");
        OptionalLong timestamp = number(tags, "t");
        OptionalLong expiration = number(tags, "x");
        if (expiration.isPresent() && timestamp.isPresent()
                && expiration.getAsLong() <= timestamp.getAsLong()) {
            throw Refusal.permanent("x= is not after t=");
        }
        if (expiration.isPresent() && expiration.getAsLong() < now) {
            throw Refusal.permanent("signature expired");
        }
        TagList.Tag b = tags.tags().get("b");
        int offset = field.raw().indexOf(':') + 1;
        return new SignatureField(field, algorithm, signature, bodyHash, header, body, domain, signed, identity,
                length, selector, timestamp, expiration, new int[] {offset + b.valueStart(), offset + b.valueEnd()});
    }

    private static List<String> signedFields(String h) throws Refusal {
        List<String> names = new ArrayList<>();
        for (String name : h.split(":", -1)) {
            String trimmed = TagList.trimSpace(name);
            if (!FIELD_NAME.matcher(trimmed).matches()) {
                throw Refusal.permanent("bad field name in h=");
            }
            names.add(trimmed);
        }
        if (names.stream().noneMatch(n -> n.equalsIgnoreCase("From"))) {
            throw Refusal.permanent("From is not signed (h= lacks it)");
        }
        return List.copyOf(names);
    }

    private static Canonicalization canonicalization(String name) throws Refusal {
        return Canonicalization.named(name).orElseThrow(() -> Refusal.permanent("unknown canonicalization " + name));
    }

    /** RFC 6376 3.5 i=: the domain of the identity is d= or a subdomain of it. */
    private static void checkIdentity(String identity, String domain) throws Refusal {
        int at = identity.lastIndexOf('@');
        String of = at < 0 ? "" : identity.substring(at + 1).toLowerCase(Locale.ROOT);
        if (at < 0 || !(of.equals(domain) || of.endsWith("." + domain))) {
            throw Refusal.permanent("i= is not within d=");
        }
    }

    private static OptionalLong number(TagList tags, String name) throws Refusal {
        if (tags.get(name).isEmpty()) {
            return OptionalLong.empty();
        }
        String text = tags.require(name);
        if (!DIGITS.matcher(text).matches()) {
            throw Refusal.permanent("bad " + name + "= value");
        }
        BigInteger value = new BigInteger(text);
        return OptionalLong.of(value.bitLength() < 63 ? value.longValue() : Long.MAX_VALUE);
    }

    public static byte[] base64(String name, String value) throws Refusal {
        String text = TagList.withoutSpace(value);
        try {
            byte[] decoded = Base64.getDecoder().decode(text);
            if (decoded.length == 0) {
                throw Refusal.permanent(name + "= is empty");
            }
            return decoded;
        } catch (IllegalArgumentException e) {
            throw Refusal.permanent(name + "= is not base64");
        }
    }

    /**
     * Whether {@code b=} is a good signature by {@code key} of the fields {@code h=} names in {@code section} and of
     * this field without its {@code b=} value (RFC 6376 3.7); the body hash is the caller's to check.
     */
    public boolean headerVerifies(HeaderSection section, KeyRecord key) {
        String data = HeaderSelection.canonical(section, signed, header) + canonicalWithoutB();
        try {
            return algorithm.verify(key.key(), data.getBytes(StandardCharsets.ISO_8859_1), signature);
        } catch (GeneralSecurityException e) {
            return false; // a malformed signature value: as good as a wrong one
        }
    }

    /** The field with the value of {@code b=} removed, canonicalized, without its line break (RFC 6376 3.7). */
    String canonicalWithoutB() {
        String raw = field.raw();
        HeaderField blank = new HeaderField(field.name(), raw.substring(0, bValue[0]) + raw.substring(bValue[1]));
        String canonical = header.header(blank);
        return canonical.endsWith("\r\n") ? canonical.substring(0, canonical.length() - 2) : canonical;
    }
}
