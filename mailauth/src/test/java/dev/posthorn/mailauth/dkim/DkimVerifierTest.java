package dev.posthorn.mailauth.dkim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.posthorn.mailauth.dkim.DkimResult.Status;
import dev.posthorn.mailauth.dns.Answer;
import java.security.KeyPairGenerator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The checks of RFC 6376 6.1 on signatures made to break one rule each, and the limits on attacker's work. */
class DkimVerifierTest {

    private static final String MESSAGE = "From: Alice <alice@example.org>\r\nTo: bob@example.net\r\n"
            + "Subject: hello\r\n\r\nHello Bob.\r\n\r\n";
    private static final String TAGS = "v=1; a=rsa-sha256; c=relaxed/relaxed; d=example.org; s=sel; h=From:To:Subject";

    private final Map<String, String> records = new HashMap<>(Map.of("sel._domainkey.example.org",
            Keys.record(Keys.RSA), "ed._domainkey.example.org", Keys.record(Keys.ED25519)));

    private DkimResult verifyOne(String message) throws Exception {
        List<DkimResult> results = new DkimVerifier(Keys.serving(records), SignedMessages.NOW)
                .verify(SignedMessages.stream(message));
        assertThat(results).hasSize(1);
        return results.getFirst();
    }

    private DkimResult signAndVerify(String tags) throws Exception {
        return verifyOne(SignedMessages.signWith(MESSAGE, tags, Keys.RSA.getPrivate()));
    }

    @Test
    void aGoodSignaturePassesWithItsLabels() throws Exception {
        DkimResult result = signAndVerify(TAGS + "; i=alice@Mail.Example.org");
        assertThat(result).extracting(DkimResult::status, DkimResult::domain, DkimResult::selector,
                DkimResult::algorithm, DkimResult::identity)
                .containsExactly(Status.PASS, "example.org", "sel", "rsa-sha256", "alice@Mail.Example.org");
        assertThat(result.signatureB()).hasSize(DkimResult.B_PREFIX);
    }

    @ParameterizedTest(name = "[{index}] {0}: {2}")
    @CsvSource(delimiter = '|', value = {
        "version 2|v=2; a=rsa-sha256; d=example.org; s=sel; h=From|incompatible version",
        "From unsigned|v=1; a=rsa-sha256; d=example.org; s=sel; h=To:Subject|From is not signed",
        "rsa-sha1|v=1; a=rsa-sha1; d=example.org; s=sel; h=From|rsa-sha1 is not accepted",
        "unknown algorithm|v=1; a=rsa-sha512; d=example.org; s=sel; h=From|unknown algorithm",
        "unknown canonicalization|v=1; a=rsa-sha256; c=loose; d=example.org; s=sel; h=From|unknown canonicalization",
        "i= elsewhere|v=1; a=rsa-sha256; d=example.org; s=sel; h=From; i=@example.org.evil|i= is not within d=",
        "expired|v=1; a=rsa-sha256; d=example.org; s=sel; h=From; t=1000; x=2000|signature expired",
        "x= before t=|v=1; a=rsa-sha256; d=example.org; s=sel; h=From; t=3000000000; x=2000000000|x= is not after t=",
        "other query method|v=1; a=rsa-sha256; d=example.org; s=sel; h=From; q=http/well-known|q= does not offer",
        "no selector|v=1; a=rsa-sha256; d=example.org; h=From|no s= tag",
        "bad l=|v=1; a=rsa-sha256; d=example.org; s=sel; h=From; l=-1|bad l= value",
        "key for ed25519|v=1; a=rsa-sha256; d=example.org; s=ed; h=From|key record is for k=ed25519",
        "no key|v=1; a=rsa-sha256; d=example.org; s=none; h=From|no key record at none._domainkey.example.org"})
    void signaturesBreakingARuleArePermErrors(String what, String tags, String reason) throws Exception {
        DkimResult result = signAndVerify(tags);
        assertThat(result.status()).as(what).isEqualTo(Status.PERMERROR);
        assertThat(result.reason()).as(what).contains(reason);
    }

    @ParameterizedTest(name = "[{index}] {1}")
    @CsvSource(delimiter = '|', value = {
        "v=DKIM1; k=rsa; p=|key revoked",
        "v=DKIM1; k=rsa; h=sha1; p=AAAA|does not allow sha256",
        "v=DKIM1; k=rsa; s=other; p=AAAA|not for email",
        "k=dsa; p=AAAA|unknown key type",
        "k=rsa; v=DKIM1; p=AAAA|not v=DKIM1 first",
        "v=DKIM1; p=!!!|p= is not base64",
        "v=DKIM1; p=AAAA|not an RSA key",
        "v=DKIM1; p=AAAA; p=AAAA|given twice"})
    void unusableKeyRecordsArePermErrors(String record, String reason) throws Exception {
        records.put("sel._domainkey.example.org", record);
        DkimResult result = signAndVerify(TAGS);
        assertThat(result.status()).isEqualTo(Status.PERMERROR);
        assertThat(result.reason()).contains(reason);
    }

