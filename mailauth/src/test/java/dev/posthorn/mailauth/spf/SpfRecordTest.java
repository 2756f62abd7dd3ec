package dev.posthorn.mailauth.spf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The record grammar (RFC 7208 12): what parses, and what is a syntax error (permerror) wherever it appears. */
class SpfRecordTest {

    @ParameterizedTest
    @ValueSource(strings = {
        "v=spf1 a:foo",                        // no top-level label
        "v=spf1 a:1.2.3.4",                    // an all-numeric top label is no domain
        "v=spf1 ip4:192.0.2.300",
        "v=spf1 ip4:192.0.2",
        "v=spf1 ip4:01.2.3.4",
        "v=spf1 ip4:192.0.2.1/33",
        "v=spf1 ip4:192.0.2.1/08",
        "v=spf1 ip4",
        "v=spf1 ip4:",
        "v=spf1 ip6:2001:db8::/129",
        "v=spf1 ip6:192.0.2.1",
        "v=spf1 ip6:2001:db8::g",
        "v=spf1 ip6:beef",                     // no colon: never read as a number or looked up
        "v=spf1 ip6:fe80::1%eth0",
        "v=spf1 ip6:1:2:3:4:5:6:7:8:9",
        "v=spf1 a/33",
        "v=spf1 mx//129",
        "v=spf1 a:example.com/024",
        "v=spf1 include",
        "v=spf1 include:",
        "v=spf1 exists",
        "v=spf1 exists:%{i",
        "v=spf1 exists:%{c}.example.com",      // c only in exp
        "v=spf1 a:%{x}.example.com",
        "v=spf1 a:%{d0}.example.com",
        "v=spf1 all:example.com",
        "v=spf1 -all.",
        "v=spf1 foo",
        "v=spf1 foo:example.com",
        "v=spf1 ~",
        "v=spf1 -",
        "v=spf1 =all",
        "v=spf1 ptr:",
        "v=spf1 redirect=a.example.com redirect=b.example.com",
        "v=spf1 exp=a.example.com exp=b.example.com",
        "v=spf1 redirect=",
        "v=spf1 redirect=example",
        "v=spf1 exp=",
        "v=spf1 moo=%{z}",
        "v=spf1 moo=%",
        "v=spf1 -all\tx",
        "v=spf1 a:caf\u00e9.example.com",
        "v=spf1 ip4:192.0.2.1 -all garbage:"
    })
    void malformedRecordsAreSyntaxErrors(String record) {
        assertThat(SpfRecord.isSpf(record)).isTrue();
        assertThatThrownBy(() -> SpfRecord.parse(record)).isInstanceOf(SpfSyntaxException.class);
    }

    @Test
    void everyMechanismAndModifierParses() throws SpfSyntaxException {
        SpfRecord record = SpfRecord.parse("v=spf1  +a -a:example.com/24 ~mx:%{d}//64 ?mx/30//96 ptr ptr:example.org"
                + " ip4:192.0.2.0/24 ip6:2001:db8::/32 include:_spf.example.com exists:%{ir}.%{v}._spf.%{d2}"
                + " exp=explain.%{d} moo=bar redirect=_spf.example.net -ALL ");
        assertThat(record.directives()).hasSize(11);
        assertThat(record.directives().getFirst().qualifier()).isEqualTo(SpfRecord.Qualifier.PASS);
        assertThat(record.directives().get(1).qualifier()).isEqualTo(SpfRecord.Qualifier.FAIL);
        assertThat(record.directives().get(1).mechanism()).isInstanceOfSatisfying(Mechanism.A.class,
                a -> assertThat(List.of(a.domain().isPresent(), a.prefix4(), a.prefix6()))
                        .containsExactly(true, 24, 128));
        assertThat(record.directives().get(3).mechanism()).isInstanceOfSatisfying(Mechanism.Mx.class,
                mx -> assertThat(List.of(mx.domain().isEmpty(), mx.prefix4(), mx.prefix6()))
                        .containsExactly(true, 30, 96));
        assertThat(record.redirect()).isPresent();
        assertThat(record.hasAll()).isTrue();
        assertThat(record.directives().getLast().qualifier()).isEqualTo(SpfRecord.Qualifier.FAIL);
    }

    @ParameterizedTest
    @CsvSource({
        "ip4:192.0.2.7/24,               c0000207",
        "ip6:2001:db8::1,                20010db8000000000000000000000001",
        "ip6:::ffff:192.0.2.1,           00000000000000000000ffffc0000201",
        "ip6:::192.0.2.1,                000000000000000000000000c0000201",
        "ip6:2001:db8:0:0:0:0:0:1/64,    20010db8000000000000000000000001"
    })
    void addressNetworksKeepTheirOctets(String term, String octets) throws SpfSyntaxException {
        Mechanism mechanism = SpfRecord.parse("v=spf1 " + term).directives().getFirst().mechanism();
        byte[] network = switch (mechanism) {
            case Mechanism.Ip4 ip4 -> ip4.network();
            case Mechanism.Ip6 ip6 -> ip6.network();
            default -> throw new AssertionError(mechanism);
        };
        assertThat(HexFormat.of().formatHex(network)).isEqualTo(octets);
    }

    @ParameterizedTest
    @ValueSource(strings = {"v=spf10", "v=spf1x -all", "spf1 -all", "google-site-verification=abc", " v=spf1 -all"})
    void onlyVersionOneRecordsAreSpf(String txt) {
        assertThat(SpfRecord.isSpf(txt)).isFalse();
    }
}
