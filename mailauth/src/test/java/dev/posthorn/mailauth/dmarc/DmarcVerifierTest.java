package dev.posthorn.mailauth.dmarc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.posthorn.mailauth.dns.DnsClient;
import dev.posthorn.smtp.testing.DnsResponder;
import dev.posthorn.smtp.testing.DnsResponderBuilder;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** DMARC evaluation against policy records served by a real DNS responder on loopback (RFC 7489 3, 6). */
class DmarcVerifierTest {

    private static final DnsResponderBuilder ZONES = DnsResponder.builder().zone("example.com").zone("example.co.uk")
            .zone("example.net");
    private static final PublicSuffixList SUFFIXES = PublicSuffixList.bundled();
    private static final Author EXAMPLE = new Author.Domain("example.com");

    private static <T> T with(DnsResponderBuilder zones, long seed, Function<DmarcVerifier, T> use)
            throws IOException {
        try (DnsResponder responder = zones.start()) {
            DnsClient dns = DnsClient.plain(List.of(responder.address()), Duration.ofMillis(1500));
            return use.apply(new DmarcVerifier(dns, () -> SUFFIXES, new SplittableRandom(seed)));
        }
    }

    private static DmarcVerdict evaluate(DnsResponderBuilder zones, Author author, String spfPass,
                                         List<String> dkimPasses) throws IOException {
        return with(zones, 1, v -> v.evaluate(author, Optional.ofNullable(spfPass), dkimPasses));
    }

    private static DnsResponderBuilder policy(String record) {
        return ZONES.txt("_dmarc.example.com", record);
    }

    @ParameterizedTest(name = "{0} spf={1} dkim={2}: {3}")
    @CsvSource(delimiter = '|', nullValues = "-", textBlock = """
            v=DMARC1; p=reject                     | example.com      | -                | PASS
            v=DMARC1; p=reject                     | mail.example.com | -                | PASS
            v=DMARC1; p=reject; aspf=s             | mail.example.com | -                | FAIL
            v=DMARC1; p=reject; aspf=s             | example.com      | -                | PASS
            v=DMARC1; p=reject                     | -                | example.com      | PASS
            v=DMARC1; p=reject                     | -                | sub.example.com  | PASS
            v=DMARC1; p=reject; adkim=s            | -                | sub.example.com  | FAIL
            v=DMARC1; p=reject                     | example.net      | evil.example.net | FAIL
            v=DMARC1; p=reject                     | -                | -                | FAIL
            v=DMARC1; p=reject                     | example.com.evil.test | -           | FAIL
            v=DMARC1;p=none                        | -                | -                | FAIL
            v=DMARC1 ; p = quarantine ; pct = 100  | -                | -                | FAIL
            """)
    void passNeedsAnAlignedIdentifierThatPassed(String record, String spf, String dkim, DmarcResult expected)
            throws IOException {
        DmarcVerdict verdict = evaluate(policy(record), EXAMPLE, spf, dkim == null ? List.of() : List.of(dkim));
        assertThat(verdict.result()).isEqualTo(expected);
        assertThat(verdict.fromDomain()).isEqualTo("example.com");
    }

    @Test
    void aFailureCarriesThePolicyAsDisposition() throws IOException {
        assertThat(evaluate(policy("v=DMARC1; p=reject"), EXAMPLE, null, List.of()))
                .isEqualTo(new DmarcVerdict(DmarcResult.FAIL, "example.com", Optional.of(DmarcRecord.Policy.REJECT),
                        DmarcRecord.Policy.REJECT, "no aligned SPF or DKIM pass", Optional.of(
                        new DmarcVerdict.Evaluated("example.com", new DmarcRecord(DmarcRecord.Policy.REJECT,
                                Optional.empty(), false, false, 100), false, false, false))));
        assertThat(evaluate(policy("v=DMARC1; p=quarantine"), EXAMPLE, null, List.of()).disposition())
                .isEqualTo(DmarcRecord.Policy.QUARANTINE);
        assertThat(evaluate(policy("v=DMARC1; p=reject"), EXAMPLE, "example.com", List.of()).disposition())
                .isEqualTo(DmarcRecord.Policy.NONE);
    }