    @Test
    void rsaKeysUnder1024BitsAreRefused() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(768);
        var weak = generator.generateKeyPair();
        records.put("sel._domainkey.example.org", KeyRecord.of(weak.getPublic()));
        DkimResult result = verifyOne(SignedMessages.signWith(MESSAGE, TAGS, weak.getPrivate()));
        assertThat(result.status()).isEqualTo(Status.PERMERROR);
        assertThat(result.reason()).contains("768 bits is too small");
    }

    @Test
    void aStrictKeyWantsTheIdentityInTheSigningDomainItself() throws Exception {
        records.put("sel._domainkey.example.org", Keys.record(Keys.RSA) + "; t=s");
        assertThat(signAndVerify(TAGS + "; i=@sub.example.org").reason()).contains("t=s");
        assertThat(signAndVerify(TAGS + "; i=a@example.org").status()).isEqualTo(Status.PASS);
    }

    @Test
    void aFailedLookupIsATemporaryError() throws Exception {
        String signed = SignedMessages.signWith(MESSAGE, TAGS, Keys.RSA.getPrivate());
        DkimResult result = new DkimVerifier(name -> new Answer.Failed<>("timed out"), SignedMessages.NOW)
                .verify(SignedMessages.stream(signed)).getFirst();
        assertThat(result.status()).isEqualTo(Status.TEMPERROR);
        assertThat(result.reason()).isEqualTo("key lookup failed: timed out");
    }

    @Test
    void severalKeyRecordsAreRefused() throws Exception {
        String signed = SignedMessages.signWith(MESSAGE, TAGS, Keys.RSA.getPrivate());
        String record = Keys.record(Keys.RSA);
        DkimResult result = new DkimVerifier(name -> new Answer.Found<>(List.of(record, record)),
                SignedMessages.NOW).verify(SignedMessages.stream(signed)).getFirst();
        assertThat(result.status()).isEqualTo(Status.PERMERROR);
    }

    @Test
    void bodyLengthLimitCoveringTheWholeBodyPasses() throws Exception {
        // "Hello Bob.\r\n" is 12 octets in relaxed form (the empty line at the end goes).
        assertThat(signAndVerify(TAGS + "; l=12").status()).isEqualTo(Status.PASS);
    }

    @Test
    void contentAfterTheBodyLengthLimitIsAPolicyResultNotAPass() throws Exception {
        String signed = SignedMessages.signWith(MESSAGE, TAGS + "; l=12", Keys.RSA.getPrivate());
        // The empty line that ended the body now counts (2 octets), then the 31 of the new line.
        DkimResult result = verifyOne(signed + "Click here: http://evil.test/\r\n");
        assertThat(result.status()).isEqualTo(Status.POLICY);
        assertThat(result.reason()).isEqualTo("33 octets of the body after l= are not signed");
    }

    @Test
    void aBodyShorterThanTheLimitFails() throws Exception {
        String signed = SignedMessages.signWith(MESSAGE, TAGS + "; l=12", Keys.RSA.getPrivate());
        DkimResult result = verifyOne(signed.replace("Hello Bob.", "Hello"));
        assertThat(result).extracting(DkimResult::status, DkimResult::reason)
                .containsExactly(Status.FAIL, "body shorter than l=");
    }

    @Test
    void simpleCanonicalizationCatchesWhiteSpaceChanges() throws Exception {
        String signed = SignedMessages.signWith(MESSAGE, "v=1; a=ed25519-sha256; c=simple/simple; d=example.org;"
                + " s=ed; h=From:To:Subject", Keys.ED25519.getPrivate());
        assertThat(verifyOne(signed).status()).isEqualTo(Status.PASS);
        assertThat(verifyOne(signed.replace("Subject: hello", "Subject:  hello")).status()).isEqualTo(Status.FAIL);
        assertThat(verifyOne(signed.replace("Hello Bob.", "Hello  Bob.")).reason())
                .isEqualTo("body hash did not verify");
    }

    @Test
    void malformedTagListsArePermErrorsWithoutLabels() throws Exception {
        DkimResult result = verifyOne("DKIM-Signature: v=1; v=1; d=example.org\r\n" + MESSAGE);
        assertThat(result.status()).isEqualTo(Status.PERMERROR);
        assertThat(result.reason()).contains("given twice");
    }

    @Test
    void onlyTheFirstFiveSignaturesAreCheckedAndEachKeyIsAskedForOnce() throws Exception {
        String message = MESSAGE;
        for (int i = 0; i < 8; i++) {
            message = SignedMessages.signWith(message, TAGS, Keys.RSA.getPrivate());
        }
        AtomicInteger lookups = new AtomicInteger();
        KeyLookup counting = name -> {
            lookups.incrementAndGet();
            return Keys.serving(records).lookup(name);
        };
        List<DkimResult> results = new DkimVerifier(counting, SignedMessages.NOW)
                .verify(SignedMessages.stream(message));
        assertThat(results).hasSize(DkimVerifier.MAX_SIGNATURES);
        assertThat(lookups).hasValue(1);
    }

    @Test
    void controlCharactersMakeTheWholeFieldUnreadable() throws Exception {
        DkimResult result = verifyOne("DKIM-Signature: v=1; a=rsa-sha256; d=exa\u0001mple.org; s=x; h=From;"
                + " b=abc; bh=abc\r\n" + MESSAGE);
        assertThat(result).extracting(DkimResult::status, DkimResult::domain)
                .containsExactly(Status.PERMERROR, "");
        assertThat(new DkimResult(Status.FAIL, "a\r\nb", "", "", "x\ty").domain()).isEqualTo("a??b");
    }

    @Test
    void unsignedMessagesHaveNoResults() throws Exception {
        assertThat(new DkimVerifier(Keys.serving(records), SignedMessages.NOW).verify(SignedMessages.stream(MESSAGE)))
                .isEmpty();
    }
}
