package dev.posthorn.mailauth.arc;

import dev.posthorn.mailauth.dkim.Algorithm;
import dev.posthorn.mailauth.dkim.BodyHash;
import dev.posthorn.mailauth.dkim.HeaderSection;
import dev.posthorn.mailauth.dkim.HeaderTooLarge;
import dev.posthorn.mailauth.dkim.KeyLookup;
import dev.posthorn.mailauth.dkim.KeyRecord;
import dev.posthorn.mailauth.dkim.Refusal;
import dev.posthorn.mailauth.dkim.SignatureField;
import dev.posthorn.mailauth.dkim.TagList;
import dev.posthorn.mailauth.dns.Answer;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Validates a message's ARC chain as RFC 8617 5.2 says: the form of the sets ({@link ArcStructure}), the newest
 * ARC-Message-Signature, the oldest-pass (step 6), then every ARC-Seal from the newest down. Safe for concurrent use.
 */
public final class ArcVerifier {

    /** Distinct key records looked up per message: a 50-instance chain of 50 domains vouches for nothing anyway. */
    public static final int MAX_KEY_LOOKUPS = 20;
    /** No key is looked up once this long has passed since the check began (as SPF's 20 s, RFC 7208 4.6.4). */
    public static final Duration TIME_LIMIT = Duration.ofSeconds(20);

    private final KeyLookup keys;
    private final Clock clock;

