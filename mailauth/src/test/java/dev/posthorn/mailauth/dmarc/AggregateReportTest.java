package dev.posthorn.mailauth.dmarc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import javax.xml.xpath.XPath;
import javax.xml.xpath.XPathFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.w3c.dom.Document;
import org.xml.sax.SAXException;

class AggregateReportTest {

    private static final Instant BEGIN = Instant.parse("2026-12-06T00:00:00Z");
    private static final Instant END = Instant.parse("2026-12-07T00:00:00Z");
    private static final AggregateReport.Metadata META = new AggregateReport.Metadata("Posthorn at mx.example",
            "postmaster@mx.example", Optional.of("https://mx.example/dmarc"), "1796601600.sender.example@mx.example",
            BEGIN, END);
    private static final DmarcRecord RECORD = DmarcRecord.parse("v=DMARC1; p=reject; sp=quarantine; adkim=s; pct=50;"
            + " fo=1:d; rua=mailto:dmarc@sender.example").orElseThrow();

    private static byte[] xml(AggregateReport report) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        report.writeTo(out);
        return out.toByteArray();
    }

    private static AggregateReport.Row row(String ip, long count) throws Exception {
        return new AggregateReport.Row(InetAddress.getByName(ip), count, DmarcRecord.Policy.NONE, true, false,
                List.of(), "sender.example", "sender.example",
                List.of(new AggregateReport.DkimAuth("sender.example", "s2026", "pass")),
                new AggregateReport.SpfAuth("sender.example", false, "softfail"));
    }

    @Test
    void aReportValidatesAgainstAppendixCAndSaysWhatItWasGiven() throws Exception {
        AggregateReport.Row rejected = new AggregateReport.Row(InetAddress.getByName("2001:db8::25"), 3,
                DmarcRecord.Policy.REJECT, false, false, List.of(AggregateReport.Override.LOCAL_POLICY,
                AggregateReport.Override.SAMPLED_OUT), "", "sender.example",
                List.of(new AggregateReport.DkimAuth("other.example", "a", "fail"),
                        new AggregateReport.DkimAuth("sender.example", "b", "temperror")),
                new AggregateReport.SpfAuth("helo.other.example", true, "none"));
        byte[] xml = xml(new AggregateReport(META, "sender.example", RECORD, List.of(row("192.0.2.7", 41), rejected)));

        AggregateSchema.validate(xml);
        Document doc = AggregateSchema.parse(xml);
        XPath x = XPathFactory.newInstance().newXPath();
        assertThat(x.evaluate("/feedback/version", doc)).isEqualTo("1.0");
        assertThat(x.evaluate("/feedback/report_metadata/org_name", doc)).isEqualTo("Posthorn at mx.example");
        assertThat(x.evaluate("/feedback/report_metadata/extra_contact_info", doc)).isEqualTo("https://mx.example/dmarc");
        assertThat(x.evaluate("/feedback/report_metadata/date_range/begin", doc)).isEqualTo("1796515200");
        assertThat(x.evaluate("/feedback/report_metadata/date_range/end", doc)).isEqualTo("1796601600");
        assertThat(x.evaluate("concat(/feedback/policy_published/domain, ' ', /feedback/policy_published/adkim, ' ',"
                + " /feedback/policy_published/aspf, ' ', /feedback/policy_published/p, ' ',"
                + " /feedback/policy_published/sp, ' ', /feedback/policy_published/pct, ' ',"
                + " /feedback/policy_published/fo)", doc)).isEqualTo("sender.example s r reject quarantine 50 1:d");
        assertThat(x.evaluate("count(/feedback/record)", doc)).isEqualTo("2");
        assertThat(x.evaluate("/feedback/record[1]/row/source_ip", doc)).isEqualTo("192.0.2.7");
        assertThat(x.evaluate("/feedback/record[1]/row/count", doc)).isEqualTo("41");
        assertThat(x.evaluate("/feedback/record[1]/row/policy_evaluated/dkim", doc)).isEqualTo("pass");
        assertThat(x.evaluate("/feedback/record[1]/row/policy_evaluated/spf", doc)).isEqualTo("fail");
        assertThat(x.evaluate("/feedback/record[1]/auth_results/spf/scope", doc)).isEqualTo("mfrom");
        assertThat(x.evaluate("/feedback/record[2]/row/source_ip", doc)).isEqualTo("2001:db8:0:0:0:0:0:25");
        assertThat(x.evaluate("/feedback/record[2]/row/policy_evaluated/disposition", doc)).isEqualTo("reject");
        assertThat(x.evaluate("/feedback/record[2]/row/policy_evaluated/reason[1]/type", doc))
                .isEqualTo("local_policy");
        assertThat(x.evaluate("/feedback/record[2]/row/policy_evaluated/reason[2]/type", doc))
                .isEqualTo("sampled_out");
        assertThat(x.evaluate("/feedback/record[2]/identifiers/envelope_from", doc)).isEmpty();
        assertThat(x.evaluate("count(/feedback/record[2]/auth_results/dkim)", doc)).isEqualTo("2");
        assertThat(x.evaluate("/feedback/record[2]/auth_results/dkim[2]/result", doc)).isEqualTo("temperror");
        assertThat(x.evaluate("/feedback/record[2]/auth_results/spf/scope", doc)).isEqualTo("helo");
    }

    @Test
    void aRecordWithoutSpOrFoStillFillsTheElementsTheSchemaRequires() throws Exception {
        DmarcRecord plain = DmarcRecord.parse("v=DMARC1; p=none; rua=mailto:d@sender.example").orElseThrow();
        byte[] xml = xml(new AggregateReport(META, "sender.example", plain, List.of(row("198.51.100.1", 1))));

        AggregateSchema.validate(xml);
        Document doc = AggregateSchema.parse(xml);
        XPath x = XPathFactory.newInstance().newXPath();
        assertThat(x.evaluate("/feedback/policy_published/sp", doc)).isEqualTo("none");
        assertThat(x.evaluate("/feedback/policy_published/fo", doc)).isEqualTo("0");
        assertThat(x.evaluate("/feedback/policy_published/pct", doc)).isEqualTo("100");
    }

    @Test
    void theSchemaRejectsWhatItShould() {
        // The validator is no rubber stamp: a report without its record, or with a made-up disposition, fails.
        byte[] noRecord = ("<feedback><version>1.0</version><report_metadata><org_name>o</org_name><email>e</email>"
                + "<report_id>r</report_id><date_range><begin>1</begin><end>2</end></date_range></report_metadata>"
                + "<policy_published><domain>d</domain><p>none</p><sp>none</sp><pct>100</pct><fo>0</fo>"
                + "</policy_published></feedback>").getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> AggregateSchema.validate(noRecord)).isInstanceOf(SAXException.class);
        byte[] badDisposition = new String(noRecord, StandardCharsets.UTF_8).replace("<p>none</p>", "<p>maybe</p>")
                .getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> AggregateSchema.validate(badDisposition)).isInstanceOf(SAXException.class);
    }

    @Test
    void anEmptyReportIsRefusedAndTheFileNameFollowsRfc7489() throws Exception {
        assertThatThrownBy(() -> new AggregateReport(META, "sender.example", RECORD, List.of()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(new AggregateReport(META, "sender.example", RECORD, List.of(row("192.0.2.1", 1)))
                .fileName("mx.example")).isEqualTo("mx.example!sender.example!1796515200!1796601600.xml");
    }

    static Stream<Long> seeds() {
        return Stream.of(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L);
    }

    /** Whatever text a message put in a selector or an identifier, the report stays valid XML and valid to the schema. */
    @ParameterizedTest
    @MethodSource("seeds")
    void hostileTextStaysValid(long seed) throws Exception {
        SplittableRandom random = new SplittableRandom(seed);
        List<AggregateReport.Row> rows = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            byte[] v4 = new byte[4];
            random.nextBytes(v4);
            byte[] v6 = new byte[16];
            random.nextBytes(v6);
            InetAddress source = InetAddress.getByAddress(random.nextBoolean() ? v4 : v6);
            rows.add(new AggregateReport.Row(source, 1 + random.nextInt(1000), DmarcRecord.Policy.NONE,
                    random.nextBoolean(), random.nextBoolean(), List.of(), junk(random), junk(random),
                    List.of(new AggregateReport.DkimAuth(junk(random), junk(random), "neutral")),
                    new AggregateReport.SpfAuth(junk(random), random.nextBoolean(), "permerror")));
        }
        byte[] xml = xml(new AggregateReport(META, "sender.example", RECORD, rows));
        AggregateSchema.validate(xml);
        assertThat(XPathFactory.newInstance().newXPath().evaluate("count(/feedback/record)",
                AggregateSchema.parse(xml))).isEqualTo("20");
    }

    private static String junk(SplittableRandom random) {
        StringBuilder text = new StringBuilder();
        int length = random.nextInt(30);
        String specials = "<>&\"']]>\u0000\u0001\u001b\r\n\t\ud800\uffff\u00e9\u4e2d";
        for (int i = 0; i < length; i++) {
            text.append(random.nextInt(3) == 0 ? specials.charAt(random.nextInt(specials.length()))
                    : (char) (0x20 + random.nextInt(0x5f)));
        }
        return text.toString();
    }
}
