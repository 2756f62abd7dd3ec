package dev.posthorn.mailauth.arc;

import dev.posthorn.mailauth.dkim.Algorithm;
import dev.posthorn.mailauth.dkim.BodyHash;
import dev.posthorn.mailauth.dkim.Canonicalization;
import dev.posthorn.mailauth.dkim.DkimSigner;
import dev.posthorn.mailauth.dkim.FieldFolder;
import dev.posthorn.mailauth.dkim.HeaderField;
import dev.posthorn.mailauth.dkim.HeaderSection;
import dev.posthorn.mailauth.dkim.HeaderSelection;
import dev.posthorn.mailauth.dkim.SignatureField;
import dev.posthorn.mailauth.dkim.SigningKey;
import dev.posthorn.mailauth.dkim.TagList;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Adds an ARC set to a message this server passes on (RFC 8617 5.1): ARC-Authentication-Results copying this
 * server's Authentication-Results, an ARC-Message-Signature over the fields a DKIM signature covers and the body
 * (relaxed/relaxed), and an ARC-Seal over the chain with the chain's status in {@code cv=}. A chain that arrived
 * failed is sealed with {@code cv=fail}, the seal covering only the new set (RFC 8617 5.1.2); a chain whose newest
 * seal says {@code cv=fail} already, or that has 50 sets, gets nothing (RFC 8617 4.2.1: nothing can follow); nor
 * does a message with sets whose chain was not checked (status none given).
 * Safe for concurrent use.
 */
public final class ArcSealer {

    private final Clock clock;

