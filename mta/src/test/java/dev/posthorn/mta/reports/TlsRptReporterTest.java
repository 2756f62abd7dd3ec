package dev.posthorn.mta.reports;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.posthorn.mailauth.dns.DnsClient;
import dev.posthorn.mta.config.ReportSettings;
import dev.posthorn.mta.tls.TestCa;
import dev.posthorn.mta.tls.Trust;
import dev.posthorn.mta.tlsrpt.PolicyRef;
import dev.posthorn.mta.tlsrpt.ResultType;
import dev.posthorn.mta.tlsrpt.SessionResult;
import dev.posthorn.mta.tlsrpt.TlsReportSchema;
import dev.posthorn.smtp.Mailbox;
import dev.posthorn.smtp.testing.DnsResponder;
import dev.posthorn.smtp.testing.ManualClock;
import jakarta.mail.Part;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.util.ByteArrayDataSource;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * TLS reports from counted sessions to the destinations a domain's {@code _smtp._tls} record names: the mail
 * (RFC 8460 5.3: multipart/report, application/tlsrpt+gzip, TLS-Report-Domain) through a submission that keeps
 * what it gets, the HTTPS POST to a real HTTPS server with a test CA; the JSON valid to the RFC's structure.
 */
class TlsRptReporterTest {

    private static final Instant START = Instant.parse("2026-12-06T10:00:00Z");

    @TempDir
    Path dir;

    private final TestCa ca = TestCa.create("Posthorn TLS report test CA");
    private final List<byte[]> posted = new CopyOnWriteArrayList<>();
    private final List<String> postedTypes = new CopyOnWriteArrayList<>();
    private HttpsServer https;
    private DnsResponder dns;
    private ManualClock clock;
    private TlsRptReporter reporter;

    @BeforeEach
    void start() throws Exception {
        https = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        https.setHttpsConfigurator(new HttpsConfigurator(ca.serverContext("reports.example.test")));
        https.createContext("/v1/tlsrpt", exchange -> {
            try (InputStream in = exchange.getRequestBody()) {
                posted.add(in.readAllBytes());
            }
            postedTypes.add(exchange.getRequestMethod() + " " + exchange.getRequestHeaders().getFirst("Content-Type"));
            exchange.sendResponseHeaders(201, -1);
            exchange.close();
        });
        https.start();
        dns = DnsResponder.builder().zone("example.test").zone("quiet.test")
                .txt("_smtp._tls.example.test", "v=TLSRPTv1; rua=mailto:tls@example.test,https://reports.example.test:"
                        + https.getAddress().getPort() + "/v1/tlsrpt")
                .a("reports.example.test", "127.0.0.1")
                .start();
        clock = new ManualClock(START);
        DnsClient client = DnsClient.plain(List.of(dns.address()), Duration.ofSeconds(1));
        reporter = new TlsRptReporter(TlsRptStore.open(dir), new ReportSettings(true, Duration.ofHours(1),
                Optional.of("Posthorn test"), Optional.of("tls-reports@mx.posthorn.test"), Optional.empty()),
                "mx.posthorn.test", client, clock);
        poster = new HttpsReportPoster(client, Trust.fromPem(ca.writePem(dir.resolve("ca.pem"))),
                Duration.ofSeconds(5));
    }

    private HttpsReportPoster poster;

    @AfterEach
    void stop() throws Exception {
        reporter.close();
        poster.close();
        https.stop(0);
        dns.close();
    }

    private static SessionResult failed(String domain, PolicyRef policy, ResultType type, String mx, String ip) {
        return new SessionResult(domain, policy, Optional.of(new SessionResult.Failure(type, mx, ip, "said no")));
    }

