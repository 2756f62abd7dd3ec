package dev.posthorn.mta.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.posthorn.mailauth.dkim.DkimSigner;
import dev.posthorn.mailauth.dkim.KeyFile;
import dev.posthorn.mta.config.Checks;
import dev.posthorn.mta.config.Config;
import dev.posthorn.mta.config.Dkim;
import dev.posthorn.mta.config.Dns;
import dev.posthorn.mta.config.ReportSettings;
import dev.posthorn.mta.reports.DmarcStore;
import dev.posthorn.smtp.ForwardPath;
import dev.posthorn.smtp.MailParameters;
import dev.posthorn.smtp.Mailbox;
import dev.posthorn.smtp.ReversePath;
import dev.posthorn.smtp.client.ClientTimeouts;
import dev.posthorn.smtp.client.Endpoint;
import dev.posthorn.smtp.client.Recipient;
import dev.posthorn.smtp.client.SmtpClient;
import dev.posthorn.smtp.testing.DnsResponder;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.zip.GZIPInputStream;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPath;
import javax.xml.xpath.XPathConstants;
import javax.xml.xpath.XPathFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.NodeList;

/**
 * DMARC aggregate reports end to end: mail from untrusted clients checked by the daemon's MX listener against
 * policies a DNS responder serves, the counts kept, the report mailed once the (two-second) interval ended, delivered
 * to a local mailbox, and read back: gzip, XML valid to RFC 7489 appendix C, the counts right.
 */
class DmarcReportsTest {

    @TempDir
    Path dir;

    private DnsResponder dns;

    @BeforeEach
    void startDns() throws IOException {
        dns = DnsResponder.builder().zone("sender.test").zone("stranger.test").zone("spffail.test")
                .zone("posthorn.test")
                .txt("sender.test", "v=spf1 ip4:127.0.0.0/8 -all")
                .txt("_dmarc.sender.test", "v=DMARC1; p=reject; rua=mailto:alice@posthorn.test")
                // RFC 7489 7.1: posthorn.test agrees to take sender.test's reports, not stranger.test's.
                .txt("sender.test._report._dmarc.posthorn.test", "v=DMARC1")
                .txt("stranger.test", "v=spf1 ip4:127.0.0.0/8 -all")
                .txt("_dmarc.stranger.test", "v=DMARC1; p=none; rua=mailto:alice@posthorn.test")
                .txt("spffail.test", "v=spf1 -all")
                .start();
    }

    @AfterEach
    void stopDns() {
        dns.close();
    }

    private Config config(boolean reports) throws IOException, java.security.GeneralSecurityException {
        Path list = Files.writeString(dir.resolve("suffixes.dat"), "// the test top-level domain\ntest\n");
        Config c = TestConfigs.conformance(dir);
        return new Config(c.hostname(), c.spool(), c.listeners(), c.tls(), c.trustedNetworks(), c.limits(),
                c.domains(), c.usersFile(), new Dns(List.of(dns.address()), Duration.ofSeconds(1)), c.queue(),
                c.relay(), c.routes(), c.outbound())
                .withChecks(new Checks(true, true, true, true, true, false, Optional.of(list)))
                .withDmarcReports(new ReportSettings(reports, Duration.ofSeconds(2), Optional.of("Posthorn test"),
                        Optional.of("dmarc-reports@posthorn.test"), Optional.empty()))
                // A key for the reports' domain: they are mail of this server's making, so they are signed.
                .withDkim(new Dkim(Map.of("posthorn.test", List.of(new Dkim.Key("r2026", Path.of("rsa.pem"),
                        KeyFile.generate("rsa").getPrivate()))), DkimSigner.DEFAULT_HEADERS,
                        DkimSigner.DEFAULT_OVERSIGNED, Optional.empty()));
    }

    private static int send(Daemon daemon, String sender, String from) throws IOException {
        try (SmtpClient client = SmtpClient.connect(new Endpoint.Tcp("127.0.0.1",
                daemon.addresses().getFirst().getPort()), SmtpClient.Protocol.SMTP, "client.test",
                ClientTimeouts.all(Duration.ofSeconds(20)))) {
            String message = "From: " + from + "\r\nTo: alice@posthorn.test\r\nSubject: hi\r\n\r\nhello\r\n";
            return client.send(ReversePath.of(Mailbox.parse(sender, false)), MailParameters.NONE,
                    List.of(Recipient.of(ForwardPath.of(Mailbox.parse("alice@posthorn.test", false)))),
                    new ByteArrayInputStream(message.getBytes(StandardCharsets.UTF_8)))
                    .recipients().getFirst().reply().code();
        }
    }

    /** The reports in alice's mailbox: each one's subject, attachment file name and XML. */
    private record Report(String subject, String from, String fileName, byte[] xml, String signature) {
    }

