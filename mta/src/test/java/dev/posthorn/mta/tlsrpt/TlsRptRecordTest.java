package dev.posthorn.mta.tlsrpt;

import static org.assertj.core.api.Assertions.assertThat;

import dev.posthorn.mailauth.dns.DnsClient;
import dev.posthorn.smtp.testing.DnsResponder;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class TlsRptRecordTest {

    @Test
    void mailtoAndHttpsDestinationsAreRead() {
        TlsRptRecord record = TlsRptRecord.parse("v=TLSRPTv1; rua=mailto:tls@example.com,https://r.example.com/v1")
                .orElseThrow();
        assertThat(record.mail()).extracting(Object::toString).containsExactly("tls@example.com");
        assertThat(record.https()).extracting(Object::toString).containsExactly("https://r.example.com/v1");
        assertThat(record.toString()).isEqualTo("v=TLSRPTv1; rua=mailto:tls@example.com,https://r.example.com/v1");
        assertThat(TlsRptRecord.parse("v=TLSRPTv1;rua=mailto:a@x.example; ext=1")).isPresent();
    }

    @Test
    void whatIsNotAUsableRecordIsNone() {
        assertThat(TlsRptRecord.parse("v=TLSRPTv2; rua=mailto:a@x.example")).isEmpty();
        assertThat(TlsRptRecord.parse("rua=mailto:a@x.example; v=TLSRPTv1")).as("v first").isEmpty();
        assertThat(TlsRptRecord.parse("v=TLSRPTv1")).as("no rua").isEmpty();
        assertThat(TlsRptRecord.parse("v=TLSRPTv1; rua=http://plain.example/, ftp://x")).as("no usable URI")
                .isEmpty();
        assertThat(TlsRptRecord.parse("v=TLSRPTv1; rua=https://user@host.example/")).as("credentials").isEmpty();
        assertThat(TlsRptRecord.parse("v=TLSRPTv1; rua=mailto:a%0d%0ab@x.example")).isEmpty();
    }

    @Test
    void exactlyOneRecordMustBePublished() throws Exception {
        try (DnsResponder dns = DnsResponder.builder().zone("test")
                .txt("_smtp._tls.one.test", "v=TLSRPTv1; rua=mailto:tls@one.test")
                .txt("_smtp._tls.one.test", "v=spf1 -all")
                .txt("_smtp._tls.two.test", "v=TLSRPTv1; rua=mailto:a@two.test")
                .txt("_smtp._tls.two.test", "v=TLSRPTv1; rua=mailto:b@two.test")
                .servfail("_smtp._tls.down.test")
                .start()) {
            DnsClient client = DnsClient.plain(List.of(dns.address()), Duration.ofSeconds(1));
            assertThat(TlsRptRecord.lookup(client, "one.test")).isPresent();
            assertThat(TlsRptRecord.lookup(client, "two.test")).isEmpty();
            assertThat(TlsRptRecord.lookup(client, "none.test")).isEmpty();
            assertThat(TlsRptRecord.lookup(client, "down.test")).isEmpty();
        }
    }
}
