package dev.posthorn.mailauth.dmarc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.posthorn.mailauth.dns.DnsClient;
import dev.posthorn.smtp.testing.DnsResponder;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** RFC 7489 7.1 against a real DNS responder: who may receive whose reports. */
class ExternalDestinationsTest {

    private DnsResponder dns;
    private ExternalDestinations destinations;

    @BeforeEach
    void start() throws Exception {
        dns = DnsResponder.builder().zone("test")
                .txt("sender.test._report._dmarc.reports.test", "v=DMARC1")
                .txt("liar.test._report._dmarc.reports.test", "v=spf1 -all")
                .servfail("down.test._report._dmarc.reports.test")
                .start();
        PublicSuffixList list = PublicSuffixList.read(new ByteArrayInputStream("test\n".getBytes(
                StandardCharsets.US_ASCII)));
        destinations = new ExternalDestinations(DnsClient.plain(List.of(dns.address()), Duration.ofSeconds(1)),
                () -> list);
    }

    @AfterEach
    void stop() {
        dns.close();
    }

    private static ReportUri uri(String address) {
        return ReportUri.parseList("mailto:" + address).getFirst();
    }

    @Test
    void theDomainsOwnOrganisationNeedsNoConsent() {
        assertThat(destinations.permits("sender.test", uri("dmarc@sender.test"))).isTrue();
        assertThat(destinations.permits("mail.sender.test", uri("dmarc@reports.sender.test"))).isTrue();
    }

    @Test
    void anotherOrganisationTakesReportsOnlyWhereItPublishedConsent() {
        assertThat(destinations.permits("sender.test", uri("agg@reports.test"))).isTrue();
        assertThat(destinations.permits("SENDER.test", uri("agg@Reports.Test"))).isTrue();
        assertThat(destinations.permits("stranger.test", uri("agg@reports.test"))).isFalse();
        assertThat(destinations.permits("liar.test", uri("agg@reports.test"))).as("not a DMARC record").isFalse();
        assertThat(destinations.permits("down.test", uri("agg@reports.test"))).as("lookup failed").isFalse();
    }

    @Test
    void anAddressLiteralIsNeverADestination() {
        assertThat(destinations.permits("sender.test", uri("agg@[127.0.0.1]"))).isFalse();
    }
}
