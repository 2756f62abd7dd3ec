package dev.posthorn.mta.tlsrpt;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Objects;

/**
 * One TLS report (RFC 8460 4.4): what this server's sessions to one policy domain's MX hosts came to in one
 * interval, per policy, as JSON. Counts come summed per failure kind, MX host and address (4.4
 * {@code failure-details}).
 *
 * @param organization {@code organization-name}
 * @param contact      {@code contact-info}: the address for questions about the report
 * @param reportId     {@code report-id}, unique per report
 * @param start        the interval's start
 * @param end          its end (exclusive: the report says the last second in it)
 * @param policies     one entry per policy the sessions were held to
 */
public record TlsReport(String organization, String contact, String reportId, Instant start, Instant end,
                        List<PolicyResult> policies) {

    public TlsReport {
        Objects.requireNonNull(organization, "organization");
        Objects.requireNonNull(contact, "contact");
        Objects.requireNonNull(reportId, "reportId");
        policies = List.copyOf(policies);
        if (!end.isAfter(start) || policies.isEmpty()) {
            throw new IllegalArgumentException("a report covers some time and at least one policy");
        }
    }

    /**
     * One {@code policies} entry.
     *
     * @param domain     {@code policy-domain}
     * @param successful {@code total-successful-session-count}
     * @param failures   the failed sessions, counted per kind, host and address
     */
    public record PolicyResult(String domain, PolicyRef policy, long successful, List<FailureCount> failures) {
        public PolicyResult {
            Objects.requireNonNull(domain, "domain");
            Objects.requireNonNull(policy, "policy");
            failures = List.copyOf(failures);
        }

        /** {@code total-failure-session-count}. */
        public long failed() {
            return failures.stream().mapToLong(FailureCount::count).sum();
        }
    }

    /** One {@code failure-details} entry: {@code count} sessions that failed alike. */
    public record FailureCount(SessionResult.Failure failure, long count) {
    }

    /** Writes the JSON document, UTF-8; {@code out} stays open. */
    public void writeTo(OutputStream out) throws IOException {
        JsonFactory factory = JsonFactory.builder().build();
        try (JsonGenerator json = factory.createGenerator(out, JsonEncoding.UTF8)) {
            json.configure(JsonGenerator.Feature.AUTO_CLOSE_TARGET, false);
            json.useDefaultPrettyPrinter();
            json.writeStartObject();
            json.writeStringField("organization-name", organization);
            json.writeObjectFieldStart("date-range");
            json.writeStringField("start-datetime", DateTimeFormatter.ISO_INSTANT.format(start));
            json.writeStringField("end-datetime", DateTimeFormatter.ISO_INSTANT.format(end.minusSeconds(1)));
            json.writeEndObject();
            json.writeStringField("contact-info", contact);
            json.writeStringField("report-id", reportId);
            json.writeArrayFieldStart("policies");
            for (PolicyResult policy : policies) {
                policy(json, policy);
            }
            json.writeEndArray();
            json.writeEndObject();
        }
    }

    private static void policy(JsonGenerator json, PolicyResult result) throws IOException {
        json.writeStartObject();
        json.writeObjectFieldStart("policy");
        json.writeStringField("policy-type", result.policy().type().keyword());
        if (!result.policy().strings().isEmpty()) {
            strings(json, "policy-string", result.policy().strings());
        }
        json.writeStringField("policy-domain", result.domain());
        if (!result.policy().mxHosts().isEmpty()) {
            strings(json, "mx-host", result.policy().mxHosts());
        }
        json.writeEndObject();
        json.writeObjectFieldStart("summary");
        json.writeNumberField("total-successful-session-count", result.successful());
        json.writeNumberField("total-failure-session-count", result.failed());
        json.writeEndObject();
        if (!result.failures().isEmpty()) {
            json.writeArrayFieldStart("failure-details");
            for (FailureCount count : result.failures()) {
                SessionResult.Failure failure = count.failure();
                json.writeStartObject();
                json.writeStringField("result-type", failure.type().keyword());
                json.writeStringField("receiving-mx-hostname", failure.receivingMx());
                if (!failure.receivingIp().isEmpty()) {
                    json.writeStringField("receiving-ip", failure.receivingIp());
                }
                json.writeNumberField("failed-session-count", count.count());
                if (!failure.information().isEmpty()) {
                    // Free text goes in failure-reason-code; additional-information is for a URI (4.4).
                    json.writeStringField("failure-reason-code", failure.information());
                }
                json.writeEndObject();
            }
            json.writeEndArray();
        }
        json.writeEndObject();
    }

    private static void strings(JsonGenerator json, String name, List<String> values) throws IOException {
        json.writeArrayFieldStart(name);
        for (String value : values) {
            json.writeString(value);
        }
        json.writeEndArray();
    }

    /** The file name (RFC 8460 5.1): {@code submitter!policy-domain!begin!end!id.json}, to which the mail adds .gz. */
    public String fileName(String submitter, String policyDomain) {
        return submitter + "!" + policyDomain + "!" + start.getEpochSecond() + "!" + end.getEpochSecond() + ".json";
    }
}
