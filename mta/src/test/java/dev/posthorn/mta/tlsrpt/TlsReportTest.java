package dev.posthorn.mta.tlsrpt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class TlsReportTest {

    private static final Instant START = Instant.parse("2026-12-06T00:00:00Z");

    private static byte[] json(TlsReport report) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        report.writeTo(out);
        return out.toByteArray();
    }

    private static TlsReport report(List<TlsReport.PolicyResult> results) {
        return new TlsReport("Posthorn", "tls@mx.example", "1796515200.example.net@mx.example", START,
                START.plusSeconds(86_400), results);
    }

    @Test
    void everyPolicyKindAndFailureDetailIsWrittenAsRfc8460Asks() throws Exception {
        PolicyRef tlsa = new PolicyRef(PolicyRef.Type.TLSA, List.of("_25._tcp.mx.example.net. IN TLSA 3 1 1 abcd"),
                List.of());
        TlsReport report = report(List.of(
                new TlsReport.PolicyResult("example.net", tlsa, 12, List.of(new TlsReport.FailureCount(
                        new SessionResult.Failure(ResultType.VALIDATION_FAILURE, "mx.example.net", "2001:db8::25",
                                "DANE: certificate matches no TLSA record"), 3))),
                new TlsReport.PolicyResult("example.net", PolicyRef.NONE, 0, List.of(new TlsReport.FailureCount(
                        new SessionResult.Failure(ResultType.DANE_REQUIRED, "mx2.example.net", "", ""), 1)))));
        byte[] json = json(report);

        TlsReportSchema.validate(json);
        JsonNode root = TlsReportSchema.parse(json);
        assertThat(root.get("date-range").get("start-datetime").asString()).isEqualTo("2026-12-06T00:00:00Z");
        assertThat(root.get("date-range").get("end-datetime").asString()).isEqualTo("2026-12-06T23:59:59Z");
        JsonNode first = root.get("policies").get(0);
        assertThat(first.get("policy").get("policy-type").asString()).isEqualTo("tlsa");
        assertThat(first.get("policy").get("policy-string").get(0).asString()).startsWith("_25._tcp.");
        assertThat(first.get("policy").has("mx-host")).isFalse();
        assertThat(first.get("summary").get("total-failure-session-count").asInt()).isEqualTo(3);
        assertThat(first.get("failure-details").get(0).get("failure-reason-code").asString())
                .isEqualTo("DANE: certificate matches no TLSA record");
        JsonNode second = root.get("policies").get(1);
        assertThat(second.get("policy").get("policy-type").asString()).isEqualTo("no-policy-found");
        assertThat(second.get("failure-details").get(0).has("receiving-ip")).isFalse();
        assertThat(second.get("failure-details").get(0).get("result-type").asString()).isEqualTo("dane-required");
        assertThat(report.fileName("mx.example", "example.net"))
                .isEqualTo("mx.example!example.net!1796515200!1796601600.json");
    }

    @Test
    void theSchemaIsNoRubberStamp() {
        String valid = "{\"organization-name\":\"o\",\"date-range\":{\"start-datetime\":\"2026-12-06T00:00:00Z\","
                + "\"end-datetime\":\"2026-12-06T23:59:59Z\"},\"contact-info\":\"c\",\"report-id\":\"r\","
                + "\"policies\":[{\"policy\":{\"policy-type\":\"sts\",\"policy-domain\":\"d\"},\"summary\":"
                + "{\"total-successful-session-count\":1,\"total-failure-session-count\":0}}]}";
        TlsReportSchema.validate(valid.getBytes(StandardCharsets.UTF_8));
        for (String broken : List.of(valid.replace("\"sts\"", "\"dane\""), valid.replace("\"report-id\":\"r\",", ""),
                valid.replace(":1,", ":-1,"))) {
            assertThatThrownBy(() -> TlsReportSchema.validate(broken.getBytes(StandardCharsets.UTF_8)))
                    .isInstanceOf(AssertionError.class);
        }
    }

    @Test
    void emptyReportsAreRefused() {
        assertThatThrownBy(() -> report(List.of())).isInstanceOf(IllegalArgumentException.class);
    }

    /** Whatever text DNS or a policy host put in a policy or a host name, the JSON stays valid. */
    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5})
    void hostileTextStaysValidJson(long seed) throws Exception {
        SplittableRandom random = new SplittableRandom(seed);
        StringBuilder junk = new StringBuilder();
        for (int i = 0; i < 200; i++) {
            junk.appendCodePoint(random.nextInt(0x3000));
        }
        String text = junk.toString();
        PolicyRef sts = new PolicyRef(PolicyRef.Type.STS, List.of(text, "mode: enforce"), List.of(text));
        byte[] json = json(report(List.of(new TlsReport.PolicyResult("example.net", sts, 1, List.of(
                new TlsReport.FailureCount(new SessionResult.Failure(ResultType.STS_POLICY_INVALID, text, "", text),
                        2))))));
        TlsReportSchema.validate(json);
        JsonNode root = TlsReportSchema.parse(json);
        assertThat(root.get("policies").get(0).get("policy").get("policy-string").get(0).asString()).isEqualTo(text);
        assertThat(Optional.ofNullable(root.get("policies").get(0).get("failure-details").get(0)
                .get("receiving-mx-hostname")).map(JsonNode::asString)).contains(text);
    }
}
