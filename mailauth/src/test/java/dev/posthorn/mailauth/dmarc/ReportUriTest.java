package dev.posthorn.mailauth.dmarc;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class ReportUriTest {

    private static List<String> parsed(String rua) {
        return ReportUri.parseList(rua).stream().map(ReportUri::toString).toList();
    }

    @Test
    void mailtoUrisWithAndWithoutSizeLimits() {
        assertThat(parsed("mailto:dmarc@example.com, mailto:agg@reports.example!10m,MAILTO:x@y.example!2k"))
                .containsExactly("mailto:dmarc@example.com", "mailto:agg@reports.example!10485760",
                        "mailto:x@y.example!2048");
        assertThat(ReportUri.parseList("mailto:a@example.com!7").getFirst().maxSize()).isEqualTo(OptionalLong.of(7));
    }

    @Test
    void otherSchemesAndBadAddressesAreSkipped() {
        assertThat(parsed("https://reports.example/dmarc, mailto:, mailto:no-at-sign, mailto:ok@example.com"))
                .containsExactly("mailto:ok@example.com");
        assertThat(parsed("mailto:a%0d%0aRCPT@example.com, mailto:bad%zz@example.com, mailto:bad%4@example.com"))
                .isEmpty();
    }

    @Test
    void percentEscapesAreDecodedAndAQueryIsDropped() {
        assertThat(parsed("mailto:dmarc%2Breports@example.com?subject=hi!1m"))
                .containsExactly("mailto:dmarc+reports@example.com!1048576");
    }

    @Test
    void atMostFiveDestinationsAndHugeSizesSaturate() {
        assertThat(ReportUri.parseList("mailto:a@x.example,mailto:b@x.example,mailto:c@x.example,mailto:d@x.example,"
                + "mailto:e@x.example,mailto:f@x.example")).hasSize(ReportUri.MAX_URIS);
        assertThat(ReportUri.parseList("mailto:a@x.example!999999999999999t").getFirst().maxSize())
                .isEqualTo(OptionalLong.of(Long.MAX_VALUE));
    }

    @Test
    void theRecordKeepsItsDestinationsAndFailureOptions() {
        DmarcRecord record = DmarcRecord.parse("v=DMARC1; p=none; fo=1:s; rua=mailto:a@x.example,https://y")
                .orElseThrow();
        assertThat(record.aggregate()).extracting(ReportUri::toString).containsExactly("mailto:a@x.example");
        assertThat(record.failureOptions()).isEqualTo("1:s");
        assertThat(DmarcRecord.parse("v=DMARC1; p=none; fo=<script>").orElseThrow().failureOptions()).isEqualTo("0");
    }
}
