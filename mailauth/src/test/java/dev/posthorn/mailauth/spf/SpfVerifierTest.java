package dev.posthorn.mailauth.spf;

import static dev.posthorn.smtp.testing.DnsResponderBuilder.reverse;
import static org.assertj.core.api.Assertions.assertThat;

import dev.posthorn.mailauth.dns.DnsClient;
import dev.posthorn.smtp.testing.DnsResponder;
import dev.posthorn.smtp.testing.DnsResponderBuilder;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** check_host() against records served by a real DNS responder on loopback (RFC 7208 4 to 7). */
class SpfVerifierTest {

    /** The zones of RFC 7208 appendix A, without an SPF record (each test adds the one it needs). */
    private static final DnsResponderBuilder APPENDIX = DnsResponder.builder()
            .zone("example.com").zone("example.org").zone("example.net").zone("in-addr.arpa").zone("ip6.arpa")
            .mx("example.com", 10, "mail-a.example.com").mx("example.com", 20, "mail-b.example.com")
            .a("example.com", "192.0.2.10").a("example.com", "192.0.2.11")
            .a("amy.example.com", "192.0.2.65").a("bob.example.com", "192.0.2.66")
            .a("mail-a.example.com", "192.0.2.129").a("mail-b.example.com", "192.0.2.130")
            .cname("www.example.com", "example.com")
            .mx("example.org", 10, "mail-c.example.org").a("mail-c.example.org", "192.0.2.140")
            .ptr(reverse("192.0.2.10"), "example.com").ptr(reverse("192.0.2.11"), "example.com")
            .ptr(reverse("192.0.2.65"), "amy.example.com").ptr(reverse("192.0.2.66"), "bob.example.com")
            .ptr(reverse("192.0.2.129"), "mail-a.example.com").ptr(reverse("192.0.2.130"), "mail-b.example.com")
            .ptr(reverse("192.0.2.140"), "mail-c.example.org")
            .ptr(reverse("10.0.0.4"), "bob.example.com");

    private DnsResponder responder;

    private SpfVerdict check(DnsResponderBuilder zones, String client, String mailFrom, String helo)
            throws IOException {
        try (DnsResponder started = zones.start()) {
            responder = started;
            DnsClient dns = DnsClient.plain(List.of(responder.address()), Duration.ofMillis(1500));
            return new SpfVerifier(dns, Duration.ofSeconds(20)).check(InetAddress.getByName(client), mailFrom, helo);
        }
    }

    private SpfResult result(DnsResponderBuilder zones, String client) throws IOException {
        return check(zones, client, "u@example.com", "h").result();
    }

    /** The result for {@code client} with {@code record} as example.com's SPF record, added to {@code zones}. */
    private SpfResult result(DnsResponderBuilder zones, String record, String client) throws IOException {
        return result(zones.txt("example.com", record), client);
    }

    private SpfResult result(String record, String client) throws IOException {
        return check(APPENDIX.txt("example.com", record), client, "user@example.com", "client.example.net")
                .result();
    }

    @ParameterizedTest(name = "{0} from {1}: {2}")
    @CsvSource(delimiter = '|', textBlock = """
            v=spf1 +all                          | 192.0.2.65  | PASS
            v=spf1 a -all                        | 192.0.2.10  | PASS
            v=spf1 a -all                        | 192.0.2.11  | PASS
            v=spf1 a -all                        | 192.0.2.65  | FAIL
            v=spf1 a:example.org -all            | 192.0.2.10  | FAIL
            v=spf1 mx -all                       | 192.0.2.129 | PASS
            v=spf1 mx -all                       | 192.0.2.130 | PASS
            v=spf1 mx -all                       | 192.0.2.10  | FAIL
            v=spf1 mx:example.org -all           | 192.0.2.140 | PASS
            v=spf1 mx:example.org -all           | 192.0.2.129 | FAIL
            v=spf1 mx mx:example.org -all        | 192.0.2.130 | PASS
            v=spf1 mx mx:example.org -all        | 192.0.2.140 | PASS
            v=spf1 mx/30 mx:example.org/30 -all  | 192.0.2.131 | PASS
            v=spf1 mx/30 mx:example.org/30 -all  | 192.0.2.143 | PASS
            v=spf1 mx/30 mx:example.org/30 -all  | 192.0.2.144 | FAIL
            v=spf1 ptr -all                      | 192.0.2.65  | PASS
            v=spf1 ptr -all                      | 192.0.2.10  | PASS
            v=spf1 ptr -all                      | 192.0.2.140 | FAIL
            v=spf1 ptr -all                      | 10.0.0.4    | FAIL
            v=spf1 ip4:192.0.2.128/28 -all       | 192.0.2.143 | PASS
            v=spf1 ip4:192.0.2.128/28 -all       | 192.0.2.65  | FAIL
            v=spf1 a:www.example.com -all        | 192.0.2.11  | PASS
            v=spf1 ip4:192.0.2.1 ~all            | 192.0.2.2   | SOFTFAIL
            v=spf1 ip4:192.0.2.1 ?all            | 192.0.2.2   | NEUTRAL
            v=spf1 ip4:192.0.2.1                 | 192.0.2.2   | NEUTRAL
            v=spf1 -ip4:192.0.2.1 +all           | 192.0.2.1   | FAIL
            V=SPF1 IP4:192.0.2.1 -ALL            | 192.0.2.1   | PASS
            v=spf1 ip6:2001:db8::/32 -all        | 2001:db8::1 | PASS
            v=spf1 ip6:2001:db8::/32 -all        | 192.0.2.1   | FAIL
            v=spf1 ip4:192.0.2.0/24 -all         | 2001:db8::1 | FAIL
            v=spf1 ip4:0.0.0.0/0 -all            | 203.0.113.9 | PASS
            """)
    void appendixAExamplesAndQualifiers(String record, String client, SpfResult expected) throws IOException {
        assertThat(result(record, client)).isEqualTo(expected);
    }

