package dev.posthorn.smtp.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.posthorn.smtp.testing.DnsResponder.Query;
import dev.posthorn.smtp.testing.DnsResponder.Transport;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.PTRRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TLSARecord;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

/** The test DNS server, checked with dnsjava's stub resolver over real UDP and TCP on loopback. */
class DnsResponderTest {

    private static final byte[] DIGEST = HexFormat.of().parseHex("0123456789abcdef0123456789abcdef");
    private static final DnsResponderBuilder ZONE = DnsResponder.builder()
            .zone("example.test")
            .mx("example.test", 10, "mx1.example.test")
            .mx("example.test", 20, "mx2.example.test.")
            .a("mx1.example.test", "192.0.2.1")
            .aaaa("mx1.example.test", "2001:db8::1")
            .txt("example.test", "v=spf1 -all")
            .cname("alias.example.test", "mx1.example.test")
            .tlsa("_25._tcp.mx1.example.test", 3, 1, 1, DIGEST)
            .a("host.deep.example.test", "192.0.2.9");

    private static SimpleResolver resolver(DnsResponder responder) {
        SimpleResolver resolver = new SimpleResolver(responder.address());
        resolver.setTimeout(Duration.ofSeconds(5));
        return resolver;
    }

    private static Message ask(SimpleResolver resolver, String name, int type) throws IOException {
        Record question = Record.newRecord(Name.fromString(name, Name.root), type, DClass.IN);
        return resolver.send(Message.newQuery(question));
    }

    private static List<Record> answers(Message response) {
        return response.getSection(Section.ANSWER);
    }

    @Test
    void answersPtrRecordsInReverseZones() throws IOException {
        String v4 = DnsResponderBuilder.reverse("192.0.2.1");
        String v6 = DnsResponderBuilder.reverse("2001:db8::1");
        assertThat(v4).isEqualTo("1.2.0.192.in-addr.arpa.");
        assertThat(v6).startsWith("1.0.0.0.").endsWith(".8.b.d.0.1.0.0.2.ip6.arpa.");
        try (DnsResponder responder = DnsResponder.builder().zone("in-addr.arpa").zone("ip6.arpa")
                .ptr(v4, "mx1.example.test").ptr(v6, "mx1.example.test.").start()) {
            SimpleResolver resolver = resolver(responder);
            for (String name : List.of(v4, v6)) {
                assertThat(answers(ask(resolver, name, Type.PTR)))
                        .map(r -> ((PTRRecord) r).getTarget().toString()).containsExactly("mx1.example.test.");
            }
            assertThat(ask(resolver, DnsResponderBuilder.reverse("192.0.2.2"), Type.PTR).getRcode())
                    .isEqualTo(Rcode.NXDOMAIN);
        }
    }

    @Test
    void answersEveryRecordTypeItServes() throws IOException {
        try (DnsResponder responder = ZONE.start()) {
            SimpleResolver resolver = resolver(responder);

            Message mx = ask(resolver, "example.test", Type.MX);
            assertThat(mx.getRcode()).isEqualTo(Rcode.NOERROR);
            assertThat(mx.getHeader().getFlag(Flags.AA)).isTrue();
            assertThat(answers(mx)).map(r -> ((MXRecord) r).getPriority() + " " + ((MXRecord) r).getTarget())
                    .containsExactlyInAnyOrder("10 mx1.example.test.", "20 mx2.example.test.");

            assertThat(answers(ask(resolver, "mx1.example.test", Type.A)))
                    .map(r -> ((ARecord) r).getAddress()).containsExactly(InetAddress.getByName("192.0.2.1"));
            assertThat(answers(ask(resolver, "MX1.Example.Test.", Type.AAAA)))
                    .map(r -> ((AAAARecord) r).getAddress()).containsExactly(InetAddress.getByName("2001:db8::1"));
            assertThat(answers(ask(resolver, "example.test", Type.TXT)))
                    .map(r -> ((TXTRecord) r).getStrings()).containsExactly(List.of("v=spf1 -all"));
            assertThat(answers(ask(resolver, "alias.example.test", Type.CNAME)))
                    .map(r -> ((CNAMERecord) r).getTarget().toString()).containsExactly("mx1.example.test.");

            List<Record> tlsa = answers(ask(resolver, "_25._tcp.mx1.example.test", Type.TLSA));
            assertThat(tlsa).hasSize(1);
            TLSARecord record = (TLSARecord) tlsa.getFirst();
            assertThat(List.of(record.getCertificateUsage(), record.getSelector(), record.getMatchingType()))
                    .containsExactly(3, 1, 1);
            assertThat(record.getCertificateAssociationData()).isEqualTo(DIGEST);
        }
    }

