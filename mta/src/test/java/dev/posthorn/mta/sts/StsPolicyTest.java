package dev.posthorn.mta.sts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The policy body (RFC 8461 3.2) and the TXT record (3.1), parsed; and which MX hosts a policy allows (4.1). */
class StsPolicyTest {

    private static final String ENFORCE = """
            version: STSv1
            mode: enforce
            mx: mail.example.com
            mx: *.example.net
            mx: backupmx.example.com
            max_age: 604800
            """;

    @Test
    void theRfcExampleParses() {
        StsPolicy policy = StsPolicy.parse(ENFORCE);
        assertThat(policy.mode()).isEqualTo(StsPolicy.Mode.ENFORCE);
        assertThat(policy.mx()).containsExactly("mail.example.com", "*.example.net", "backupmx.example.com");
        assertThat(policy.maxAge()).isEqualTo(Duration.ofDays(7));
    }

    @Test
    void crlfLinesTrailingSpacesAndUnknownFieldsAreAccepted() {
        StsPolicy policy = StsPolicy.parse("version: STSv1\r\nmode:testing  \r\nmx: MX.Example.COM\r\n"
                + "max_age: 86400\r\nrua_hint: whatever: really\r\n\r\n");
        assertThat(policy.mode()).isEqualTo(StsPolicy.Mode.TESTING);
        assertThat(policy.mx()).containsExactly("mx.example.com");
    }

    @Test
    void modeNoneNeedsNoMx() {
        assertThat(StsPolicy.parse("version: STSv1\nmode: none\nmax_age: 60\n").mode())
                .isEqualTo(StsPolicy.Mode.NONE);
    }

    @Test
    void theFirstOfARepeatedFieldCounts() {
        StsPolicy policy = StsPolicy.parse(ENFORCE + "mode: none\nmax_age: 5\n");
        assertThat(policy.mode()).isEqualTo(StsPolicy.Mode.ENFORCE);
        assertThat(policy.maxAge()).isEqualTo(Duration.ofDays(7));
    }

    @Test
    void maxAgeIsCutToAYear() {
        assertThat(StsPolicy.parse(ENFORCE.replace("604800", "9999999999")).maxAge().getSeconds())
                .isEqualTo(StsPolicy.MAX_AGE_LIMIT);
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '|', value = {
            "mode: enforce\\nmx: a.example\\nmax_age: 1|no version field",
            "version: STSv2\\nmode: enforce\\nmx: a.example\\nmax_age: 1|version is not STSv1",
            "version: STSv1\\nmx: a.example\\nmax_age: 1|no mode field",
            "version: STSv1\\nmode: strict\\nmx: a.example\\nmax_age: 1|mode is not enforce, testing or none",
            "version: STSv1\\nmode: enforce\\nmx: a.example|no max_age field",
            "version: STSv1\\nmode: enforce\\nmx: a.example\\nmax_age: -1|max_age is not 1 to 10 digits",
            "version: STSv1\\nmode: enforce\\nmx: a.example\\nmax_age: 12345678901|max_age is not 1 to 10 digits",
            "version: STSv1\\nmode: enforce\\nmax_age: 1|needs at least one mx",
            "version: STSv1\\nmode: enforce\\nmx: a..example\\nmax_age: 1|mx is not a host name",
            "version: STSv1\\nmode: enforce\\nmx: *.*.example\\nmax_age: 1|mx is not a host name",
            "version: STSv1\\nmode: enforce\\nmx: m*.example\\nmax_age: 1|mx is not a host name",
            "<html>not a policy</html>|no key: value field",
    })
    void malformedPoliciesAreRefusedWithAReason(String body, String reason) {
        assertThatIllegalArgumentException().isThrownBy(() -> StsPolicy.parse(body.replace("\\n", "\n")))
                .withMessageContaining(reason);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "mail.example.com,        true",
            "MAIL.EXAMPLE.COM,        true",
            "backupmx.example.com,    true",
            "x.example.net,           true",
            "example.net,             false",
            "a.b.example.net,         false",
            "other.example.com,       false",
    })
    void mxPatternsAllowExactNamesAndOneLabelWildcards(String host, boolean allowed) {
        assertThat(StsPolicy.parse(ENFORCE).allows(host)).isEqualTo(allowed);
    }

    @Test
    void theTxtRecordGivesTheId() {
        assertThat(StsRecord.parse(List.of("v=STSv1; id=20160831085700Z;")).id()).isEqualTo("20160831085700Z");
        assertThat(StsRecord.parse(List.of("v=spf1 -all", "v=STSv1;id=abc\t;  ext=1")).id()).isEqualTo("abc");
    }

    @ParameterizedTest
    @ValueSource(strings = {"v=STSv1;", "v=STSv1; id=", "v=STSv1; id=has-dash", "v=STSv1; id=123456789012345678901234567890123",
            "v=STSv1 id=1", "v=STSv1; junk", "x=1; v=STSv1; id=1"})
    void malformedTxtRecordsAreRefused(String record) {
        assertThatIllegalArgumentException().isThrownBy(() -> StsRecord.parse(List.of(record)));
    }

    @Test
    void twoStsRecordsMeanNone() {
        assertThatIllegalArgumentException().isThrownBy(() -> StsRecord.parse(List.of("v=STSv1; id=1",
                "v=STSv1; id=2"))).withMessageContaining("2 TXT records");
    }
}
