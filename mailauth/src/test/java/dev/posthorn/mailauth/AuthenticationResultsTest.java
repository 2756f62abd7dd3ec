package dev.posthorn.mailauth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.posthorn.mailauth.arc.ArcResult;
import dev.posthorn.mailauth.dkim.DkimResult;
import dev.posthorn.mailauth.dmarc.DmarcRecord;
import dev.posthorn.mailauth.dmarc.DmarcResult;
import dev.posthorn.mailauth.dmarc.DmarcVerdict;
import dev.posthorn.mailauth.spf.SpfResult;
import dev.posthorn.mailauth.spf.SpfVerdict;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The Authentication-Results field (RFC 8601 2.2): its form, and that no value can break out of it. */
class AuthenticationResultsTest {

    private static SpfVerdict spf(SpfResult result, String mailFrom, String reason) {
        return new SpfVerdict(result, SpfVerdict.Identity.MAILFROM, mailFrom, "example.com", reason);
    }

    @Test
    void arcResultsCarryTheRegisteredProperties() {
        String field = new AuthenticationResults("mx.example.org", false)
                .arc(new ArcResult(ArcResult.Status.PASS, 2, 2, "list.example", "chain of 2 validated"), "192.0.2.1")
                .arc(new ArcResult(ArcResult.Status.FAIL, 1, 0, "", "ARC-Seal i=1: \"bad\"\r\nX: y"), "2001:db8::1")
                .arc(ArcResult.NONE, "192.0.2.1")
                .field();
        assertThat(field).isEqualTo("Authentication-Results: mx.example.org;\r\n"
                + "\tarc=pass (i=2 d=list.example) header.oldest-pass=2 smtp.remote-ip=192.0.2.1;\r\n"
                + "\tarc=fail reason=\"ARC-Seal i=1: \\\"bad\\\"??X: y\" smtp.remote-ip=\"2001:db8::1\";\r\n"
                + "\tarc=none\r\n");
    }

    @Test
    void eachResultHasItsOwnFoldedLine() {
        String field = new AuthenticationResults("mx.example.org", false)
                .spf(spf(SpfResult.PASS, "bob@example.com", ""))
                .dkim(List.of(new DkimResult(DkimResult.Status.PASS, "example.com", "sel1", "abcd1234", ""),
                        new DkimResult(DkimResult.Status.FAIL, "example.net", "s", "zz", "body hash mismatch")))
                .dmarc(new DmarcVerdict(DmarcResult.PASS, "example.com", Optional.of(DmarcRecord.Policy.REJECT),
                        DmarcRecord.Policy.NONE, "aligned SPF pass"))
                .field();
        assertThat(field).isEqualTo("Authentication-Results: mx.example.org;\r\n"
                + "\tspf=pass smtp.mailfrom=bob@example.com;\r\n"
                + "\tdkim=pass header.d=example.com header.s=sel1 header.b=abcd1234;\r\n"
                + "\tdkim=fail reason=\"body hash mismatch\" header.d=example.net header.s=s header.b=zz;\r\n"
                + "\tdmarc=pass (p=reject dis=none) header.from=example.com\r\n");
    }

    @Test
    void heloIdentityNoSignaturesAndNoChecks() {
        String field = new AuthenticationResults("mx.example.org", false)
                .spf(new SpfVerdict(SpfResult.NONE, SpfVerdict.Identity.HELO, "client.test", "client.test", ""))
                .dkim(List.of())
                .dmarc(new DmarcVerdict(DmarcResult.PERMERROR, "", Optional.empty(), DmarcRecord.Policy.NONE,
                        "more than one From field"))
                .field();
        assertThat(field).isEqualTo("Authentication-Results: mx.example.org;\r\n\tspf=none smtp.helo=client.test;"
                + "\r\n\tdkim=none;\r\n\tdmarc=permerror reason=\"more than one From field\"\r\n");
        assertThat(new AuthenticationResults("mx.example.org", false).field())
                .isEqualTo("Authentication-Results: mx.example.org; none\r\n");
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"john doe\"@example.com", "a;b@example.com", "x(y)@example.com", "a@[192.0.2.1]"})
    void unusualAddressesAreQuoted(String mailFrom) {
        String field = new AuthenticationResults("mx.example.org", false).spf(spf(SpfResult.FAIL, mailFrom, ""))
                .field();
        assertThat(field).contains("smtp.mailfrom=\"");
    }

    @Test
    void nonAsciiIsReplacedUnlessTheMessageMayCarryUtf8() {
        String field = new AuthenticationResults("mx.example.org", false)
                .spf(spf(SpfResult.PASS, "caf\u00e9@example.com", "")).field();
        assertThat(field).contains("smtp.mailfrom=caf?@example.com");
    }

    @Test
    void utf8StaysWhenTheMessageMayCarryIt() {
        String field = new AuthenticationResults("mx.example.org", true)
                .spf(spf(SpfResult.PASS, "caf\u00e9@example.com", "")).field();
        assertThat(field).contains("smtp.mailfrom=\"caf\u00e9@example.com\"");
    }

    /** Property: whatever the peer or DNS supplies, the field keeps its lines and quoting (seeded random input). */
    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10})
    void noValueBreaksTheField(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        String alphabet = "ab@.;()\"\\ \t\r\n=\u0000\u007f\u00e9\u2028x";
        java.util.function.Supplier<String> junk = () -> {
            StringBuilder out = new StringBuilder();
            int length = random.nextInt(400);
            for (int i = 0; i < length; i++) {
                out.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            return out.toString();
        };
        String field = new AuthenticationResults("mx.example.org", random.nextBoolean())
                .spf(spf(SpfResult.FAIL, junk.get(), junk.get()))
                .dkim(List.of(new DkimResult(DkimResult.Status.FAIL, junk.get(), junk.get(), junk.get(),
                        junk.get())))
                .dmarc(new DmarcVerdict(DmarcResult.FAIL, junk.get(), Optional.of(DmarcRecord.Policy.QUARANTINE),
                        DmarcRecord.Policy.QUARANTINE, junk.get()))
                .field();
        String[] lines = field.split("\r\n", -1);
        assertThat(lines).hasSize(5);
        assertThat(lines[4]).isEmpty();
        assertThat(lines[0]).isEqualTo("Authentication-Results: mx.example.org;");
        for (int i = 1; i < 4; i++) {
            assertThat(lines[i]).startsWith("\t").doesNotContain("\r", "\n", "\u0000", "\u007f", "\u2028");
            assertThat(lines[i].substring(1)).doesNotContain("\t");
            assertThat(lines[i].length()).isLessThan(998);
        }
        assertThat(lines[1]).startsWith("\tspf=fail");
        assertThat(lines[2]).startsWith("\tdkim=fail");
        assertThat(lines[3]).startsWith("\tdmarc=fail (p=quarantine dis=quarantine)");
    }
}