    @Test
    void aDomainWithARecordGetsItsReportByMailAndByHttps() throws Exception {
        PolicyRef sts = new PolicyRef(PolicyRef.Type.STS, List.of("version: STSv1", "mode: enforce",
                "mx: *.example.test", "max_age: 86400"), List.of("*.example.test"));
        for (int i = 0; i < 7; i++) {
            reporter.session(new SessionResult("example.test", sts, Optional.empty()));
        }
        reporter.session(failed("example.test", sts, ResultType.CERTIFICATE_EXPIRED, "mx1.example.test", "192.0.2.1"));
        reporter.session(failed("example.test", sts, ResultType.CERTIFICATE_EXPIRED, "mx1.example.test", "192.0.2.1"));
        reporter.session(failed("example.test", PolicyRef.NONE, ResultType.STARTTLS_NOT_SUPPORTED, "mx2.example.test",
                "192.0.2.2"));
        reporter.session(new SessionResult("quiet.test", PolicyRef.NONE, Optional.empty()));
        List<byte[]> mails = new ArrayList<>();
        List<String> envelopes = new ArrayList<>();
        ReportSubmission submission = (Mailbox sender, Mailbox to, byte[] message) -> {
            envelopes.add(sender + " -> " + to);
            mails.add(message);
        };

        assertThat(reporter.sendDue(submission, poster)).as("the interval has not ended").isZero();
        clock.advance(Duration.ofHours(1));
        assertThat(reporter.sendDue(submission, poster)).isEqualTo(2);
        assertThat(reporter.sendDue(submission, poster)).as("sent once").isZero();

        assertThat(envelopes).containsExactly("tls-reports@mx.posthorn.test -> tls@example.test");
        MimeMessage message = new MimeMessage(Session.getInstance(new Properties()),
                new ByteArrayInputStream(mails.getFirst()));
        assertThat(message.getContentType()).startsWith("multipart/report").contains("report-type=\"tlsrpt\"");
        assertThat(message.getHeader("TLS-Report-Domain")).containsExactly("example.test");
        assertThat(message.getHeader("TLS-Report-Submitter")).containsExactly("mx.posthorn.test");
        assertThat(message.getSubject()).startsWith("Report Domain: example.test Submitter: mx.posthorn.test Report-ID: <");
        // Read as a plain MimeMultipart: Angus Mail's multipart/report handler knows only DSNs.
        Part attachment = new MimeMultipart(new ByteArrayDataSource(message.getRawInputStream(),
                message.getContentType())).getBodyPart(1);
        assertThat(attachment.isMimeType("application/tlsrpt+gzip")).isTrue();
        assertThat(attachment.getFileName()).isEqualTo("mx.posthorn.test!example.test!" + START.getEpochSecond() + "!"
                + START.plusSeconds(3600).getEpochSecond() + ".json.gz");
        byte[] json;
        try (InputStream in = new GZIPInputStream(attachment.getInputStream())) {
            json = in.readAllBytes();
        }
        TlsReportSchema.validate(json);
        JsonNode report = TlsReportSchema.parse(json);
        assertThat(report.get("organization-name").asString()).isEqualTo("Posthorn test");
        assertThat(report.get("contact-info").asString()).isEqualTo("tls-reports@mx.posthorn.test");
        assertThat(report.get("date-range").get("start-datetime").asString()).isEqualTo("2026-12-06T10:00:00Z");
        assertThat(report.get("date-range").get("end-datetime").asString()).isEqualTo("2026-12-06T10:59:59Z");
        assertThat(report.get("policies").size()).isEqualTo(2);
        JsonNode stsResult = report.get("policies").get(1);
        assertThat(stsResult.get("policy").get("policy-type").asString()).isEqualTo("sts");
        assertThat(stsResult.get("policy").get("mx-host").get(0).asString()).isEqualTo("*.example.test");
        assertThat(stsResult.get("summary").get("total-successful-session-count").asInt()).isEqualTo(7);
        assertThat(stsResult.get("summary").get("total-failure-session-count").asInt()).isEqualTo(2);
        assertThat(stsResult.get("failure-details").get(0).get("result-type").asString())
                .isEqualTo("certificate-expired");
        assertThat(stsResult.get("failure-details").get(0).get("failed-session-count").asInt()).isEqualTo(2);
        assertThat(stsResult.get("failure-details").get(0).get("receiving-ip").asString()).isEqualTo("192.0.2.1");
        JsonNode none = report.get("policies").get(0);
        assertThat(none.get("policy").get("policy-type").asString()).isEqualTo("no-policy-found");
        assertThat(none.get("summary").get("total-successful-session-count").asInt()).isZero();

        assertThat(postedTypes).containsExactly("POST application/tlsrpt+gzip");
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(posted.getFirst()))) {
            assertThat(in.readAllBytes()).isEqualTo(json);
        }
    }

    @Test
    void aDomainWithoutARecordGetsNothingAndItsCountsAreDropped() throws Exception {
        reporter.session(new SessionResult("quiet.test", PolicyRef.NONE, Optional.empty()));
        clock.advance(Duration.ofHours(2));
        List<byte[]> mails = new ArrayList<>();
        assertThat(reporter.sendDue((sender, to, message) -> mails.add(message), poster)).isZero();
        assertThat(mails).isEmpty();
        assertThat(posted).isEmpty();
    }
}
