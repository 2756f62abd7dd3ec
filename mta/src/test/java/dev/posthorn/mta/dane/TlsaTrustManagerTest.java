package dev.posthorn.mta.dane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.posthorn.mta.dane.TestPki.Issued;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Name;
import org.xbill.DNS.TLSARecord;

/** Matching a certificate chain against TLSA records, with certificates made for each test. */
class TlsaTrustManagerTest {

    private static final Issued ROOT = TestPki.rootCa("Test Root CA");
    private static final Issued INTERMEDIATE = TestPki.intermediateCa("Test Intermediate CA", ROOT);
    private static final Issued SERVER = TestPki.server(INTERMEDIATE, "mx.example.net");
    private static final X509Certificate[] CHAIN = {SERVER.certificate(), INTERMEDIATE.certificate(),
            ROOT.certificate()};
    private static final List<String> NAMES = List.of("mx.example.net", "example.net");

    private static TlsaTrustManager manager(Tlsa... records) {
        return new TlsaTrustManager(List.of(records), NAMES, Clock.systemUTC());
    }

    private static Tlsa record(Tlsa.Usage usage, Tlsa.Selector selector, Tlsa.Matching matching,
                               X509Certificate of) {
        return new Tlsa(usage, selector, matching, Tlsa.associationData(of, selector, matching));
    }

    static Stream<Arguments> everyCombination() {
        List<Arguments> all = new ArrayList<>();
        for (Tlsa.Usage usage : Tlsa.Usage.values()) {
            for (Tlsa.Selector selector : Tlsa.Selector.values()) {
                for (Tlsa.Matching matching : Tlsa.Matching.values()) {
                    all.add(Arguments.of(usage, selector, matching));
                }
            }
        }
        return all.stream();
    }