    public ArcVerifier(KeyLookup keys, Clock clock) {
        this.keys = Objects.requireNonNull(keys, "keys");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** One message's key lookups, counted and under the time limit; answers kept per name. */
    private final class Lookups {
        private final Map<String, Answer<String>> answers = new HashMap<>();
        private final Instant deadline = clock.instant().plus(TIME_LIMIT);

        KeyRecord key(String selector, String domain, Algorithm algorithm) throws Refusal {
            String name = selector + "._domainkey." + domain;
            if (!answers.containsKey(name)) {
                if (answers.size() >= MAX_KEY_LOOKUPS) {
                    throw Refusal.permanent("more than " + MAX_KEY_LOOKUPS + " key records to look up");
                }
                if (clock.instant().isAfter(deadline)) {
                    throw Refusal.permanent("key lookups took longer than " + TIME_LIMIT.toSeconds() + " s");
                }
            }
            return KeyRecord.fetch(keys, selector, domain, algorithm, answers);
        }
    }

    /**
     * The chain validation status of {@code message}, read to its end.
     *
     * @throws IOException only when reading the message fails
     */
    public ArcResult verify(InputStream message) throws IOException {
        InputStream in = new BufferedInputStream(message, 64 * 1024);
        HeaderSection section;
        try {
            section = HeaderSection.read(in);
        } catch (HeaderTooLarge e) {
            return ArcResult.fail(0, e.getMessage());
        }
        return switch (ArcStructure.read(section)) {
            case ArcStructure.Absent absent -> ArcResult.NONE;
            case ArcStructure.Broken broken -> ArcResult.fail(broken.highest(), broken.reason());
            case ArcStructure.Sets sets -> validate(section, sets.sets(), in);
        };
    }

    /** A message signature read, with the key to check it; or why it cannot validate. */
    private record Prepared(Optional<SignatureField> signature, Optional<KeyRecord> key, String problem) {
    }

    private ArcResult validate(HeaderSection section, List<ArcSet> sets, InputStream body) throws IOException {
        int n = sets.size();
        long now = clock.instant().getEpochSecond();
        Lookups lookups = new Lookups();
        // Newest first: the lookups the verdict needs come before those only oldest-pass needs (step 6, optional).
        List<Prepared> prepared = new ArrayList<>();
        for (ArcSet set : sets.reversed()) {
            prepared.addFirst(prepare(set, now, lookups));
        }
        List<BodyHash.Spec> specs = prepared.stream().flatMap(p -> p.signature().stream())
                .map(s -> new BodyHash.Spec(s.body(), s.length().orElse(Long.MAX_VALUE))).toList();
        Map<BodyHash.Spec, BodyHash> hashes = BodyHash.read(body, specs);
        Optional<String> newest = problem(section, prepared.getLast(), hashes);
        if (newest.isPresent()) {
            return ArcResult.fail(n, "ARC-Message-Signature i=" + n + ": " + newest.get());
        }
        int oldestPass = 0;
        for (int i = n - 1; i >= 1; i--) {
            if (problem(section, prepared.get(i - 1), hashes).isPresent()) {
                oldestPass = i + 1;
                break;
            }
        }
        String domain = "";
        for (int i = n; i >= 1; i--) {
            Optional<String> seal = sealProblem(sets, i, lookups);
            if (seal.isPresent()) {
                return ArcResult.fail(n, "ARC-Seal i=" + i + ": " + seal.get());
            }
            if (i == n) {
                domain = sets.getLast().seal().tags().get("d").orElse("");
            }
        }
        return new ArcResult(ArcResult.Status.PASS, n, oldestPass, domain.toLowerCase(java.util.Locale.ROOT),
                "chain of " + n + " validated");
    }

    private static Prepared prepare(ArcSet set, long now, Lookups lookups) {
        try {
            TagList tags = TagList.parse(set.signature().value());
            SignatureField signature = SignatureField.parseArc(set.signature(), tags, now);
            KeyRecord key = lookups.key(signature.selector(), signature.domain(), signature.algorithm());
            return new Prepared(Optional.of(signature), Optional.of(key), "");
        } catch (IllegalArgumentException e) {
            return new Prepared(Optional.empty(), Optional.empty(), "bad tag list: " + e.getMessage());
        } catch (Refusal refusal) {
            return new Prepared(Optional.empty(), Optional.empty(), refusal.getMessage());
        }
    }

    /** Why an ARC-Message-Signature does not validate (RFC 8617 5.2 step 5); empty when it does. */
    private static Optional<String> problem(HeaderSection section, Prepared prepared,
                                            Map<BodyHash.Spec, BodyHash> hashes) {
        if (prepared.signature().isEmpty()) {
            return Optional.of(prepared.problem());
        }
        SignatureField signature = prepared.signature().get();
        BodyHash hash = hashes.get(new BodyHash.Spec(signature.body(), signature.length().orElse(Long.MAX_VALUE)));
        if (signature.length().isPresent() && hash.length() != signature.length().getAsLong()) {
            return Optional.of("body length differs from l=");
        }
        if (!MessageDigest.isEqual(hash.hash(), signature.bodyHash())) {
            return Optional.of("body hash did not verify");
        }
        return signature.headerVerifies(section, prepared.key().orElseThrow()) ? Optional.empty()
                : Optional.of("signature did not verify");
    }

    /** Why the ARC-Seal of instance {@code i} does not validate (RFC 8617 5.2 step 7); empty when it does. */
    private static Optional<String> sealProblem(List<ArcSet> sets, int i, Lookups lookups) {
        Seal seal = sets.get(i - 1).seal();
        try {
            Seal.Checked checked = seal.check();
            KeyRecord key = lookups.key(checked.selector(), checked.domain(), checked.algorithm());
            StringBuilder data = new StringBuilder();
            for (ArcSet set : sets.subList(0, i)) {
                data.append(set.sealed(set.instance() < i));
            }
            data.append(seal.canonicalWithoutB());
            boolean good = checked.algorithm().verify(key.key(),
                    data.toString().getBytes(StandardCharsets.ISO_8859_1), checked.signature());
            return good ? Optional.empty() : Optional.of("signature did not verify");
        } catch (Refusal refusal) {
            return Optional.of(refusal.getMessage());
        } catch (GeneralSecurityException e) {
            return Optional.of("signature did not verify");
        }
    }
}
