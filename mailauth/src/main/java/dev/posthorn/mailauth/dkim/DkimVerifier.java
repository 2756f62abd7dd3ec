package dev.posthorn.mailauth.dkim;

import dev.posthorn.mailauth.dkim.DkimResult.Status;
import dev.posthorn.mailauth.dns.Answer;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Checks the DKIM signatures of a received message (RFC 6376 6.1; RFC 8463 for Ed25519) and gives one
 * {@link DkimResult} per signature, top to bottom. A message without signatures gives none.
 *
 * <p>Bounded work, since every signature is attacker-supplied: the first {@value #MAX_SIGNATURES} DKIM-Signature
 * fields are checked and the rest ignored; one key lookup per distinct selector and domain; the body is read once
 * as a stream, into one hash per distinct body canonicalization and length; the header section is at most 1 MiB
 * ({@link HeaderSection}). RSA keys under 1024 bits are refused (RFC 8301 3.2).
 *
 * <p>What each status means here: PERMERROR for a signature that cannot be checked for good (bad syntax, unknown
 * algorithm, {@code From} not signed, expired, no or revoked or unsuitable key); TEMPERROR when the key lookup failed
 * for now; FAIL when the body hash or the signature does not verify; POLICY when the signature verifies but covers
 * only the first {@code l=} octets of a longer body (what follows could be anything, RFC 6376 8.2); PASS otherwise.
 */
public final class DkimVerifier {

    /** Signatures beyond this many are not checked (RFC 6376 6.1 lets verifiers limit them). */
    public static final int MAX_SIGNATURES = 5;

    private final KeyLookup keys;
    private final Clock clock;

    public DkimVerifier(KeyLookup keys, Clock clock) {
        this.keys = Objects.requireNonNull(keys, "keys");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Where a signature stands before the body is read. */
    private sealed interface Outcome {
    }

    /** Decided already (bad tags, no key...). */
    private record Done(DkimResult result) implements Outcome {
    }

    /** Tags and key are good: waiting for the body hash. */
    private record Candidate(SignatureField signature, TagList tags, KeyRecord key, BodyHash.Spec body)
            implements Outcome {
    }

    /**
     * The results for {@code message}, read to its end. A header section over the limit gives one PERMERROR.
     *
     * @throws IOException only when reading the message fails
     */
    public List<DkimResult> verify(InputStream message) throws IOException {
        InputStream in = new BufferedInputStream(message, 64 * 1024);
        HeaderSection section;
        try {
            section = HeaderSection.read(in);
        } catch (HeaderTooLarge e) {
            return List.of(new DkimResult(Status.PERMERROR, "", "", "", e.getMessage()));
        }
        List<HeaderField> fields = section.named(SignatureField.NAME);
        long now = clock.instant().getEpochSecond();
        List<Outcome> outcomes = new ArrayList<>();
        Map<String, Answer<String>> answers = new HashMap<>();
        for (HeaderField field : fields.subList(0, Math.min(fields.size(), MAX_SIGNATURES))) {
            outcomes.add(prepare(field, now, answers));
        }
        Map<BodyHash.Spec, BodyHash> hashes = hashBody(in, outcomes);
        List<DkimResult> results = new ArrayList<>();
        for (Outcome outcome : outcomes) {
            results.add(switch (outcome) {
                case Done done -> done.result();
                case Candidate c -> check(section, c, hashes.get(c.body()));
            });
        }
        return results;
    }

    private Outcome prepare(HeaderField field, long now, Map<String, Answer<String>> answers) {
        TagList tags;
        try {
            tags = TagList.parse(field.value());
        } catch (IllegalArgumentException e) {
            return new Done(new DkimResult(Status.PERMERROR, "", "", "", "bad tag list: " + e.getMessage()));
        }
        try {
            SignatureField signature = SignatureField.parse(field, tags, now);
            KeyRecord key = key(signature, answers);
            if (key.strict() && !signature.identity().substring(signature.identity().lastIndexOf('@') + 1)
                    .equalsIgnoreCase(signature.domain())) {
                throw Refusal.permanent("key record (t=s) wants i= in d= itself");
            }
            long limit = signature.length().orElse(Long.MAX_VALUE);
            return new Candidate(signature, tags, key, new BodyHash.Spec(signature.body(), limit));
        } catch (Refusal refusal) {
            return new Done(SignatureField.result(tags, refusal.status(), refusal.getMessage()));
        }
    }

    private KeyRecord key(SignatureField signature, Map<String, Answer<String>> answers) throws Refusal {
        return KeyRecord.fetch(keys, signature.selector(), signature.domain(), signature.algorithm(), answers);
    }

    /** Reads the body once into every hash the candidates need. */
    private static Map<BodyHash.Spec, BodyHash> hashBody(InputStream in, List<Outcome> outcomes) throws IOException {
        List<BodyHash.Spec> specs = new ArrayList<>();
        for (Outcome outcome : outcomes) {
            if (outcome instanceof Candidate c) {
                specs.add(c.body());
            }
        }
        return BodyHash.read(in, specs);
    }

    private static DkimResult check(HeaderSection section, Candidate candidate, BodyHash hash) {
        SignatureField signature = candidate.signature();
        long limit = candidate.body().limit();
        if (hash.length() < limit && signature.length().isPresent()) {
            return SignatureField.result(candidate.tags(), Status.FAIL, "body shorter than l=");
        }
        if (!MessageDigest.isEqual(hash.hash(), signature.bodyHash())) {
            return SignatureField.result(candidate.tags(), Status.FAIL, "body hash did not verify");
        }
        if (!signature.headerVerifies(section, candidate.key())) {
            return SignatureField.result(candidate.tags(), Status.FAIL, "signature did not verify");
        }
        if (hash.length() > limit) {
            return SignatureField.result(candidate.tags(), Status.POLICY,
                    (hash.length() - limit) + " octets of the body after l= are not signed");
        }
        return SignatureField.result(candidate.tags(), Status.PASS, "good signature");
    }
}