    @Test
    void aliasIsFollowedInsideTheZone() throws IOException {
        try (DnsResponder responder = ZONE.start()) {
            Message response = ask(resolver(responder), "alias.example.test", Type.A);

            assertThat(answers(response)).map(Record::getType).containsExactly(Type.CNAME, Type.A);
        }
    }

    @Test
    void unknownNameInTheZoneIsNxdomainWithTheSoa() throws IOException {
        try (DnsResponder responder = ZONE.start()) {
            Message response = ask(resolver(responder), "nowhere.example.test", Type.MX);

            assertThat(response.getRcode()).isEqualTo(Rcode.NXDOMAIN);
            assertThat(answers(response)).isEmpty();
            assertThat(response.getSection(Section.AUTHORITY)).singleElement().isInstanceOf(SOARecord.class);
        }
    }

    @Test
    void nameWithoutThatTypeIsNodata() throws IOException {
        try (DnsResponder responder = ZONE.start()) {
            SimpleResolver resolver = resolver(responder);

            for (Message response : List.of(ask(resolver, "mx1.example.test", Type.MX),
                    ask(resolver, "deep.example.test", Type.A))) {
                assertThat(response.getRcode()).isEqualTo(Rcode.NOERROR);
                assertThat(answers(response)).isEmpty();
                assertThat(response.getSection(Section.AUTHORITY)).singleElement().isInstanceOf(SOARecord.class);
            }
        }
    }

    @Test
    void nameOutsideEveryZoneIsRefused() throws IOException {
        try (DnsResponder responder = ZONE.start()) {
            assertThat(ask(resolver(responder), "example.org", Type.A).getRcode()).isEqualTo(Rcode.REFUSED);
        }
    }

    @Test
    void nameToldToFailAnswersServfail() throws IOException {
        try (DnsResponder responder = ZONE.servfail("broken.example.test").start()) {
            Message response = ask(resolver(responder), "broken.example.test", Type.MX);

            assertThat(response.getRcode()).isEqualTo(Rcode.SERVFAIL);
            assertThat(answers(response)).isEmpty();
        }
    }

    @Test
    void droppedNameIsCountedButNeverAnswered() throws IOException {
        try (DnsResponder responder = ZONE.drop("silent.example.test").start()) {
            SimpleResolver resolver = resolver(responder);
            resolver.setTimeout(Duration.ofMillis(300));
            long start = System.nanoTime();

            assertThatThrownBy(() -> ask(resolver, "silent.example.test", Type.MX)).isInstanceOf(IOException.class);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
            assertThat(responder.queryCount("silent.example.test.")).isEqualTo(1);
            assertThat(ask(resolver, "example.test", Type.MX).getRcode()).isEqualTo(Rcode.NOERROR);
        }
    }

    @Test
    void dropOtherTypesAnswersTheTypesTheNameHoldsAndDropsTheRest() throws IOException {
        try (DnsResponder responder = ZONE.dropOtherTypes("mx1.example.test").start()) {
            SimpleResolver resolver = resolver(responder);
            resolver.setTimeout(Duration.ofMillis(300));

            assertThat(answers(ask(resolver, "mx1.example.test", Type.A))).hasSize(1);
            assertThat(answers(ask(resolver, "mx1.example.test", Type.AAAA))).hasSize(1);
            assertThatThrownBy(() -> ask(resolver, "mx1.example.test", Type.TXT)).isInstanceOf(IOException.class);
            assertThat(responder.queryCount("mx1.example.test.")).isEqualTo(3);
        }
    }

