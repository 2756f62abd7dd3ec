package dev.posthorn.mailauth.dkim;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Signs messages (RFC 6376 5): one DKIM-Signature field per key of the author's domain ({@link FromDomain}, or the
 * nearest parent domain that has keys), relaxed/relaxed, with {@code t=} and, when configured, {@code x=}. A domain
 * with an RSA and an Ed25519 key gets both signatures (RFC 8463 6: receivers that do not know Ed25519 yet still
 * find the RSA one).
 *
 * <p>The body is read once, as a stream, for one hash that every signature shares; only the header section is held
 * in memory ({@link HeaderSection}, at most 1 MiB). Safe for concurrent use.
 */
public final class DkimSigner {

    /** The fields signed unless configured otherwise: those a reader sees and those that change how a body reads. */
    public static final List<String> DEFAULT_HEADERS = List.of("From", "To", "Cc", "Subject", "Date", "Message-ID",
            "Reply-To", "In-Reply-To", "References", "MIME-Version", "Content-Type", "Content-Transfer-Encoding");
    /** Fields signed once more than the message has them, so that none can be added. */
    public static final List<String> DEFAULT_OVERSIGNED = List.of("From");

    private final Map<String, List<SigningKey>> keys;
    private final List<String> headers;
    private final Set<String> oversigned;
    private final Optional<Duration> expiration;
    private final Clock clock;

    /**
     * @param keys       the keys of each domain, by lower-case domain name
     * @param headers    the field names to sign (From among them)
     * @param oversigned the names to sign once more than present (case-insensitive)
     * @param expiration how long a signature is valid ({@code x=}); empty for no limit
     */
    public DkimSigner(Map<String, List<SigningKey>> keys, List<String> headers, List<String> oversigned,
                      Optional<Duration> expiration, Clock clock) {
        Map<String, List<SigningKey>> copy = new LinkedHashMap<>();
        keys.forEach((domain, list) -> {
            if (!SignatureField.isDomain(domain) || !domain.equals(domain.toLowerCase(Locale.ROOT))) {
                throw new IllegalArgumentException("not a lower-case domain name: " + domain);
            }
            if (!list.isEmpty()) {
                copy.put(domain, List.copyOf(list));
            }
        });
        if (headers.stream().noneMatch(h -> h.equalsIgnoreCase("From"))) {
            throw new IllegalArgumentException("From must be signed (RFC 6376 5.4)");
        }
        this.keys = Map.copyOf(copy);
        this.headers = List.copyOf(headers);
        this.oversigned = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
        this.oversigned.addAll(oversigned);
        this.expiration = expiration;
        this.clock = clock;
    }

    /** Whether any domain has a key: without one, nothing is ever signed. */
    public boolean hasKeys() {
        return !keys.isEmpty();
    }

    /**
     * The DKIM-Signature fields for {@code message} (header section and body), each ending in CRLF, to be put on top
     * of it; empty when its author's domain has no key or the author cannot be told (see {@link FromDomain}).
     *
     * @throws HeaderTooLarge when the header section is too large to sign (the one case the message may go on
     *                        unsigned: it is the message's, not a fault here)
     * @throws IOException when reading fails
     * @throws GeneralSecurityException when a key cannot sign
     */
    public String sign(InputStream message) throws IOException, GeneralSecurityException {
        InputStream in = new BufferedInputStream(message, 64 * 1024);
        HeaderSection section = HeaderSection.read(in);
        Optional<String> domain = FromDomain.of(section).flatMap(this::signingDomain);
        if (domain.isEmpty()) {
            return "";
        }
        BodyHash hash = new BodyHash(Long.MAX_VALUE);
        try (OutputStream body = Canonicalization.RELAXED.body(hash)) {
            in.transferTo(body);
        }
        String bodyHash = Base64.getEncoder().encodeToString(hash.hash());
        List<String> names = signedNames(section);
        long now = clock.instant().getEpochSecond();
        StringBuilder fields = new StringBuilder();
        for (SigningKey key : keys.get(domain.get())) {
            fields.append(field(section, names, domain.get(), key, bodyHash, now));
        }
        return fields.toString();
    }

    /** The author's domain if it has keys, else its nearest parent that has (the signature still aligns, relaxed). */
    private Optional<String> signingDomain(String domain) {
        for (String d = domain; d != null; d = d.indexOf('.') < 0 ? null : d.substring(d.indexOf('.') + 1)) {
            if (keys.containsKey(d)) {
                return Optional.of(d);
            }
        }
        return Optional.empty();
    }

    /** Each configured name as often as the message has it, and an oversigned one once more. */
    private List<String> signedNames(HeaderSection section) {
        List<String> names = new ArrayList<>();
        for (String name : headers) {
            int present = section.named(name).size();
            int times = present + (oversigned.contains(name) ? 1 : 0);
            for (int i = 0; i < times; i++) {
                names.add(name);
            }
        }
        return names;
    }

    private String field(HeaderSection section, List<String> names, String domain, SigningKey key, String bodyHash,
                         long now) throws GeneralSecurityException {
        Algorithm algorithm = Algorithm.of(key.key()).orElseThrow();
        FieldFolder folder = new FieldFolder(SignatureField.NAME + ":");
        folder.add(" v=1;").add(" a=" + algorithm.tagValue() + ";").add(" c=relaxed/relaxed;")
                .add(" d=" + domain + ";").add(" s=" + key.selector() + ";").add(" t=" + now + ";");
        expiration.ifPresent(x -> folder.add(" x=" + (now + Math.max(1, x.toSeconds())) + ";"));
        folder.add(" h=");
        for (int i = 0; i < names.size(); i++) {
            folder.add(names.get(i) + (i + 1 < names.size() ? ":" : ";"));
        }
        folder.add(" bh=" + bodyHash + ";").add(" b=");
        String unsigned = folder.text();
        String data = HeaderSelection.canonical(section, names, Canonicalization.RELAXED)
                + Canonicalization.relaxed(SignatureField.NAME, unsigned.substring(unsigned.indexOf(':') + 1));
        byte[] signature = algorithm.sign(key.key(), data.getBytes(StandardCharsets.ISO_8859_1));
        return folder.addBase64(Base64.getEncoder().encodeToString(signature)).text() + "\r\n";
    }
}