    private List<Report> reports() throws Exception {
        List<Report> reports = new ArrayList<>();
        for (String text : Maildirs.messages(dir.resolve("mail/alice"))) {
            MimeMessage message = new MimeMessage(Session.getInstance(new Properties()),
                    new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
            if (message.getSubject() == null || !message.getSubject().startsWith("Report Domain:")) {
                continue;
            }
            Multipart parts = (Multipart) message.getContent();
            for (int i = 0; i < parts.getCount(); i++) {
                Part part = parts.getBodyPart(i);
                if (part.isMimeType("application/gzip")) {
                    try (InputStream in = new GZIPInputStream(part.getInputStream())) {
                        String[] signature = message.getHeader("DKIM-Signature");
                        reports.add(new Report(message.getSubject(), message.getFrom()[0].toString(),
                                part.getFileName(), in.readAllBytes(), signature == null ? "" : signature[0]));
                    }
                }
            }
        }
        return reports;
    }

    /**
     * The report as a document, for XPath. Its validity against the appendix C schema is posthorn-mailauth's test
     * (AggregateReportTest), for the same writer; here the daemon's rows are checked.
     */
    private static Document parse(byte[] xml) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
        return factory.newDocumentBuilder().parse(new ByteArrayInputStream(xml));
    }

    /** The sum of the counts of the rows with {@code disposition} over every report. */
    private static long counted(List<Report> reports, String disposition) throws Exception {
        XPath x = XPathFactory.newInstance().newXPath();
        long sum = 0;
        for (Report report : reports) {
            Document doc = parse(report.xml());
            NodeList counts = (NodeList) x.evaluate("/feedback/record/row[policy_evaluated/disposition='"
                    + disposition + "']/count", doc, XPathConstants.NODESET);
            for (int i = 0; i < counts.getLength(); i++) {
                sum += Long.parseLong(counts.item(i).getTextContent());
            }
        }
        return sum;
    }

    @Test
    void aDomainThatAskedGetsAValidReportOfWhatWasTakenAndRefused() throws Exception {
        try (Daemon daemon = Daemon.start(config(true))) {
            assertThat(send(daemon, "bob@sender.test", "Bob <bob@sender.test>")).isEqualTo(250);
            assertThat(send(daemon, "bob@sender.test", "bob@sender.test")).isEqualTo(250);
            assertThat(send(daemon, "mallory@spffail.test", "CEO <ceo@sender.test>")).isEqualTo(550);
            assertThat(send(daemon, "eve@stranger.test", "eve@stranger.test")).isEqualTo(250);

            await().atMost(Duration.ofSeconds(30)).until(() -> {
                List<Report> now = reports();
                return counted(now, "none") + counted(now, "reject") >= 3;
            });
            List<Report> reports = reports();
            assertThat(counted(reports, "none")).isEqualTo(2);
            assertThat(counted(reports, "reject")).isEqualTo(1);
            for (Report report : reports) {
                assertThat(report.subject()).startsWith("Report Domain: sender.test Submitter: mx.posthorn.test"
                        + " Report-ID: <");
                assertThat(report.from()).isEqualTo("dmarc-reports@posthorn.test");
                assertThat(report.signature()).contains("d=posthorn.test").contains("s=r2026");
                assertThat(report.fileName()).matches("mx\\.posthorn\\.test!sender\\.test![0-9]+![0-9]+\\.xml\\.gz");
                Document doc = parse(report.xml());
                XPath x = XPathFactory.newInstance().newXPath();
                assertThat(x.evaluate("/feedback/report_metadata/org_name", doc)).isEqualTo("Posthorn test");
                assertThat(x.evaluate("/feedback/policy_published/domain", doc)).isEqualTo("sender.test");
                assertThat(x.evaluate("/feedback/record[1]/row/source_ip", doc)).isEqualTo("127.0.0.1");
            }
            Document any = parse(reports.getFirst().xml());
            XPath x = XPathFactory.newInstance().newXPath();
            String rejected = "/feedback/record[row/policy_evaluated/disposition='reject']";
            if (!x.evaluate(rejected, any).isEmpty()) {
                assertThat(x.evaluate(rejected + "/row/policy_evaluated/spf", any)).isEqualTo("fail");
                assertThat(x.evaluate(rejected + "/identifiers/envelope_from", any)).isEqualTo("spffail.test");
                assertThat(x.evaluate(rejected + "/identifiers/header_from", any)).isEqualTo("sender.test");
                assertThat(x.evaluate(rejected + "/auth_results/spf/result", any)).isEqualTo("fail");
            }
            // stranger.test asked too, but posthorn.test never agreed to take its reports: none was queued.
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(queued()).isEmpty());
            assertThat(Maildirs.messages(dir.resolve("mail/alice"))).filteredOn(m -> m.contains("stranger.test!"))
                    .isEmpty();
        }
    }

    @Test
    void offByDefaultNothingIsCountedOrSent() throws Exception {
        assertThat(Config.defaults(dir).dmarcReports().enabled()).isFalse();
        try (Daemon daemon = Daemon.start(config(false))) {
            assertThat(send(daemon, "bob@sender.test", "bob@sender.test")).isEqualTo(250);
            await().atMost(Duration.ofSeconds(10)).until(() -> Maildirs.messages(dir.resolve("mail/alice")).size()
                    == 1);
        }
        assertThat(dir.resolve("spool").resolve(DmarcStore.FILE)).doesNotExist();
        assertThat(reports()).isEmpty();
    }

    private List<String> queued() throws IOException {
        try (var files = Files.walk(dir.resolve("spool/queue"))) {
            // Spares are the spool's preallocated empty files, not mail.
            return files.filter(Files::isRegularFile).filter(f -> !f.getFileName().toString().startsWith("spare."))
                    .map(f -> {
                try {
                    return f + ": " + Files.readString(f);
                } catch (IOException e) {
                    return f + ": " + e;
                }
            }).toList();
        }
    }
}
