package dev.posthorn.smtp.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;
import org.xbill.DNS.dnssec.ValidatingResolver;

/**
 * Signed zones of the test DNS server, checked by dnsjava's validating resolver from the responder's own trust
 * anchors: secure answers and denials, a signed and an unsigned child zone, bogus signatures.
 */
class DnsResponderDnssecTest {

    private static final byte[] DIGEST = HexFormat.of().parseHex(
            "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");
    private static final DnsResponderBuilder ZONES = DnsResponder.builder()
            .signed("test")
            .signed("signed.test")
            .mx("signed.test", 10, "mx.signed.test")
            .a("mx.signed.test", "192.0.2.1")
            .tlsa("_25._tcp.mx.signed.test", 3, 1, 1, DIGEST)
            .cname("alias.signed.test", "mx.signed.test")
            .a("broken.signed.test", "192.0.2.66")
            .bogus("broken.signed.test")
            .zone("plain.test")
            .mx("plain.test", 10, "mx.plain.test")
            .a("mx.plain.test", "192.0.2.2");

    private static ValidatingResolver validator(DnsResponder dns) throws IOException {
        SimpleResolver upstream = new SimpleResolver(dns.address());
        upstream.setTimeout(Duration.ofSeconds(5));
        ValidatingResolver validator = new ValidatingResolver(upstream);
        validator.loadTrustAnchors(new ByteArrayInputStream(dns.trustAnchors().getBytes(StandardCharsets.US_ASCII)));
        return validator;
    }

    private static Message ask(ValidatingResolver resolver, String name, int type) throws IOException {
        return resolver.send(Message.newQuery(Record.newRecord(Name.fromString(name, Name.root), type, DClass.IN)));
    }

    @Test
    void trustAnchorIsTheDsOfTheTopSignedZoneOnly() throws IOException {
        try (DnsResponder dns = ZONES.start()) {
            assertThat(dns.trustAnchors().lines()).singleElement().asString().startsWith("test.").contains("DS");
        }
    }

    @Test
    void signedAnswersAreSecure() throws IOException {
        try (DnsResponder dns = ZONES.start()) {
            ValidatingResolver resolver = validator(dns);
            for (String[] question : new String[][] {{"signed.test", "MX"}, {"mx.signed.test", "A"},
                    {"_25._tcp.mx.signed.test", "TLSA"}, {"alias.signed.test", "A"}}) {
                Message response = ask(resolver, question[0], Type.value(question[1]));
                assertThat(response.getRcode()).as(question[0]).isEqualTo(Rcode.NOERROR);
                assertThat(response.getHeader().getFlag(Flags.AD)).as(question[0]).isTrue();
                assertThat(response.getSection(Section.ANSWER)).as(question[0])
                        .anyMatch(r -> r.getType() == Type.value(question[1]));
            }
        }
    }

    @Test
    void signedDenialsAreSecure() throws IOException {
        try (DnsResponder dns = ZONES.start()) {
            ValidatingResolver resolver = validator(dns);
            Message nodata = ask(resolver, "mx.signed.test", Type.TLSA);
            assertThat(nodata.getRcode()).isEqualTo(Rcode.NOERROR);
            assertThat(nodata.getSection(Section.ANSWER)).isEmpty();
            assertThat(nodata.getHeader().getFlag(Flags.AD)).isTrue();
            Message nxdomain = ask(resolver, "_25._tcp.nothing.signed.test", Type.TLSA);
            assertThat(nxdomain.getRcode()).isEqualTo(Rcode.NXDOMAIN);
            assertThat(nxdomain.getHeader().getFlag(Flags.AD)).isTrue();
            Message emptyNonTerminal = ask(resolver, "_tcp.mx.signed.test", Type.TLSA);
            assertThat(emptyNonTerminal.getRcode()).isEqualTo(Rcode.NOERROR);
            assertThat(emptyNonTerminal.getHeader().getFlag(Flags.AD)).isTrue();
        }
    }

    @Test
    void unsignedChildOfASignedZoneIsInsecure() throws IOException {
        try (DnsResponder dns = ZONES.start()) {
            Message response = ask(validator(dns), "plain.test", Type.MX);
            assertThat(response.getRcode()).isEqualTo(Rcode.NOERROR);
            assertThat(response.getSection(Section.ANSWER)).isNotEmpty();
            assertThat(response.getHeader().getFlag(Flags.AD)).isFalse();
        }
    }

    @Test
    void brokenSignatureIsBogus() throws IOException {
        try (DnsResponder dns = ZONES.start()) {
            Message response = ask(validator(dns), "broken.signed.test", Type.A);
            assertThat(response.getRcode()).isEqualTo(Rcode.SERVFAIL);
            assertThat(response.getSection(Section.ANSWER)).isEmpty();
        }
    }

    @Test
    void queriesWithoutTheDoBitGetNoSignatures() throws IOException {
        try (DnsResponder dns = ZONES.start()) {
            SimpleResolver plain = new SimpleResolver(dns.address());
            plain.setTimeout(Duration.ofSeconds(5));
            Message response = plain.send(Message.newQuery(Record.newRecord(Name.fromString("signed.test."),
                    Type.MX, DClass.IN)));
            assertThat(response.getSection(Section.ANSWER)).isNotEmpty().noneMatch(r -> r.getType() == Type.RRSIG);
            plain.setEDNS(0, 1232, org.xbill.DNS.ExtendedFlags.DO);
            Message signed = plain.send(Message.newQuery(Record.newRecord(Name.fromString("signed.test."),
                    Type.MX, DClass.IN)));
            assertThat(signed.getSection(Section.ANSWER)).anyMatch(r -> r.getType() == Type.RRSIG);
        }
    }
}
