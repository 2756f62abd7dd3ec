package dev.posthorn.mailauth.arc;

import dev.posthorn.mailauth.dkim.Algorithm;
import dev.posthorn.mailauth.dkim.Canonicalization;
import dev.posthorn.mailauth.dkim.HeaderField;
import dev.posthorn.mailauth.dkim.Refusal;
import dev.posthorn.mailauth.dkim.SignatureField;
import dev.posthorn.mailauth.dkim.TagList;
import java.util.Locale;

/**
 * An ARC-Seal field (RFC 8617 4.1.3): like a DKIM-Signature without {@code h=}, {@code bh=} or {@code c=} (it signs
 * only ARC fields, always relaxed), with {@code cv=}.
 *
 * @param field     the field as received
 * @param tags      its tags
 * @param instance  {@code i=}
 * @param cv        {@code cv=}
 */
record Seal(HeaderField field, TagList tags, int instance, ArcResult.Status cv) {

    static final String NAME = "ARC-Seal";

    /** The tags of a seal whose instance and {@code cv=} {@link ArcStructure} has read already. */
    record Checked(Algorithm algorithm, byte[] signature, String domain, String selector) {
    }

    /** The signature tags, checked as RFC 8617 4.1.3 and RFC 6376 3.5 say. */
    Checked check() throws Refusal {
        try {
            if (tags.get("h").isPresent()) {
                throw Refusal.permanent("h= in an ARC-Seal (RFC 8617 4.1.3)");
            }
            String a = tags.require("a");
            Algorithm algorithm = Algorithm.named(a).orElseThrow(() -> Refusal.permanent("unknown algorithm " + a));
            String domain = tags.require("d").toLowerCase(Locale.ROOT);
            String selector = tags.require("s");
            if (!SignatureField.isDomain(domain) || !SignatureField.isDomain(selector)) {
                throw Refusal.permanent("bad d= or s= in ARC-Seal");
            }
            return new Checked(algorithm, SignatureField.base64("b", tags.require("b")), domain, selector);
        } catch (IllegalArgumentException e) {
            throw Refusal.permanent(e.getMessage());
        }
    }

    /** The field without the value of {@code b=}, relaxed, without its line break: the last input it signs. */
    String canonicalWithoutB() {
        return withoutB(field, tags);
    }

    /** A signature field with its {@code b=} value blanked (RFC 6376 3.7), relaxed, without line break. */
    static String withoutB(HeaderField field, TagList tags) {
        TagList.Tag b = tags.tags().get("b");
        String raw = field.raw();
        int offset = raw.indexOf(':') + 1;
        String value = raw.substring(offset, offset + b.valueStart()) + raw.substring(offset + b.valueEnd());
        return Canonicalization.relaxed(field.name(), value);
    }
}
