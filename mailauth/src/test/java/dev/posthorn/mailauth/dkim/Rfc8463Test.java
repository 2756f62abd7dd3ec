package dev.posthorn.mailauth.dkim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.posthorn.mailauth.dkim.DkimResult.Status;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The example of RFC 8463 Appendix A: the message of RFC 6376 Appendix A signed with the Ed25519 key of A.1 and an
 * RSA key, as published in A.2 and A.3. Both signatures must verify, byte for byte as the RFC prints them.
 */
class Rfc8463Test {

    /** RFC 8463 A.2. */
    static final Map<String, String> RECORDS = Map.of(
            "brisbane._domainkey.football.example.com",
            "v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=",
            "test._domainkey.football.example.com",
            "v=DKIM1; k=rsa; p=MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDkHlOQoBTzWR"
                    + "iGs5V6NpP3idY6Wk08a5qhdR6wy5bdOKb2jLQiY/J16JYi0Qvx/byYzCNb3W91y3FutAC"
                    + "DfzwQ/BC/e/8uBsCR+yz1Lxj+PL6lHvqMKrM3rG4hstT5QjvHO9PzoxZyVYLzBfO2EeC3"
                    + "Ip3G+2kryOTIKT+l/K4w3QIDAQAB");

    /** RFC 8463 A.3. */
    static final String MESSAGE = String.join("\r\n",
            "DKIM-Signature: v=1; a=ed25519-sha256; c=relaxed/relaxed;",
            " d=football.example.com; i=@football.example.com;",
            " q=dns/txt; s=brisbane; t=1528637909; h=from : to :",
            " subject : date : message-id : from : subject : date;",
            " bh=2jUSOH9NhtVGCQWNr9BrIAPreKQjO6Sn7XIkfJVOzv8=;",
            " b=/gCrinpcQOoIfuHNQIbq4pgh9kyIK3AQUdt9OdqQehSwhEIug4D11Bus",
            " Fa3bT3FY5OsU7ZbnKELq+eXdp1Q1Dw==",
            "DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed;",
            " d=football.example.com; i=@football.example.com;",
            " q=dns/txt; s=test; t=1528637909; h=from : to : subject :",
            " date : message-id : from : subject : date;",
            " bh=2jUSOH9NhtVGCQWNr9BrIAPreKQjO6Sn7XIkfJVOzv8=;",
            " b=F45dVWDfMbQDGHJFlXUNB2HKfbCeLRyhDXgFpEL8GwpsRe0IeIixNTe3",
            " DhCVlUrSjV4BwcVcOF6+FF3Zo9Rpo1tFOeS9mPYQTnGdaSGsgeefOsk2Jz",
            " dA+L10TeYt9BgDfQNZtKdN1WO//KgIqXP7OdEFE4LjFYNcUxZQ4FADY+8=",
            "From: Joe SixPack <joe@football.example.com>",
            "To: Suzie Q <suzie@shopping.example.net>",
            "Subject: Is dinner ready?",
            "Date: Fri, 11 Jul 2003 21:00:37 -0700 (PDT)",
            "Message-ID: <20030712040037.46341.5F8J@football.example.com>",
            "",
            "Hi.",
            "",
            "We lost the game.  Are you hungry yet?",
            "",
            "Joe.",
            "");

    private static final Clock NOW = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);

    private static List<DkimResult> verify(String message) throws Exception {
        return new DkimVerifier(Keys.serving(RECORDS), NOW)
                .verify(new ByteArrayInputStream(message.getBytes(StandardCharsets.ISO_8859_1)));
    }

    @Test
    void bothSignaturesOfAppendixAVerify() throws Exception {
        List<DkimResult> results = verify(MESSAGE);
        assertThat(results).extracting(DkimResult::status).containsExactly(Status.PASS, Status.PASS);
        assertThat(results.getFirst()).isEqualTo(new DkimResult(Status.PASS, "football.example.com", "brisbane",
                "/gCrinpcQOoI", "good signature", "ed25519-sha256", "@football.example.com"));
        assertThat(results.get(1).algorithm()).isEqualTo("rsa-sha256");
        assertThat(results.get(1).signatureB()).isEqualTo("F45dVWDfMbQD");
    }

    @Test
    void theBodyHashIsTheRelaxedHashOfAppendixA() throws Exception {
        BodyHash hash = new BodyHash(Long.MAX_VALUE);
        try (var out = Canonicalization.RELAXED.body(hash)) {
            out.write(MESSAGE.substring(MESSAGE.indexOf("\r\n\r\n") + 4).getBytes(StandardCharsets.US_ASCII));
        }
        assertThat(java.util.Base64.getEncoder().encodeToString(hash.hash()))
                .isEqualTo("2jUSOH9NhtVGCQWNr9BrIAPreKQjO6Sn7XIkfJVOzv8=");
    }

    @Test
    void aChangedSubjectFailsBothAndAChangedBodyFailsTheBodyHash() throws Exception {
        assertThat(verify(MESSAGE.replace("dinner ready", "lunch ready")))
                .extracting(DkimResult::status, DkimResult::reason)
                .containsOnly(org.assertj.core.groups.Tuple.tuple(Status.FAIL, "signature did not verify"));
        assertThat(verify(MESSAGE.replace("hungry", "thirsty")))
                .extracting(DkimResult::status, DkimResult::reason)
                .containsOnly(org.assertj.core.groups.Tuple.tuple(Status.FAIL, "body hash did not verify"));
    }

    @Test
    void whiteSpaceAndCaseChangesPassRelaxed() throws Exception {
        String changed = MESSAGE.replace("Subject: Is dinner ready?", "SUBJECT:   Is  dinner\r\n\tready?  ")
                .replace("Are you hungry yet?", "Are you hungry yet?\t ") + "\r\n\r\n";
        assertThat(verify(changed)).extracting(DkimResult::status).containsExactly(Status.PASS, Status.PASS);
    }
}
