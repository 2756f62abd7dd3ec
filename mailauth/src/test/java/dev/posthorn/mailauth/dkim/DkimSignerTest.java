package dev.posthorn.mailauth.dkim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.posthorn.mailauth.dkim.DkimResult.Status;
import java.security.KeyPair;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Signing, checked by verifying: random messages, both algorithms, the changes relaxed forgives and those it must not. */
class DkimSignerTest {

    private static final Map<String, String> RECORDS = Map.of(
            "rsa1._domainkey.example.org", Keys.record(Keys.RSA),
            "ed1._domainkey.example.org", Keys.record(Keys.ED25519));

    private static DkimSigner signer(List<SigningKey> keys) {
        return new DkimSigner(Map.of("example.org", keys), DkimSigner.DEFAULT_HEADERS, DkimSigner.DEFAULT_OVERSIGNED,
                Optional.of(Duration.ofDays(7)), SignedMessages.NOW);
    }

    private static final DkimSigner DUAL = signer(List.of(new SigningKey("rsa1", Keys.RSA.getPrivate()),
            new SigningKey("ed1", Keys.ED25519.getPrivate())));

    private static String signed(DkimSigner signer, String message) throws Exception {
        return signer.sign(SignedMessages.stream(message)) + message;
    }

    private static List<DkimResult> verify(String message) throws Exception {
        return new DkimVerifier(Keys.serving(RECORDS), SignedMessages.NOW).verify(SignedMessages.stream(message));
    }

    static Stream<Arguments> seedsAndKeys() {
        return LongStream.rangeClosed(1, 12).boxed().flatMap(seed -> Stream.of(
                Arguments.of(seed, "rsa1", Keys.RSA), Arguments.of(seed, "ed1", Keys.ED25519)));
    }

    @ParameterizedTest(name = "[{index}] seed {0}, {1}")
    @MethodSource("seedsAndKeys")
    void randomMessagesVerifyAndSurviveRelaxedChanges(long seed, String selector, KeyPair pair) throws Exception {
        String message = SignedMessages.random(seed, "user@example.org");
        String signed = signed(signer(List.of(new SigningKey(selector, pair.getPrivate()))), message);
        assertThat(verify(signed)).extracting(DkimResult::status, DkimResult::selector)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(Status.PASS, selector));
        // What relaxed/relaxed forgives: refolding, white space runs, field name case, trailing blank lines.
        String changed = signed.replace("Subject: ", "subject:  \t").replace("\r\n\r\n", "\r\n \r\n")
                .replaceFirst("\r\n \r\n", "\r\n\r\n") + "\r\n\r\n";
        assertThat(verify(changed)).extracting(DkimResult::status).containsExactly(Status.PASS);
    }

    @ParameterizedTest(name = "[{index}] seed {0}, {1}")
    @MethodSource("seedsAndKeys")
    void changedContentFails(long seed, String selector, KeyPair pair) throws Exception {
        String signed = signed(signer(List.of(new SigningKey(selector, pair.getPrivate()))),
                SignedMessages.random(seed, "user@example.org"));
        assertThat(verify(signed.replace("Subject: ", "Subject: Re: ")))
                .extracting(DkimResult::status, DkimResult::reason)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(Status.FAIL, "signature did not verify"));
        String body = signed + "appended\r\n";
        assertThat(verify(body)).extracting(DkimResult::status, DkimResult::reason)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(Status.FAIL, "body hash did not verify"));
        // Oversigned From: another From at the top breaks the signature.
        assertThat(verify("From: <ceo@example.org>\r\n" + signed)).extracting(DkimResult::status)
                .containsExactly(Status.FAIL);
        // An unsigned field may be added.
        assertThat(verify("X-Added: yes\r\n" + signed)).extracting(DkimResult::status).containsExactly(Status.PASS);
    }

    @Test
    void bothKeysOfADomainSignOneSharedBodyHash() throws Exception {
        String fields = DUAL.sign(SignedMessages.stream(SignedMessages.random(99, "a@example.org")));
        String unfolded = fields.replace("\r\n\t", " ");
        assertThat(unfolded).startsWith("DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=example.org; s=rsa1;")
                .contains("\r\nDKIM-Signature: v=1; a=ed25519-sha256; c=relaxed/relaxed; d=example.org; s=ed1;")
                .contains(" t=" + SignedMessages.NOW.instant().getEpochSecond() + ";")
                .contains(" x=" + SignedMessages.NOW.instant().plus(Duration.ofDays(7)).getEpochSecond() + ";")
                .containsPattern("h=From:From:To:(Cc:)? ?Subject:Date: ?Message-ID;").endsWith("\r\n");
        assertThat(fields.lines()).allMatch(line -> line.length() <= 78);
        String bh = fields.substring(fields.indexOf("bh="), fields.indexOf(';', fields.indexOf("bh=")));
        assertThat(fields.indexOf(bh, fields.indexOf(bh) + 1)).isPositive();
        assertThat(verify(fields + SignedMessages.random(99, "a@example.org"))).extracting(DkimResult::status)
                .containsExactly(Status.PASS, Status.PASS);
    }

    @Test
    void subdomainsOfASigningDomainAreSignedByIt() throws Exception {
        String signed = signed(DUAL, SignedMessages.random(3, "user@lists.example.org"));
        assertThat(verify(signed)).extracting(DkimResult::status, DkimResult::domain).containsOnly(
                org.assertj.core.groups.Tuple.tuple(Status.PASS, "example.org"));
    }

    @Test
    void authorsWithoutKeysOrWithoutOneClearAddressAreNotSigned() throws Exception {
        assertThat(DUAL.sign(SignedMessages.stream(SignedMessages.random(4, "user@example.com")))).isEmpty();
        assertThat(DUAL.sign(SignedMessages.stream("From: a@example.org, b@example.org\r\n\r\nx\r\n"))).isEmpty();
        assertThat(DUAL.sign(SignedMessages.stream("From: a@example.org\r\nFrom: b@example.org\r\n\r\nx\r\n")))
                .isEmpty();
        assertThat(DUAL.sign(SignedMessages.stream("Subject: no author\r\n\r\nx\r\n"))).isEmpty();
        assertThat(DUAL.sign(SignedMessages.stream("From: \"Doe, J.\" (work) <j@example.org>\r\n\r\nx\r\n")))
                .contains("d=example.org");
        assertThat(DUAL.sign(SignedMessages.stream("From: (x@example.com) j@Example.ORG\r\n\r\nx\r\n")))
                .contains("d=example.org");
    }
}