    /** DANE-EE names the server's certificate, DANE-TA the root of its chain. */
    private static X509Certificate pinned(Tlsa.Usage usage) {
        return usage == Tlsa.Usage.DANE_EE ? SERVER.certificate() : ROOT.certificate();
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("everyCombination")
    void matchingRecordOfEveryUsageSelectorAndMatchingTypeIsAccepted(Tlsa.Usage usage, Tlsa.Selector selector,
                                                                     Tlsa.Matching matching) {
        Tlsa record = record(usage, selector, matching, pinned(usage));
        assertThatCode(() -> manager(record).verify(CHAIN)).doesNotThrowAnyException();
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("everyCombination")
    void recordWithOneWrongOctetIsRefused(Tlsa.Usage usage, Tlsa.Selector selector, Tlsa.Matching matching) {
        byte[] data = Tlsa.associationData(pinned(usage), selector, matching);
        data[data.length / 2] ^= 0x01;
        Tlsa wrong = new Tlsa(usage, selector, matching, data);
        assertThatThrownBy(() -> manager(wrong).verify(CHAIN)).isInstanceOf(CertificateException.class)
                .hasMessageContaining("no TLSA record matches")
                .hasMessageContaining("3 1 1 ");
    }

    @Test
    void daneEeIgnoresNamesExpiryAndIssuer() throws Exception {
        Issued expired = TestPki.selfSigned(Instant.now().minus(Duration.ofDays(60)),
                Instant.now().minus(Duration.ofDays(30)), "somewhere.else.test");
        Tlsa record = record(Tlsa.Usage.DANE_EE, Tlsa.Selector.SPKI, Tlsa.Matching.SHA256, expired.certificate());
        manager(record).verify(new X509Certificate[] {expired.certificate()});
    }

    @Test
    void daneEeMatchesOnlyTheServersCertificateNotAnIssuer() {
        Tlsa record = record(Tlsa.Usage.DANE_EE, Tlsa.Selector.SPKI, Tlsa.Matching.SHA256, ROOT.certificate());
        assertThatThrownBy(() -> manager(record).verify(CHAIN)).isInstanceOf(CertificateException.class);
    }

    @Test
    void daneTaMayNameTheIntermediate() throws Exception {
        manager(record(Tlsa.Usage.DANE_TA, Tlsa.Selector.SPKI, Tlsa.Matching.SHA256, INTERMEDIATE.certificate()))
                .verify(CHAIN);
    }

    @Test
    void daneTaChecksTheServersName() {
        Issued other = TestPki.server(INTERMEDIATE, "mail.other.test");
        Tlsa record = record(Tlsa.Usage.DANE_TA, Tlsa.Selector.SPKI, Tlsa.Matching.SHA256, ROOT.certificate());
        assertThatThrownBy(() -> manager(record).verify(new X509Certificate[] {other.certificate(),
                INTERMEDIATE.certificate(), ROOT.certificate()}))
                .isInstanceOf(CertificateException.class).hasMessageContaining("mail.other.test");
    }

    @Test
    void daneTaAcceptsTheRecipientDomainAndAWildcard() throws Exception {
        Tlsa record = record(Tlsa.Usage.DANE_TA, Tlsa.Selector.CERT, Tlsa.Matching.SHA256, ROOT.certificate());
        Issued forDomain = TestPki.server(ROOT, "example.net");
        manager(record).verify(new X509Certificate[] {forDomain.certificate(), ROOT.certificate()});
        Issued wildcard = TestPki.server(ROOT, "*.example.net");
        manager(record).verify(new X509Certificate[] {wildcard.certificate(), ROOT.certificate()});
    }

    @Test
    void daneTaChecksTheDates() {
        Issued expired = TestPki.server(ROOT, Instant.now().minus(Duration.ofDays(60)),
                Instant.now().minus(Duration.ofDays(30)), "mx.example.net");
        Tlsa record = record(Tlsa.Usage.DANE_TA, Tlsa.Selector.SPKI, Tlsa.Matching.SHA256, ROOT.certificate());
        assertThatThrownBy(() -> manager(record).verify(new X509Certificate[] {expired.certificate(),
                ROOT.certificate()}))
                .isInstanceOf(CertificateException.class).hasMessageContaining("not valid");
    }

    @Test
    void daneTaNeedsTheAnchorInTheChainTheServerSends() {
        Tlsa record = record(Tlsa.Usage.DANE_TA, Tlsa.Selector.SPKI, Tlsa.Matching.SHA256, ROOT.certificate());
        assertThatThrownBy(() -> manager(record).verify(new X509Certificate[] {SERVER.certificate(),
                INTERMEDIATE.certificate()})).isInstanceOf(CertificateException.class);
    }

    @Test
    void daneTaRefusesAChainThatIsNotIssuedByTheAnchor() {
        Issued otherRoot = TestPki.rootCa("Other Root CA");
        Tlsa record = record(Tlsa.Usage.DANE_TA, Tlsa.Selector.SPKI, Tlsa.Matching.SHA256,
                otherRoot.certificate());
        // The server appends the pinned root, but its certificate was not issued under it.
        assertThatThrownBy(() -> manager(record).verify(new X509Certificate[] {SERVER.certificate(),
                otherRoot.certificate()}))
                .isInstanceOf(CertificateException.class).hasMessageContaining("not valid");
    }

    @Test
    void oneMatchingRecordAmongOthersIsEnough() throws Exception {
        byte[] junk = new byte[32];
        manager(new Tlsa(Tlsa.Usage.DANE_EE, Tlsa.Selector.SPKI, Tlsa.Matching.SHA256, junk),
                record(Tlsa.Usage.DANE_TA, Tlsa.Selector.CERT, Tlsa.Matching.FULL, ROOT.certificate()))
                .verify(CHAIN);
    }

    @Test
    void anEmptyChainIsRefused() {
        Tlsa record = record(Tlsa.Usage.DANE_EE, Tlsa.Selector.SPKI, Tlsa.Matching.SHA256, SERVER.certificate());
        assertThatThrownBy(() -> manager(record).verify(new X509Certificate[0]))
                .isInstanceOf(CertificateException.class);
    }

    @ParameterizedTest(name = "TLSA {0} {1} {2} with {3} octets is unusable")
    @CsvSource({
            "0, 1, 1, 32",   // PKIX-TA: unusable for SMTP (RFC 7672 3.1.3)
            "1, 1, 1, 32",   // PKIX-EE
            "4, 1, 1, 32",   // unknown usage
            "3, 2, 1, 32",   // unknown selector
            "3, 1, 3, 32",   // unknown matching type
            "3, 1, 1, 31",   // SHA-256 of the wrong length
            "3, 1, 2, 32",   // SHA-512 of the wrong length
    })
    void unusableRecordsAreIgnored(int usage, int selector, int matching, int octets) throws Exception {
        TLSARecord record = new TLSARecord(Name.fromString("_25._tcp.mx.example.net."), DClass.IN, 300, usage,
                selector, matching, new byte[octets]);
        assertThat(Tlsa.usable(record)).isEmpty();
    }

    @ParameterizedTest(name = "TLSA {0} {1} {2} is usable")
    @CsvSource({"2, 0, 0", "2, 1, 1", "2, 0, 2", "3, 1, 1", "3, 0, 1", "3, 1, 2", "3, 1, 0"})
    void usableRecordsAreRead(int usage, int selector, int matching) throws Exception {
        int octets = matching == 1 ? 32 : matching == 2 ? 64 : 91;
        TLSARecord record = new TLSARecord(Name.fromString("_25._tcp.mx.example.net."), DClass.IN, 300, usage,
                selector, matching, new byte[octets]);
        Optional<Tlsa> read = Tlsa.usable(record);
        assertThat(read).isPresent();
        assertThat(read.get().toString()).startsWith(usage + " " + selector + " " + matching + " ");
    }

    @ParameterizedTest(name = "{0} vs {1}: {2}")
    @CsvSource({
            "mx.example.net, mx.example.net, true",
            "MX.Example.NET, mx.example.net, true",
            "*.example.net, mx.example.net, true",
            "*.example.net, example.net, false",
            "*.example.net, a.mx.example.net, false",
            "*.net, example.net, false",
            "m*.example.net, mx.example.net, false",
            "mx.example.net, mx.example.org, false",
    })
    void certificateNamesFollowRfc6125(String presented, String reference, boolean expected) {
        assertThat(CertificateNames.matches(presented.toLowerCase(java.util.Locale.ROOT), reference))
                .isEqualTo(expected);
    }
}
