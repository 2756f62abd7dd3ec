package dev.posthorn.mta.dns;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.posthorn.mailauth.dns.Answer;
import dev.posthorn.mailauth.dns.DnsClient;
import dev.posthorn.mta.dane.Dane;
import dev.posthorn.mta.delivery.DaneVerdict;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Fuzz targets for DNS answers as Posthorn reads them, from the wire bytes a resolver receives (RFC 1035 4.1): each
 * input is the answers to a lookup's questions in turn, framed as over TCP ({@link WireResolver}), parsed by dnsjava
 * and read by the real {@link DnsClient} (through dnsjava's {@code Lookup} and cache, or {@link SecureLookup}) and
 * what stands on it. Every answer is untrusted input, so whatever the bytes, each lookup ends in one of its documented
 * answers and never throws:
 * <ul>
 *   <li>{@link #mx}: {@link MxResolver#resolve} gives an {@link MxAnswer}; its targets are host names or address
 *       literals, at most {@value MxResolver#MAX_TARGETS}, each with 1 to 16 addresses;</li>
 *   <li>{@link #txt}: {@link DnsClient#txt} gives an {@link Answer} whose strings keep every octet as one character
 *       (ISO-8859-1), as SPF, DKIM, DMARC and MTA-STS read them;</li>
 *   <li>{@link #tlsa}: through a validating client (the AD bit standing for the validator's verdict), DANE's MX
 *       targets and then their TLSA records give a {@link DaneVerdict} for each target.</li>
 * </ul>
 * The seed corpus holds real answers, made with dnsjava's message writer (name compression included): MX sets with
 * their AAAA and A answers, a null MX, NXDOMAIN and NODATA with the SOA, SERVFAIL, CNAME chains, SPF and DKIM TXT
 * records split into several strings, DNSSEC-validated MX, address and TLSA answers (DANE-EE and DANE-TA, SHA-256 and
 * full), a bogus answer with its extended DNS error (RFC 8914).
 */
class DnsAnswerFuzzTest {

    private static final String DOMAIN = "example.com";

    private static byte[] seed(String target, String name) throws IOException {
        try (InputStream in = DnsAnswerFuzzTest.class.getResourceAsStream("DnsAnswerFuzzTestInputs/" + target + "/"
                + name)) {
            return in.readAllBytes();
        }
    }

    private static Dane dane(byte[] answers) {
        return new Dane(DnsClient.validating(WireResolver.of(answers)), new SplittableRandom(1),
                Clock.fixed(Instant.parse("2026-12-01T00:00:00Z"), ZoneOffset.UTC));
    }

    /** The seeds reach what they were made for, so that fuzzing starts deep in the answer handling. */
    @Test
    void seedsAreReadAsTheAnswersTheyAre() throws IOException {
        MxResolver mx = new MxResolver(DnsClient.plain(WireResolver.of(seed("mx", "two-hosts"))));
        assertThat(mx.resolve(DOMAIN)).isInstanceOfSatisfying(MxAnswer.Targets.class, t -> assertThat(t.targets())
                .extracting(Target::host).containsExactly("mx1.example.com", "mx2.example.com"));
        assertThat(new MxResolver(DnsClient.plain(WireResolver.of(seed("mx", "null-mx")))).resolve(DOMAIN))
                .isInstanceOf(MxAnswer.NullMx.class);
        assertThat(new MxResolver(DnsClient.plain(WireResolver.of(seed("mx", "nxdomain")))).resolve(DOMAIN))
                .isInstanceOf(MxAnswer.NoSuchDomain.class);
        assertThat(DnsClient.plain(WireResolver.of(seed("txt", "split-strings"))).txt(DOMAIN).recordsOrEmpty())
                .contains("v=spf1 ip4:192.0.2.0/24 ip6:2001:db8::/32 -all");

        Dane dane = dane(seed("tlsa", "dane-ee"));
        List<Target> targets = ((MxAnswer.Targets) dane.resolver().resolve(DOMAIN)).targets();
        assertThat(targets).singleElement().satisfies(t -> assertThat(t.secure()).isTrue());
        assertThat(dane.verdict(DOMAIN, targets.getFirst())).isInstanceOf(DaneVerdict.Authenticate.class);
        Dane cname = dane(seed("tlsa", "cname-host"));
        Target canonical = ((MxAnswer.Targets) cname.resolver().resolve(DOMAIN)).targets().getFirst();
        assertThat(canonical.canonical()).isEqualTo("smtp.hosting.example.net");
        assertThat(cname.verdict(DOMAIN, canonical)).isInstanceOf(DaneVerdict.Authenticate.class);
        Dane bogus = dane(seed("tlsa", "bogus"));
        assertThat(bogus.resolver().resolve(DOMAIN)).isInstanceOfSatisfying(MxAnswer.TemporaryFailure.class,
                f -> assertThat(f.reason()).contains("bogus"));
    }

    @FuzzTest
    void mx(byte[] answers) {
        DnsClient dns = DnsClient.plain(WireResolver.of(answers));
        MxAnswer answer = new MxResolver(dns, new SplittableRandom(1)).resolve(DOMAIN);
        assertThat(answer).isNotNull();
        if (answer instanceof MxAnswer.Targets targets) {
            assertThat(targets.targets()).hasSizeBetween(1, MxResolver.MAX_TARGETS);
            for (Target target : targets.targets()) {
                assertThat(target.addresses()).hasSizeBetween(1, DnsClient.MAX_ADDRESSES);
                assertThat(target.host()).matches("[a-z0-9.:-]+");
            }
        }
        assertThat(dns.mx(DOMAIN)).isNotNull();
    }

    @FuzzTest
    void txt(byte[] answers) {
        DnsClient dns = DnsClient.plain(WireResolver.of(answers));
        Answer<String> answer = dns.txt(DOMAIN);
        for (String text : answer.recordsOrEmpty()) {
            assertThat(text.chars()).allMatch(c -> c <= 0xff);
        }
        assertThat(dns.txt("_dmarc." + DOMAIN)).isNotNull();
    }

    @FuzzTest
    void tlsa(byte[] answers) {
        DnsClient dns = DnsClient.validating(WireResolver.of(answers));
        Dane dane = new Dane(dns, new SplittableRandom(1), Clock.fixed(Instant.parse("2026-12-01T00:00:00Z"),
                ZoneOffset.UTC));
        if (dane.resolver().resolve(DOMAIN) instanceof MxAnswer.Targets targets) {
            for (Target target : targets.targets()) {
                DaneVerdict verdict = dane.verdict(DOMAIN, target);
                assertThat(verdict).isNotNull();
                if (!target.secure()) {
                    assertThat(verdict).isInstanceOf(DaneVerdict.NotApplicable.class);
                }
            }
        }
        assertThat(dns.hostAddresses("mail." + DOMAIN).recordsOrEmpty()).allMatch(InetAddress.class::isInstance);
    }
}