    @Test
    void subdomainsFindTheOrganisationalPolicyAndItsSubdomainPolicy() throws IOException {
        DnsResponderBuilder zones = policy("v=DMARC1; p=reject; sp=quarantine");
        DmarcVerdict sub = evaluate(zones, new Author.Domain("news.example.com"), null, List.of());
        assertThat(sub.result()).isEqualTo(DmarcResult.FAIL);
        assertThat(sub.policy()).contains(DmarcRecord.Policy.QUARANTINE);
        assertThat(sub.evaluated().orElseThrow().policyDomain()).as("where the record was found")
                .isEqualTo("example.com");
        DmarcVerdict own = evaluate(zones.txt("_dmarc.news.example.com", "v=DMARC1; p=none"),
                new Author.Domain("news.example.com"), null, List.of());
        assertThat(own.policy()).contains(DmarcRecord.Policy.NONE);
        DmarcVerdict uk = evaluate(ZONES.txt("_dmarc.example.co.uk", "v=DMARC1; p=reject"),
                new Author.Domain("shop.example.co.uk"), "example.co.uk", List.of());
        assertThat(uk.result()).isEqualTo(DmarcResult.PASS);
        assertThat(uk.evaluated().orElseThrow()).extracting(DmarcVerdict.Evaluated::policyDomain,
                DmarcVerdict.Evaluated::spfAligned, DmarcVerdict.Evaluated::dkimAligned)
                .containsExactly("example.co.uk", true, false);
    }

    @ParameterizedTest
    @ValueSource(strings = {"v=DMARC1; p=bogus", "v=DMARC1", "v=DMARC1; p=reject; sp=bogus", "v=dmarc1; p=reject",
            "p=reject; v=DMARC1", "v=DMARC1; p=reject; =x", "spf1 -all"})
    void anUnusableRecordMeansNoPolicy(String record) throws IOException {
        assertThat(evaluate(policy(record), EXAMPLE, null, List.of()).result()).isEqualTo(DmarcResult.NONE);
    }

    @Test
    void anInvalidPolicyWithAReportAddressCountsAsNone() throws IOException {
        DmarcVerdict verdict = evaluate(policy("v=DMARC1; p=bogus; rua=mailto:d@example.com"), EXAMPLE, null,
                List.of());
        assertThat(verdict.result()).isEqualTo(DmarcResult.FAIL);
        assertThat(verdict.policy()).contains(DmarcRecord.Policy.NONE);
        assertThat(verdict.disposition()).isEqualTo(DmarcRecord.Policy.NONE);
    }

    @Test
    void noRecordSeveralRecordsOrADnsFailure() throws IOException {
        assertThat(evaluate(ZONES, EXAMPLE, null, List.of()).result()).isEqualTo(DmarcResult.NONE);
        assertThat(evaluate(policy("v=DMARC1; p=reject").txt("_dmarc.example.com", "v=DMARC1; p=none"), EXAMPLE,
                null, List.of()).result()).isEqualTo(DmarcResult.NONE);
        assertThat(evaluate(ZONES.servfail("_dmarc.example.com"), EXAMPLE, "example.com", List.of()).result())
                .isEqualTo(DmarcResult.TEMPERROR);
        assertThat(evaluate(ZONES.servfail("_dmarc.example.com"), new Author.Domain("a.example.com"), null,
                List.of()).result()).isEqualTo(DmarcResult.TEMPERROR);   // the organisational lookup failed
    }

    @Test
    void anAmbiguousAuthorIsAPermerror() throws IOException {
        assertThat(evaluate(policy("v=DMARC1; p=reject"), new Author.Ambiguous("more than one From field"), null,
                List.of())).isEqualTo(new DmarcVerdict(DmarcResult.PERMERROR, "", Optional.empty(),
                DmarcRecord.Policy.NONE, "more than one From field"));
    }

    @ParameterizedTest
    @CsvSource({"0, 0", "30, 300", "50, 500", "100, 1000"})
    void pctSamplesHowMuchFailingMailTheRejectPolicyApplies(int pct, int expected) throws IOException {
        int rejected = with(policy("v=DMARC1; p=reject; pct=" + pct), 42, verifier -> {
            int count = 0;
            for (int i = 0; i < 1000; i++) {
                DmarcVerdict v = verifier.evaluate(EXAMPLE, Optional.empty(), List.of());
                assertThat(v.disposition()).isIn(DmarcRecord.Policy.REJECT, DmarcRecord.Policy.QUARANTINE);
                count += v.disposition() == DmarcRecord.Policy.REJECT ? 1 : 0;
                assertThat(v.evaluated().orElseThrow().sampledOut())
                        .isEqualTo(v.disposition() == DmarcRecord.Policy.QUARANTINE);
            }
            return count;
        });
        assertThat(rejected).isBetween(expected - 60, expected + 60);
    }
}
