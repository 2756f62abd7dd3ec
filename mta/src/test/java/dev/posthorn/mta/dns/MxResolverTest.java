package dev.posthorn.mta.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.posthorn.mailauth.dns.DnsClient;
import dev.posthorn.smtp.EnhancedStatus;
import dev.posthorn.smtp.testing.DnsResponder;
import dev.posthorn.smtp.testing.DnsResponderBuilder;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** MX routing (RFC 5321 5.1, RFC 7505) against the test DNS responder, over real UDP on loopback. */
class MxResolverTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(2);
    private static final DnsResponderBuilder DNS = DnsResponder.builder()
            .zone("example.test")
            .a("mx1.example.test", "192.0.2.1")
            .a("mx2.example.test", "192.0.2.2")
            .a("mx3.example.test", "192.0.2.3")
            .a("mx4.example.test", "192.0.2.4")
            .aaaa("mx6.example.test", "2001:db8::25")
            .aaaa("dual.example.test", "2001:db8::26")
            .a("dual.example.test", "192.0.2.26");

    private static MxResolver resolver(DnsResponder dns, long seed) {
        return new MxResolver(DnsClient.plain(List.of(dns.address()), TIMEOUT), new SplittableRandom(seed));
    }

    private static MxResolver resolver(DnsResponder dns) {
        return resolver(dns, 1);
    }

    private static List<Target> targets(MxAnswer answer) {
        assertThat(answer).isInstanceOf(MxAnswer.Targets.class);
        return ((MxAnswer.Targets) answer).targets();
    }

    private static List<String> hosts(MxAnswer answer) {
        return targets(answer).stream().map(Target::host).toList();
    }

    private static InetAddress ip(String literal) throws UnknownHostException {
        return InetAddress.getByName(literal);
    }

    @Test
    void exchangersComeInPreferenceOrder() throws IOException {
        try (DnsResponder dns = DNS.mx("example.test", 20, "mx2.example.test")
                .mx("example.test", 10, "mx1.example.test").mx("example.test", 30, "mx3.example.test").start()) {
            List<Target> targets = targets(resolver(dns).resolve("example.test"));

            assertThat(targets).containsExactly(new Target("mx1.example.test", List.of(ip("192.0.2.1")), 10),
                    new Target("mx2.example.test", List.of(ip("192.0.2.2")), 20),
                    new Target("mx3.example.test", List.of(ip("192.0.2.3")), 30));
        }
    }

    @Test
    void equalPreferencesAreShuffledReproduciblyBySeed() throws IOException {
        DnsResponderBuilder zone = DNS.mx("example.test", 5, "mx6.example.test");
        for (String host : List.of("mx1", "mx2", "mx3", "mx4")) {
            zone = zone.mx("example.test", 10, host + ".example.test");
        }
        try (DnsResponder dns = zone.start()) {
            List<String> first = hosts(resolver(dns, 1).resolve("example.test"));
            List<String> again = hosts(resolver(dns, 1).resolve("example.test"));
            List<String> other = hosts(resolver(dns, 2).resolve("example.test"));

            assertThat(again).isEqualTo(first);
            assertThat(other).isNotEqualTo(first);
            for (List<String> order : List.of(first, other)) {
                assertThat(order.getFirst()).isEqualTo("mx6.example.test");
                assertThat(order.subList(1, 5)).containsExactlyInAnyOrder("mx1.example.test", "mx2.example.test",
                        "mx3.example.test", "mx4.example.test");
            }
        }
    }

    @Test
    void domainWithoutMxIsItsOwnExchangerWithBothFamilies() throws IOException {
        try (DnsResponder dns = DNS.start()) {
            List<Target> targets = targets(resolver(dns).resolve("dual.example.test"));

            assertThat(targets).containsExactly(
                    new Target("dual.example.test", List.of(ip("2001:db8::26"), ip("192.0.2.26")), 0));
        }
    }

    @Test
    void domainWithNeitherMxNorAddressIsUnroutable() throws IOException {
        try (DnsResponder dns = DNS.txt("text.example.test", "v=spf1 -all").start()) {
            MxAnswer answer = resolver(dns).resolve("text.example.test");

            assertThat(answer).isInstanceOf(MxAnswer.Unroutable.class);
            assertThat(((MxAnswer.Unroutable) answer).status()).isEqualTo(EnhancedStatus.parse("5.4.4"));
        }
    }

    @Test
    void nullMxMeansNoMailAndNoFurtherLookups() throws IOException {
        try (DnsResponder dns = DNS.mx("nomail.example.test", 0, ".").a("nomail.example.test", "192.0.2.99").start()) {
            MxAnswer answer = resolver(dns).resolve("nomail.example.test");

            assertThat(answer).isEqualTo(new MxAnswer.NullMx());
            assertThat(((MxAnswer.NullMx) answer).status()).isEqualTo(EnhancedStatus.parse("5.1.10"));
            assertThat(dns.queries()).extracting(DnsResponder.Query::type).containsExactly("MX");
        }
    }

    @Test
    void nullMxAmongOtherMxRecordsIsIgnored() throws IOException {
        try (DnsResponder dns = DNS.mx("mixed.example.test", 0, ".").mx("mixed.example.test", 10, "mx1.example.test")
                .start()) {
            assertThat(hosts(resolver(dns).resolve("mixed.example.test"))).containsExactly("mx1.example.test");
        }
    }

    @Test
    void missingDomainIsNoSuchDomain() throws IOException {
        try (DnsResponder dns = DNS.start()) {
            MxAnswer answer = resolver(dns).resolve("nowhere.example.test");

            assertThat(answer).isEqualTo(new MxAnswer.NoSuchDomain());
            assertThat(((MxAnswer.NoSuchDomain) answer).status()).isEqualTo(EnhancedStatus.parse("5.1.2"));
        }
    }

    @Test
    void servfailIsTemporary() throws IOException {
        try (DnsResponder dns = DNS.servfail("broken.example.test").start()) {
            MxAnswer answer = resolver(dns).resolve("broken.example.test");

            assertThat(answer).isInstanceOf(MxAnswer.TemporaryFailure.class);
            assertThat(((MxAnswer.TemporaryFailure) answer).reason()).contains("SERVFAIL");
            assertThat(((MxAnswer.TemporaryFailure) answer).status()).isEqualTo(EnhancedStatus.parse("4.4.3"));
        }
    }

    @Test
    void silentServerIsTemporaryWithinTheTimeout() throws IOException {
        Duration timeout = Duration.ofMillis(600);
        try (DnsResponder dns = DNS.drop("silent.example.test").start()) {
            MxResolver resolver = new MxResolver(DnsClient.plain(List.of(dns.address()), timeout));
            long start = System.nanoTime();

            MxAnswer answer = resolver.resolve("silent.example.test");

            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertThat(answer).isInstanceOf(MxAnswer.TemporaryFailure.class);
            assertThat(took).isGreaterThanOrEqualTo(timeout.dividedBy(2)).isLessThan(timeout.plusSeconds(2));
            assertThat(dns.queryCount("silent.example.test")).isBetween(1, 2);
        }
    }

    @Test
    void exchangerWithoutAddressIsSkipped() throws IOException {
        try (DnsResponder dns = DNS.mx("example.test", 10, "gone.example.test")
                .mx("example.test", 15, "mx4.example.test")
                .mx("example.test", 20, "mx2.example.test").start()) {
            assertThat(hosts(resolver(dns).resolve("example.test")))
                    .containsExactly("mx4.example.test", "mx2.example.test");
        }
    }

    @Test
    void exchangersAllWithoutAddressAreUnroutable() throws IOException {
        try (DnsResponder dns = DNS.mx("example.test", 10, "gone.example.test")
                .mx("example.test", 20, "example.test").start()) {
            assertThat(resolver(dns).resolve("example.test")).isInstanceOf(MxAnswer.Unroutable.class);
        }
    }

    @Test
    void exchangerWhoseLookupFailsIsSkippedButOnlyFailuresAreTemporary() throws IOException {
        try (DnsResponder dns = DNS.mx("example.test", 10, "broken.example.test")
                .mx("example.test", 20, "mx2.example.test").mx("only.example.test", 10, "broken.example.test")
                .mx("only.example.test", 20, "gone.example.test").servfail("broken.example.test").start()) {
            MxResolver resolver = resolver(dns);

            assertThat(hosts(resolver.resolve("example.test"))).containsExactly("mx2.example.test");
            MxAnswer only = resolver.resolve("only.example.test");
            assertThat(only).isInstanceOf(MxAnswer.TemporaryFailure.class);
            assertThat(((MxAnswer.TemporaryFailure) only).reason()).contains("broken.example.test");
        }
    }

    @Test
    void exchangerBehindCnameChainGetsTheFinalAddresses() throws IOException {
        try (DnsResponder dns = DNS.zone("other.test").mx("example.test", 10, "alias.other.test")
                .cname("alias.other.test", "alias2.example.test").cname("alias2.example.test", "dual.example.test")
                .start()) {
            assertThat(targets(resolver(dns).resolve("example.test"))).containsExactly(
                    new Target("alias.other.test", List.of(ip("2001:db8::26"), ip("192.0.2.26")), 10, false,
                            "dual.example.test"));
        }
    }

    @Test
    void exchangerInCnameLoopIsSkipped() throws IOException {
        try (DnsResponder dns = DNS.mx("example.test", 10, "loop1.example.test")
                .mx("example.test", 20, "mx1.example.test")
                .cname("loop1.example.test", "loop2.example.test").cname("loop2.example.test", "loop1.example.test")
                .start()) {
            assertThat(hosts(resolver(dns).resolve("example.test"))).containsExactly("mx1.example.test");
        }
    }

    @Test
    void ipv6OnlyExchangerReturnsItsIpv6Address() throws IOException {
        try (DnsResponder dns = DNS.mx("example.test", 10, "mx6.example.test").start()) {
            Target target = targets(resolver(dns).resolve("example.test")).getFirst();

            assertThat(target.addresses()).singleElement().isInstanceOf(Inet6Address.class)
                    .isEqualTo(ip("2001:db8::25"));
        }
    }

    @Test
    void exchangerNamedByAnAddressIsThatAddress() throws IOException {
        try (DnsResponder dns = DNS.mx("example.test", 10, "192.0.2.77").start()) {
            assertThat(targets(resolver(dns).resolve("example.test")))
                    .containsExactly(new Target("192.0.2.77", List.of(ip("192.0.2.77")), 10));
            assertThat(dns.queryCount("192.0.2.77")).isZero();
        }
    }

    @Test
    void exchangerWithInvalidNameIsSkipped() throws IOException {
        try (DnsResponder dns = DNS.mx("example.test", 10, "bad_name.example.test").a("bad_name.example.test",
                "192.0.2.66").mx("example.test", 20, "mx1.example.test").start()) {
            assertThat(hosts(resolver(dns).resolve("example.test"))).containsExactly("mx1.example.test");
            assertThat(dns.queryCount("bad_name.example.test")).isZero();
        }
    }

    @Test
    void sameExchangerTwiceCountsOnceAtItsBestPreference() throws IOException {
        try (DnsResponder dns = DNS.mx("example.test", 30, "mx1.example.test")
                .mx("example.test", 20, "mx2.example.test")
                .mx("example.test", 10, "MX1.example.test.").start()) {
            assertThat(targets(resolver(dns).resolve("example.test"))).extracting(Target::host, Target::preference)
                    .containsExactly(tuple("mx1.example.test", 10),
                            tuple("mx2.example.test", 20));
        }
    }

    @Test
    void atMostTenExchangersAreLookedUp() throws IOException {
        DnsResponderBuilder zone = DNS;
        for (int i = 1; i <= 15; i++) {
            zone = zone.mx("many.example.test", i, "host" + i + ".example.test").a("host" + i + ".example.test",
                    "192.0.2." + (100 + i));
        }
        try (DnsResponder dns = zone.start()) {
            List<String> hosts = hosts(resolver(dns).resolve("many.example.test"));

            assertThat(hosts).hasSize(MxResolver.MAX_TARGETS).startsWith("host1.example.test")
                    .endsWith("host10.example.test");
            assertThat(dns.queryCount("host11.example.test")).isZero();
        }
    }

    @Test
    void trailingDotAndCaseAreNormalised() throws IOException {
        try (DnsResponder dns = DNS.mx("example.test", 10, "mx1.example.test").start()) {
            MxResolver resolver = resolver(dns);

            assertThat(resolver.resolve("Example.TEST.")).isEqualTo(resolver.resolve("example.test"));
            assertThat(hosts(resolver.resolve("example.test."))).containsExactly("mx1.example.test");
        }
    }

    @Test
    void unicodeDomainIsLookedUpAsALabel() throws IOException {
        try (DnsResponder dns = DNS.zone("xn--bcher-kva.test").mx("xn--bcher-kva.test", 10, "mx1.example.test")
                .start()) {
            assertThat(hosts(resolver(dns).resolve("bücher.test"))).containsExactly("mx1.example.test");
            assertThat(dns.queries().getFirst()).isEqualTo(
                    new DnsResponder.Query("xn--bcher-kva.test", "MX", DnsResponder.Transport.UDP));
        }
    }

    @Test
    void textThatIsNoDomainIsUnroutableWithoutAsking() throws IOException {
        try (DnsResponder dns = DNS.start()) {
            MxResolver resolver = resolver(dns);

            for (String bad : List.of("", ".", "exa mple.test", "[192.0.2.1]", "a..b", "under_score.test",
                    "x".repeat(64) + ".test", "evil\r\n.test")) {
                assertThat(resolver.resolve(bad)).as(bad).isInstanceOf(MxAnswer.Unroutable.class);
            }
            assertThat(dns.queryCount()).isZero();
        }
    }

    @Test
    void instancesShareNoCache() throws IOException {
        try (DnsResponder dns = DNS.mx("example.test", 10, "mx1.example.test").start()) {
            MxResolver first = resolver(dns);
            first.resolve("example.test");
            first.resolve("example.test");
            int afterFirst = dns.queryCount("example.test");

            resolver(dns).resolve("example.test");

            assertThat(afterFirst).isEqualTo(1);
            assertThat(dns.queryCount("example.test")).isEqualTo(2);
        }
    }

    @Test
    void timeoutMustBePositive() throws IOException {
        try (DnsResponder dns = DNS.start()) {
            assertThatThrownBy(() -> new MxResolver(DnsClient.plain(List.of(dns.address()), Duration.ZERO)))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }
}
