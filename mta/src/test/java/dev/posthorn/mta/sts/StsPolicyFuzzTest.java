package dev.posthorn.mta.sts;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.List;

/**
 * Fuzz targets for MTA-STS (RFC 8461) as fetched from a recipient domain's web server and DNS: a policy body and the
 * TXT records parse to a value or throw {@link IllegalArgumentException} (no policy, 3.3 and 3.1); nothing else.
 */
class StsPolicyFuzzTest {

    @FuzzTest
    void policy(FuzzedDataProvider data) {
        String body = data.consumeRemainingAsString();
        try {
            assertThat(StsPolicy.parse(body)).isNotNull();
        } catch (IllegalArgumentException e) {
            // the documented refusal; its reason never quotes the body
            assertThat(body.length() < 8 || !String.valueOf(e.getMessage()).contains(body)).isTrue();
        }
    }

    @FuzzTest
    void record(FuzzedDataProvider data) {
        List<String> records = List.of(data.consumeString(200), data.consumeRemainingAsString());
        try {
            assertThat(StsRecord.parse(records)).isNotNull();
        } catch (IllegalArgumentException e) {
            // the documented refusal
        }
    }
}