    @Test
    void aAndMxUseTheClientsAddressFamilyAndTheIpv6PrefixLength() throws IOException {
        DnsResponderBuilder zones = APPENDIX.aaaa("example.com", "2001:db8:1::10")
                .aaaa("mail-a.example.com", "2001:db8:2::1");
        assertThat(result(zones, "v=spf1 a//64 -all", "2001:db8:1::ffff")).isEqualTo(SpfResult.PASS);
        assertThat(result(zones, "v=spf1 a//64 -all", "2001:db8:9::1")).isEqualTo(SpfResult.FAIL);
        assertThat(result(zones, "v=spf1 mx -all", "2001:db8:2::1")).isEqualTo(SpfResult.PASS);
        assertThat(result(zones, "v=spf1 a -all", "192.0.2.10")).isEqualTo(SpfResult.PASS);
    }

    @Test
    void anIpv4MappedClientIsCheckedAsIpv4() throws IOException {
        byte[] mapped = HexFormat.of().parseHex("00000000000000000000ffffc000020a");
        InetAddress client = Inet6Address.getByAddress(null, mapped, -1);
        try (DnsResponder started = APPENDIX.txt("example.com", "v=spf1 ip4:192.0.2.10 -all").start()) {
            responder = started;
            DnsClient dns = DnsClient.plain(List.of(responder.address()), Duration.ofMillis(1500));
            assertThat(new SpfVerifier(dns, Duration.ofSeconds(20)).check(client, "u@example.com", "h").result())
                    .isEqualTo(SpfResult.PASS);
        }
    }

    @Test
    void includeMatchesOnPassOnlyAndPropagatesErrors() throws IOException {
        DnsResponderBuilder zones = APPENDIX.txt("_spf.example.net", "v=spf1 ip4:192.0.2.1 -all")
                .txt("soft.example.net", "v=spf1 ~all").servfail("broken.example.net");
        assertThat(result(zones, "v=spf1 include:_spf.example.net -all", "192.0.2.1")).isEqualTo(SpfResult.PASS);
        assertThat(result(zones, "v=spf1 include:_spf.example.net ?all", "192.0.2.2")).isEqualTo(SpfResult.NEUTRAL);
        assertThat(result(zones, "v=spf1 include:soft.example.net -all", "192.0.2.2")).isEqualTo(SpfResult.FAIL);
        assertThat(result(zones, "v=spf1 include:nothing.example.net -all", "192.0.2.2"))
                .isEqualTo(SpfResult.PERMERROR);
        assertThat(result(zones, "v=spf1 include:broken.example.net -all", "192.0.2.2")).isEqualTo(SpfResult.TEMPERROR);
    }

    @Test
    void redirectHandsOverUnlessAnAllIsPresent() throws IOException {
        DnsResponderBuilder zones = APPENDIX.txt("_spf.example.net", "v=spf1 ip4:192.0.2.1 -all");
        assertThat(result(zones, "v=spf1 redirect=_spf.example.net", "192.0.2.1")).isEqualTo(SpfResult.PASS);
        assertThat(result(zones, "v=spf1 redirect=_spf.example.net", "192.0.2.2")).isEqualTo(SpfResult.FAIL);
        assertThat(result(zones, "v=spf1 ?all redirect=_spf.example.net", "192.0.2.2")).isEqualTo(SpfResult.NEUTRAL);
        assertThat(result(zones, "v=spf1 redirect=none.example.net", "192.0.2.2")).isEqualTo(SpfResult.PERMERROR);
    }

