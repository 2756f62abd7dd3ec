package dev.posthorn.mailauth.dns;

import static org.assertj.core.api.Assertions.assertThat;

import dev.posthorn.smtp.testing.DnsResponder;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The decoded questions of {@link DnsClient}, against the in-test responder over real UDP. */
class DnsClientTest {

    private static DnsClient client(DnsResponder dns) {
        return DnsClient.plain(List.of(dns.address()), Duration.ofSeconds(1));
    }

    @Test
    void txtJoinsTheStringsOfEachRecordAndKeepsEveryOctet() throws IOException {
        try (DnsResponder dns = DnsResponder.builder().zone("example.test")
                .txt("example.test", "v=spf1 ", "-all")
                .txt("example.test", "a \"quoted\" back\\\\slash").start()) {
            assertThat(client(dns).txt("example.test").recordsOrEmpty())
                    .containsExactlyInAnyOrder("v=spf1 -all", "a \"quoted\" back\\slash");
        }
    }

    @Test
    void noSuchNameNoDataAndFailureStayApart() throws IOException {
        try (DnsResponder dns = DnsResponder.builder().zone("example.test").a("host.example.test", "192.0.2.1")
                .servfail("broken.example.test").start()) {
            DnsClient client = client(dns);
            assertThat(client.txt("gone.example.test")).isInstanceOf(Answer.NoSuchName.class);
            assertThat(client.txt("host.example.test")).isInstanceOf(Answer.NoData.class);
            assertThat(client.txt("broken.example.test")).isInstanceOf(Answer.Failed.class);
            assertThat(client.txt("gone.example.test").isVoid()).isTrue();
            assertThat(client.txt("broken.example.test").isVoid()).isFalse();
            assertThat(client.a("host.example.test").secure()).isFalse();   // a plain client never claims it
        }
    }

    @Test
    void aNameThatCannotExistIsNoSuchNameWithoutAsking() throws IOException {
        try (DnsResponder dns = DnsResponder.builder().zone("example.test").start()) {
            DnsClient client = client(dns);
            assertThat(client.txt("a..example.test")).isInstanceOf(Answer.NoSuchName.class);
            assertThat(client.a("x".repeat(64) + ".example.test")).isInstanceOf(Answer.NoSuchName.class);
            assertThat(client.hostAddresses("")).isInstanceOf(Answer.NoSuchName.class);
            assertThat(dns.queryCount()).isZero();
        }
    }

    @Test
    void textIsAskedOctetByOctetNeverAsZoneFileSyntax() throws IOException {
        try (DnsResponder dns = DnsResponder.builder().zone("example.test").start()) {
            assertThat(client(dns).txt("a\\046b.example.test")).isInstanceOf(Answer.NoSuchName.class);
            // Read as zone-file syntax, \046 would be a dot inside the label ("a\.b").
            assertThat(dns.queries()).singleElement().extracting(DnsResponder.Query::name).asString()
                    .contains("046").doesNotContain("a\\.b");
        }
    }

    @Test
    void hostAddressesGiveIpv6FirstThroughCnames() throws IOException {
        try (DnsResponder dns = DnsResponder.builder().zone("example.test")
                .cname("mta-sts.example.test", "web.example.test")
                .a("web.example.test", "192.0.2.80").aaaa("web.example.test", "2001:db8::80").start()) {
            assertThat(client(dns).hostAddresses("mta-sts.example.test").recordsOrEmpty())
                    .containsExactly(InetAddress.getByName("2001:db8::80"), InetAddress.getByName("192.0.2.80"));
        }
    }

    @Test
    void mxAndPtrAreDecodedLowerCaseWithoutTheFinalDot() throws IOException {
        try (DnsResponder dns = DnsResponder.builder().zone("example.test").zone("2.0.192.in-addr.arpa")
                .mx("example.test", 10, "MX1.Example.Test")
                .ptr("7.2.0.192.in-addr.arpa", "Host.Example.Test").start()) {
            DnsClient client = client(dns);
            assertThat(client.mx("example.test").recordsOrEmpty())
                    .containsExactly(new Exchanger(10, "mx1.example.test"));
            assertThat(client.ptr(InetAddress.getByName("192.0.2.7")).recordsOrEmpty())
                    .containsExactly("host.example.test");
        }
    }
}