    private static DnsResponderBuilder bigTxt() {
        String chunk = "x".repeat(200);
        return ZONE.txt("big.example.test", chunk, chunk).txt("big.example.test", chunk, chunk);
    }

    @Test
    void answerOver512OctetsIsTruncatedOverUdpWithoutEdns() throws IOException {
        try (DnsResponder responder = bigTxt().start()) {
            SimpleResolver resolver = resolver(responder);
            resolver.setEDNS(-1);
            resolver.setIgnoreTruncation(true);

            Message response = ask(resolver, "big.example.test", Type.TXT);

            assertThat(response.getHeader().getFlag(Flags.TC)).isTrue();
            assertThat(response.toWire().length).isLessThanOrEqualTo(512);
            assertThat(answers(response)).isEmpty();
            assertThat(responder.queries()).containsExactly(new Query("big.example.test", "TXT", Transport.UDP));
        }
    }

    @Test
    void truncatedAnswerIsWholeOverTcp() throws IOException {
        try (DnsResponder responder = bigTxt().start()) {
            SimpleResolver resolver = resolver(responder);
            resolver.setEDNS(-1);

            Message response = ask(resolver, "big.example.test", Type.TXT);

            assertThat(response.getHeader().getFlag(Flags.TC)).isFalse();
            assertThat(answers(response)).hasSize(2);
            assertThat(responder.queries()).containsExactly(new Query("big.example.test", "TXT", Transport.UDP),
                    new Query("big.example.test", "TXT", Transport.TCP));
        }
    }

    @Test
    void ednsPayloadSizeLetsALargerAnswerThroughUdp() throws IOException {
        try (DnsResponder responder = bigTxt().start()) {
            SimpleResolver resolver = resolver(responder);
            resolver.setEDNS(0, 1232, 0);

            Message response = ask(resolver, "big.example.test", Type.TXT);

            assertThat(response.getHeader().getFlag(Flags.TC)).isFalse();
            assertThat(answers(response)).hasSize(2);
            assertThat(response.getOPT()).isNotNull();
            assertThat(responder.queries()).extracting(Query::transport).containsExactly(Transport.UDP);
        }
    }

    @Test
    void countsEveryQuery() throws IOException {
        try (DnsResponder responder = ZONE.start()) {
            SimpleResolver resolver = resolver(responder);
            ask(resolver, "example.test", Type.MX);
            ask(resolver, "mx1.example.test", Type.A);
            ask(resolver, "mx1.example.test", Type.AAAA);

            assertThat(responder.queryCount()).isEqualTo(3);
            assertThat(responder.queryCount("MX1.example.test")).isEqualTo(2);
            assertThat(responder.queries()).first().isEqualTo(new Query("example.test", "MX", Transport.UDP));
        }
    }

    @Test
    void builderNeverChangesOnceBuilt() throws IOException {
        DnsResponderBuilder base = DnsResponder.builder().zone("example.test");
        base.a("added.example.test", "192.0.2.7");

        try (DnsResponder responder = base.start()) {
            assertThat(ask(resolver(responder), "added.example.test", Type.A).getRcode())
                    .isEqualTo(Rcode.NXDOMAIN);
        }
    }

    @Test
    void recordOutsideEveryZoneIsRefusedAtStart() {
        assertThatThrownBy(() -> DnsResponder.builder().zone("example.test").a("example.org", "192.0.2.1").start())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("example.org");
    }

    @Test
    void aliasWithOtherDataIsRefusedAtStart() {
        assertThatThrownBy(() -> ZONE.a("alias.example.test", "192.0.2.2").start())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("CNAME");
    }

    @Test
    void addressesMustBeLiterals() {
        assertThatThrownBy(() -> ZONE.a("x.example.test", "mx1.example.test"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ZONE.aaaa("x.example.test", "192.0.2.1"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