    @Test
    void existsWithMacrosAsksForTheExpandedName() throws IOException {
        DnsResponderBuilder zones = APPENDIX.txt("example.com", "v=spf1 exists:%{ir}.%{l1r+-}._spf.%{d} -all")
                .a("3.2.0.192.strong._spf.example.com", "127.0.0.2");
        assertThat(check(zones, "192.0.2.3", "strong-bad@example.com", "h").result()).isEqualTo(SpfResult.PASS);
        assertThat(check(zones, "192.0.2.4", "strong-bad@example.com", "h").result()).isEqualTo(SpfResult.FAIL);
        assertThat(responder.queries()).anyMatch(q -> q.name().equals("4.2.0.192.strong._spf.example.com")
                && q.type().equals("A"));
    }

    @Test
    void theIpMacroOfAnIpv6ClientIsDotSeparatedNibbles() throws IOException {
        SpfVerdict verdict = check(APPENDIX.txt("example.com", "v=spf1 exists:%{ir}.%{v}._spf.%{d2} -all"),
                "2001:db8::cb01", "strong-bad@example.com", "h");
        assertThat(verdict.result()).isEqualTo(SpfResult.FAIL);
        assertThat(responder.queries()).anyMatch(q -> q.name().equals(
                "1.0.b.c.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6._spf.example.com"));
    }

    @Test
    void thePtrMacroNamesAValidatedName() throws IOException {
        DnsResponderBuilder zones = APPENDIX.txt("example.com", "v=spf1 exists:%{p}.ok.example.net -all")
                .a("amy.example.com.ok.example.net", "127.0.0.2");
        assertThat(result(zones, "192.0.2.65")).isEqualTo(SpfResult.PASS);
        assertThat(result(zones, "10.0.0.4")).isEqualTo(SpfResult.FAIL);
        assertThat(responder.queries()).anyMatch(q -> q.name().equals("unknown.ok.example.net"));
    }

    @Test
    void aNullMailFromChecksTheHeloNameAsPostmaster() throws IOException {
        DnsResponderBuilder zones = APPENDIX.txt("mail-a.example.com", "v=spf1 a exists:%{l}.ok.example.net -all")
                .a("postmaster.ok.example.net", "127.0.0.2");
        SpfVerdict verdict = check(zones, "203.0.113.1", null, "mail-a.example.com");
        assertThat(verdict).isEqualTo(new SpfVerdict(SpfResult.PASS, SpfVerdict.Identity.HELO, "mail-a.example.com",
                "mail-a.example.com", verdict.reason()));
    }

    @Test
    void withoutARecordOrAValidDomainTheResultIsNone() throws IOException {
        DnsResponderBuilder zones = APPENDIX.txt("example.net", "google-site-verification=x")
                .txt("example.org", "v=spf10 -all");
        assertThat(result(zones, "192.0.2.1")).isEqualTo(SpfResult.NONE);
        assertThat(check(zones, "192.0.2.1", "u@example.net", "h").result()).isEqualTo(SpfResult.NONE);
        assertThat(check(zones, "192.0.2.1", "u@example.org", "h").result()).isEqualTo(SpfResult.NONE);
        assertThat(check(zones, "192.0.2.1", "u@nowhere.example.com", "h").result()).isEqualTo(SpfResult.NONE);
        assertThat(check(zones, "192.0.2.1", "u@localhost", "h").result()).isEqualTo(SpfResult.NONE);
        assertThat(check(zones, "192.0.2.1", null, "[192.0.2.1]").result()).isEqualTo(SpfResult.NONE);
        assertThat(check(zones, "192.0.2.1", "u@" + "a".repeat(64) + ".example.com", "h").result())
                .isEqualTo(SpfResult.NONE);
    }

    @Test
    void recordsSplitIntoSeveralStringsAreJoinedWithoutSpaces() throws IOException {
        DnsResponderBuilder zones = APPENDIX.txt("example.com", "v=spf1 ip4:192.0.2.1", " -all");
        assertThat(result(zones, "192.0.2.1")).isEqualTo(SpfResult.PASS);
        assertThat(result(zones, "192.0.2.2")).isEqualTo(SpfResult.FAIL);
    }

    @Test
    void twoRecordsOrABrokenOneArePermerrors() throws IOException {
        assertThat(result(APPENDIX.txt("example.com", "v=spf1 +all").txt("example.com", "v=spf1 -all"), "192.0.2.1"))
                .isEqualTo(SpfResult.PERMERROR);
        assertThat(result("v=spf1 +all ip4:192.0.2.300", "192.0.2.1")).isEqualTo(SpfResult.PERMERROR);
    }

