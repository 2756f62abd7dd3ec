package dev.posthorn.mta.dns;

import static org.assertj.core.api.Assertions.assertThat;

import dev.posthorn.mta.dns.DnsBlocklist.Verdict;
import dev.posthorn.smtp.testing.DnsResponder;
import dev.posthorn.smtp.testing.DnsResponderBuilder;
import dev.posthorn.smtp.testing.ManualClock;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** DNS blocklist lookups (RFC 5782) over real DNS wire format to an in-test responder. */
class DnsBlocklistTest {

    private static final DnsResponderBuilder DNS = DnsResponder.builder()
            .zone("zen.example.test")
            .a("2.2.0.192.zen.example.test", "127.0.0.2")
            .txt("2.2.0.192.zen.example.test", "Listed for spam, see https://zen.example.test/q?ip=192.0.2.2")
            .a("3.2.0.192.zen.example.test", "127.0.0.4")
            .a("4.2.0.192.zen.example.test", "127.255.255.254")
            .a("5.2.0.192.zen.example.test", "192.0.2.99")
            .a("6.2.0.192.zen.example.test", "127.0.0.2")
            .txt("6.2.0.192.zen.example.test", "bad\r\n550 injected\u0007 \u00e9t\u00e9", "x".repeat(240))
            .a("1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.zen.example.test", "127.0.0.2")
            .servfail("7.2.0.192.zen.example.test")
            .drop("8.2.0.192.zen.example.test")
            .zone("second.example.test")
            .a("9.2.0.192.second.example.test", "127.0.0.3")
            .a("2.2.0.192.second.example.test", "127.0.0.3");

    private final ManualClock clock = new ManualClock(Instant.parse("2026-11-23T12:00:00Z"));

    private DnsBlocklist lists(DnsResponder dns, String... zones) {
        return new DnsBlocklist(List.of(dns.address()), Duration.ofMillis(800), List.of(zones), clock);
    }

    private static InetAddress ip(String literal) throws Exception {
        return InetAddress.getByName(literal); // a literal: no DNS
    }

    @Test
    void aListedAddressIsReportedWithTheListsReason() throws Exception {
        try (DnsResponder dns = DNS.start()) {
            assertThat(lists(dns, "zen.example.test").check(ip("192.0.2.2"))).isEqualTo(new Verdict.Listed(
                    "zen.example.test", "Listed for spam, see https://zen.example.test/q?ip=192.0.2.2"));
            assertThat(dns.queries()).extracting(DnsResponder.Query::name, DnsResponder.Query::type)
                    .contains(org.assertj.core.groups.Tuple.tuple("2.2.0.192.zen.example.test", "A"));
        }
    }

    @Test
    void aListingWithoutTxtHasAnEmptyReason() throws Exception {
        try (DnsResponder dns = DNS.start()) {
            assertThat(lists(dns, "zen.example.test").check(ip("192.0.2.3")))
                    .isEqualTo(new Verdict.Listed("zen.example.test", ""));
        }
    }

    @Test
    void ipv6AddressesAreAskedByTheirReversedNibbles() throws Exception {
        try (DnsResponder dns = DNS.start()) {
            assertThat(lists(dns, "zen.example.test").check(ip("2001:db8::1")))
                    .isEqualTo(new Verdict.Listed("zen.example.test", ""));
            assertThat(lists(dns, "zen.example.test").check(ip("2001:db8::2"))).isEqualTo(new Verdict.Clear());
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"192.0.2.1", "192.0.2.4", "192.0.2.5", "192.0.2.7", "192.0.2.8"})
    void unlistedErrorCodesFailuresAndTimeoutsLetTheClientIn(String client) throws Exception {
        // .1 NXDOMAIN, .4 an error code (127.255.255.254), .5 an answer outside 127/8, .7 SERVFAIL, .8 no answer
        try (DnsResponder dns = DNS.start()) {
            long start = System.nanoTime();
            assertThat(lists(dns, "zen.example.test").check(ip(client))).isEqualTo(new Verdict.Clear());
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        }
    }

    @Test
    void theReasonIsPrintableAsciiAndBounded() throws Exception {
        try (DnsResponder dns = DNS.start()) {
            Verdict.Listed listed = (Verdict.Listed) lists(dns, "zen.example.test").check(ip("192.0.2.6"));
            assertThat(listed.reason()).hasSizeLessThanOrEqualTo(DnsBlocklist.MAX_REASON)
                    .startsWith("bad").contains("550 injected").endsWith("xxx...").doesNotContain("\r", "\n")
                    .matches("[\\x20-\\x7e]*");
            // The whole reply line stays within RFC 5321's 512 octets even with a long zone name.
            assertThat(dev.posthorn.mta.policy.Blocklisted.greeting("[IPv6:2001:db8::1]", "a".repeat(63) + "." + "b".repeat(63)
                    + "." + "c".repeat(63) + ".example", listed.reason()).toWire().length).isLessThanOrEqualTo(512);
        }
    }

    @Test
    void theFirstListingInConfiguredOrderWinsAndAllZonesAreAsked() throws Exception {
        try (DnsResponder dns = DNS.start()) {
            assertThat(lists(dns, "second.example.test", "zen.example.test").check(ip("192.0.2.2")))
                    .isEqualTo(new Verdict.Listed("second.example.test", ""));
            assertThat(lists(dns, "zen.example.test", "second.example.test").check(ip("192.0.2.9")))
                    .isEqualTo(new Verdict.Listed("second.example.test", ""));
        }
    }

    @Test
    void definiteAnswersAreCachedForAMinuteAndFailuresNot() throws Exception {
        try (DnsResponder dns = DNS.start()) {
            DnsBlocklist lists = lists(dns, "zen.example.test");
            lists.check(ip("192.0.2.2"));
            lists.check(ip("192.0.2.1"));
            int asked = dns.queryCount();
            lists.check(ip("192.0.2.2"));
            lists.check(ip("192.0.2.1"));
            assertThat(dns.queryCount()).isEqualTo(asked);
            clock.advance(DnsBlocklist.CACHE_TTL);
            lists.check(ip("192.0.2.1"));
            assertThat(dns.queryCount()).isGreaterThan(asked);

            lists.check(ip("192.0.2.7"));
            int afterFailure = dns.queryCount("7.2.0.192.zen.example.test");
            lists.check(ip("192.0.2.7"));
            assertThat(dns.queryCount("7.2.0.192.zen.example.test")).isGreaterThan(afterFailure);
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @CsvSource({"1", "2", "3"})
    void reversedNamesMatchDnsjavasReverseMap(long seed) throws Exception {
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < 200; i++) {
            byte[] bytes = new byte[random.nextBoolean() ? 4 : 16];
            random.nextBytes(bytes);
            InetAddress address = InetAddress.getByAddress(bytes);
            String arpa = org.xbill.DNS.ReverseMap.fromAddress(address).toString();
            String suffix = bytes.length == 4 ? ".in-addr.arpa." : ".ip6.arpa.";
            assertThat(DnsBlocklist.reversed(address) + suffix).isEqualTo(arpa);
        }
    }
}
