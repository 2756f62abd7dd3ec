package dev.posthorn.mta.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.posthorn.mta.config.Config;
import dev.posthorn.mta.config.ReportSettings;
import dev.posthorn.mta.reports.TlsRptStore;
import dev.posthorn.mta.tlsrpt.TlsReportSchema;
import dev.posthorn.smtp.testing.DnsResponder;
import dev.posthorn.smtp.testing.FakeSmtpServer;
import dev.posthorn.smtp.testing.FakeSmtpServer.Script;
import jakarta.mail.Part;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.util.ByteArrayDataSource;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * TLS reports end to end: the daemon relays to far.test, whose exchanger (smtp-testing's fake server on 127.0.0.3)
 * offers no STARTTLS; far.test publishes {@code _smtp._tls} naming a local mailbox; once the two-second interval has
 * ended, the report arrives there and says what happened.
 */
class TlsReportsDaemonTest {

    @TempDir
    Path dir;

    private static DnsResponder dns(boolean publishes) throws Exception {
        var zone = DnsResponder.builder().zone("far.test").mx("far.test", 10, "mx.far.test")
                .a("mx.far.test", "127.0.0.3");
        if (publishes) {
            zone = zone.txt("_smtp._tls.far.test", "v=TLSRPTv1; rua=mailto:alice@a.test");
        }
        return zone.start();
    }

    private Config config(DnsResponder dns, int port) throws Exception {
        return OutboundRetryTest.config(dir, dns, port).withTlsReports(new ReportSettings(true, Duration.ofSeconds(2),
                Optional.empty(), Optional.of("tls-reports@a.test"), Optional.empty()));
    }

    private List<JsonNode> reports() throws Exception {
        List<JsonNode> reports = new java.util.ArrayList<>();
        for (String text : Maildirs.messages(dir.resolve("mail/alice"))) {
            MimeMessage message = new MimeMessage(Session.getInstance(new Properties()),
                    new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
            if (!message.getContentType().startsWith("multipart/report")) {
                continue;
            }
            Part attachment = new MimeMultipart(new ByteArrayDataSource(message.getRawInputStream(),
                    message.getContentType())).getBodyPart(1);
            try (InputStream in = new GZIPInputStream(attachment.getInputStream())) {
                byte[] json = in.readAllBytes();
                TlsReportSchema.validate(json);
                reports.add(TlsReportSchema.parse(json));
            }
        }
        return reports;
    }

    @Test
    void aDomainThatPublishesGetsAReportOfSessionsWithoutStartTls() throws Exception {
        try (DnsResponder dns = dns(true);
             FakeSmtpServer server = FakeSmtpServer.start(new InetSocketAddress("127.0.0.3", 0),
                     n -> Script.accepting());
             Daemon daemon = Daemon.start(config(dns, server.port()))) {
            OutboundRetryTest.send(daemon, "x@far.test");
            await().atMost(Duration.ofSeconds(20)).until(() -> !reports().isEmpty());
            JsonNode report = reports().getFirst();
            assertThat(report.get("contact-info").asString()).isEqualTo("tls-reports@a.test");
            assertThat(report.get("organization-name").asString()).isEqualTo("mx.a.test");
            JsonNode policy = report.get("policies").get(0);
            assertThat(policy.get("policy").get("policy-type").asString()).isEqualTo("no-policy-found");
            assertThat(policy.get("policy").get("policy-domain").asString()).isEqualTo("far.test");
            assertThat(policy.get("summary").get("total-successful-session-count").asInt()).isZero();
            assertThat(policy.get("summary").get("total-failure-session-count").asInt()).isEqualTo(1);
            JsonNode failure = policy.get("failure-details").get(0);
            assertThat(failure.get("result-type").asString()).isEqualTo("starttls-not-supported");
            assertThat(failure.get("receiving-mx-hostname").asString()).isEqualTo("mx.far.test");
            assertThat(failure.get("receiving-ip").asString()).isEqualTo("127.0.0.3");
            assertThat(server.received()).hasSize(1);   // the mail itself went: opportunistic TLS
        }
        assertThat(dir.resolve("spool").resolve(TlsRptStore.FILE)).exists();
    }

    @Test
    void aDomainThatDoesNotPublishGetsNothing() throws Exception {
        try (DnsResponder dns = dns(false);
             FakeSmtpServer server = FakeSmtpServer.start(new InetSocketAddress("127.0.0.3", 0),
                     n -> Script.accepting());
             Daemon daemon = Daemon.start(config(dns, server.port()))) {
            OutboundRetryTest.send(daemon, "x@far.test");
            await().atMost(Duration.ofSeconds(10)).until(() -> server.received().size() == 1);
            Thread.sleep(3_000);   // past the end of the interval the session fell in, and a tick after it
            assertThat(Maildirs.messages(dir.resolve("mail/alice"))).isEmpty();
        }
    }
}