    public ArcSealer(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * The three fields to put on top of {@code message} (AS, AMS, AAR, each ending in CRLF), or an empty string when
     * the chain cannot be continued.
     *
     * @param message the message as it arrived (the header section and body), without this server's
     *                Authentication-Results field
     * @param domain  the sealing domain ({@code d=}), lower case, with {@code key} published under it
     * @param results the value of this server's Authentication-Results field for the message (after the colon):
     *                authserv-id and results, with the {@code arc=} result of {@code chain}
     * @param chain   the chain validation status of the message as it arrived ({@link ArcVerifier}); none for a
     *                message with ARC sets means not checked, and nothing is added
     * @throws dev.posthorn.mailauth.dkim.HeaderTooLarge when the header section is too large to seal
     */
    public String seal(InputStream message, String domain, SigningKey key, String results, ArcResult.Status chain)
            throws IOException, GeneralSecurityException {
        if (!SignatureField.isDomain(domain) || !domain.equals(domain.toLowerCase(Locale.ROOT))) {
            throw new IllegalArgumentException("not a lower-case domain name: " + domain);
        }
        InputStream in = new BufferedInputStream(message, 64 * 1024);
        HeaderSection section = HeaderSection.read(in);
        ArcStructure.Chain structure = ArcStructure.read(section);
        Optional<Next> next = next(section, structure, chain);
        if (next.isEmpty()) {
            return "";
        }
        int instance = next.get().instance();
        Algorithm algorithm = Algorithm.of(key.key()).orElseThrow();
        String common = " a=" + algorithm.tagValue() + "; d=" + domain + "; s=" + key.selector() + "; t="
                + clock.instant().getEpochSecond() + ";";
        HeaderField aar = field(ArcStructure.RESULTS + ": i=" + instance + "; " + oneLine(results));
        HeaderField ams = field(messageSignature(section, in, instance, common, key, algorithm));
        StringBuilder sealed = new StringBuilder();
        if (next.get().cv() != ArcResult.Status.FAIL && structure instanceof ArcStructure.Sets sets) {
            for (ArcSet set : sets.sets()) {
                sealed.append(set.sealed(true));
            }
        }
        sealed.append(Canonicalization.RELAXED.header(aar)).append(Canonicalization.RELAXED.header(ams));
        FieldFolder as = new FieldFolder(Seal.NAME + ": i=" + instance + "; cv=" + next.get().cv().keyword() + ";");
        as.add(common).add(" b=");
        sealed.append(Canonicalization.relaxed(Seal.NAME, as.text().substring(Seal.NAME.length() + 1)));
        byte[] b = algorithm.sign(key.key(), sealed.toString().getBytes(StandardCharsets.ISO_8859_1));
        return as.addBase64(Base64.getEncoder().encodeToString(b)).text() + "\r\n" + ams.raw() + aar.raw();
    }

    /** The instance and {@code cv=} of the set to add. */
    private record Next(int instance, ArcResult.Status cv) {
    }

    /** What comes next in the chain, or empty when nothing can (see the class comment). */
    private static Optional<Next> next(HeaderSection section, ArcStructure.Chain structure, ArcResult.Status chain) {
        int instance = 1 + switch (structure) {
            case ArcStructure.Absent absent -> 0;
            case ArcStructure.Broken broken -> broken.highest();
            case ArcStructure.Sets sets -> sets.sets().size();
        };
        boolean terminated = section.fields().stream().filter(f -> f.is(Seal.NAME))
                .anyMatch(f -> cvFail(f, instance - 1));
        // A chain that was not checked (none given for a message with sets) cannot be vouched for either way.
        boolean unchecked = instance > 1 && chain == ArcResult.Status.NONE;
        if (instance > ArcStructure.MAX_INSTANCE || terminated || unchecked) {
            return Optional.empty();
        }
        ArcResult.Status cv = instance == 1 ? ArcResult.Status.NONE
                : structure instanceof ArcStructure.Sets && chain == ArcResult.Status.PASS ? ArcResult.Status.PASS
                : ArcResult.Status.FAIL;
        return Optional.of(new Next(instance, cv));
    }

    private static String messageSignature(HeaderSection section, InputStream body, int instance, String common,
                                           SigningKey key, Algorithm algorithm)
            throws IOException, GeneralSecurityException {
        BodyHash.Spec spec = new BodyHash.Spec(Canonicalization.RELAXED, Long.MAX_VALUE);
        Map<BodyHash.Spec, BodyHash> hashes = BodyHash.read(body, List.of(spec));
        List<String> names = signedNames(section);
        FieldFolder ams = new FieldFolder(ArcStructure.SIGNATURE + ": i=" + instance + ";");
        ams.add(common).add(" c=relaxed/relaxed;").add(" h=");
        for (int i = 0; i < names.size(); i++) {
            ams.add(names.get(i) + (i + 1 < names.size() ? ":" : ";"));
        }
        ams.add(" bh=" + Base64.getEncoder().encodeToString(hashes.get(spec).hash()) + ";").add(" b=");
        String unsigned = ams.text();
        String data = HeaderSelection.canonical(section, names, Canonicalization.RELAXED)
                + Canonicalization.relaxed(ArcStructure.SIGNATURE,
                unsigned.substring(ArcStructure.SIGNATURE.length() + 1));
        byte[] b = algorithm.sign(key.key(), data.getBytes(StandardCharsets.ISO_8859_1));
        return ams.addBase64(Base64.getEncoder().encodeToString(b)).text();
    }

    /** The fields a DKIM signature here covers, as often as the message has them; From at least once. */
    private static List<String> signedNames(HeaderSection section) {
        List<String> names = new ArrayList<>();
        for (String name : DkimSigner.DEFAULT_HEADERS) {
            int times = Math.max(section.named(name).size(), name.equals("From") ? 1 : 0);
            for (int i = 0; i < times; i++) {
                names.add(name);
            }
        }
        return names;
    }

    /** Whether {@code field} is the ARC-Seal of {@code instance} and says {@code cv=fail}: the chain has ended. */
    private static boolean cvFail(HeaderField field, int instance) {
        try {
            TagList tags = TagList.parse(field.value());
            return tags.get("i").equals(Optional.of(Integer.toString(instance)))
                    && tags.get("cv").equals(Optional.of("fail"));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** The results text, folded lines kept but no bare CR or LF (it came from our own writer, checked anyway). */
    private static String oneLine(String results) {
        String text = results.strip();
        if (text.replace("\r\n\t", "").replace("\r\n ", "").chars().anyMatch(c -> c == '\r' || c == '\n')) {
            throw new IllegalArgumentException("results with a line break that is not folding");
        }
        return text;
    }

    private static HeaderField field(String text) {
        return new HeaderField(text.substring(0, text.indexOf(':')), text + "\r\n");
    }
}