    @Test
    void dnsFailuresAreTemperrors() throws IOException {
        assertThat(result(APPENDIX.servfail("example.com"), "192.0.2.1"))
                .isEqualTo(SpfResult.TEMPERROR);
        assertThat(result(APPENDIX.drop("example.com"), "192.0.2.1"))
                .isEqualTo(SpfResult.TEMPERROR);
        assertThat(result(APPENDIX.servfail("down.example.net"), "v=spf1 a:down.example.net -all", "192.0.2.1"))
                .isEqualTo(SpfResult.TEMPERROR);
    }

    @Test
    void tenDnsQueryingTermsAreAllowedAndTheEleventhIsAPermerror() throws IOException {
        DnsResponderBuilder zones = APPENDIX;
        for (int i = 1; i <= 11; i++) {
            zones = zones.a("h" + i + ".example.net", "198.51.100." + i);
        }
        String ten = IntStream.rangeClosed(1, 10).mapToObj(i -> "a:h" + i + ".example.net")
                .collect(Collectors.joining(" "));
        assertThat(result(zones.txt("example.com", "v=spf1 " + ten + " -all"), "192.0.2.1")).isEqualTo(SpfResult.FAIL);
        SpfVerdict eleven = check(zones.txt("example.com", "v=spf1 " + ten + " a:h11.example.net -all"),
                "192.0.2.1", "u@example.com", "h");
        assertThat(eleven.result()).isEqualTo(SpfResult.PERMERROR);
        assertThat(eleven.reason()).contains("more than 10");
        assertThat(responder.queries()).noneMatch(q -> q.name().equals("h11.example.net"));
    }

    @Test
    void includeLoopsEndAtTheLookupLimit() throws IOException {
        SpfVerdict verdict = check(APPENDIX.txt("example.com", "v=spf1 include:example.com -all"), "192.0.2.1",
                "u@example.com", "h");
        assertThat(verdict.result()).isEqualTo(SpfResult.PERMERROR);
        assertThat(responder.queryCount()).isLessThanOrEqualTo(12);
    }

    @Test
    void moreThanTwoVoidLookupsAreAPermerror() throws IOException {
        assertThat(result("v=spf1 a:n1.example.net a:n2.example.net -all", "192.0.2.1")).isEqualTo(SpfResult.FAIL);
        assertThat(result("v=spf1 a:n1.example.net a:n2.example.net a:n3.example.net -all", "192.0.2.1"))
                .isEqualTo(SpfResult.PERMERROR);
        assertThat(result("v=spf1 exists:n1.example.net mx:example.net ptr:x.example.net -all", "192.0.2.200"))
                .isEqualTo(SpfResult.PERMERROR);
    }

    @Test
    void moreThanTenMxNamesAreAPermerror() throws IOException {
        DnsResponderBuilder ten = APPENDIX;
        for (int i = 1; i <= 10; i++) {
            ten = ten.mx("example.net", i, "m" + i + ".example.net").a("m" + i + ".example.net", "198.51.100." + i);
        }
        assertThat(result(ten, "v=spf1 mx:example.net -all", "198.51.100.10")).isEqualTo(SpfResult.PASS);
        DnsResponderBuilder eleven = ten.mx("example.net", 11, "m11.example.net").a("m11.example.net", "192.0.2.1");
        assertThat(result(eleven, "v=spf1 mx:example.net -all", "198.51.100.1")).isEqualTo(SpfResult.PERMERROR);
    }

    @Test
    void onlyTheFirstTenPtrNamesAreLookedAt() throws IOException {
        DnsResponderBuilder zones = APPENDIX.txt("example.com", "v=spf1 ptr:example.net -all");
        String name = reverse("198.51.100.7");
        for (int i = 1; i <= 11; i++) {
            zones = zones.ptr(name, "p" + i + ".example.net");
        }
        DnsResponderBuilder firstValid = zones.a("p1.example.net", "198.51.100.7");
        assertThat(result(firstValid, "198.51.100.7")).isEqualTo(SpfResult.PASS);
        DnsResponderBuilder lastValid = zones.a("p11.example.net", "198.51.100.7");
        assertThat(result(lastValid, "198.51.100.7")).isEqualTo(SpfResult.FAIL);
        assertThat(responder.queries()).noneMatch(q -> q.name().equals("p11.example.net"));
    }

    @Test
    void theVerdictNamesTheIdentityAndTheDomain() throws IOException {
        SpfVerdict verdict = check(APPENDIX.txt("example.com", "v=spf1 a -all"), "192.0.2.10", "Bob@Example.COM",
                "client.example.net");
        assertThat(verdict.result()).isEqualTo(SpfResult.PASS);
        assertThat(verdict.identity()).isEqualTo(SpfVerdict.Identity.MAILFROM);
        assertThat(verdict.checked()).isEqualTo("Bob@Example.COM");
        assertThat(verdict.domain()).isEqualTo("example.com");
        assertThat(verdict.reason()).contains("192.0.2.10").contains("a");
    }
}
