package dev.posthorn.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/** Addresses as people and headers read them: RFC 5952's IPv6 text, and literals made from addresses. */
class AddressFormatTest {

    @ParameterizedTest
    @CsvSource({
        "192.0.2.1,                        192.0.2.1",
        "::1,                              ::1",
        "::,                               ::",
        "1::,                              1::",
        "2001:DB8:0:0:0:0:0:1,             2001:db8::1",
        "2001:db8:0:1:1:1:1:1,             2001:db8:0:1:1:1:1:1",   // one zero group stays (RFC 5952 4.2.2)
        "2001:0:0:1:0:0:0:1,               2001:0:0:1::1",          // the longest run (4.2.3)
        "2001:db8:0:0:1:0:0:1,             2001:db8::1:0:0:1",      // of equal runs, the first (4.2.3)
        "2001:0db8:00ab:0c00:0000:0000:0000:0001, 2001:db8:ab:c00::1", // no leading zeros (4.1), lower case (4.3)
        "fe80:0:0:0:0:0:0:0,               fe80::",
    })
    void ipv6IsWrittenInItsShortForm(String address, String expected) throws UnknownHostException {
        assertThat(AddressLiteral.format(InetAddress.getByName(address))).isEqualTo(expected);
    }

    @Test
    void anAddressWithItsPortIsWrittenAsPeopleWriteIt() throws Exception {
        assertThat(AddressLiteral.format(new java.net.InetSocketAddress(InetAddress.getByName("192.0.2.1"), 25)))
                .isEqualTo("192.0.2.1:25");
        assertThat(AddressLiteral.format(new java.net.InetSocketAddress(InetAddress.getByName("::1"), 2580)))
                .isEqualTo("[::1]:2580");
        assertThat(AddressLiteral.format(new java.net.InetSocketAddress(
                InetAddress.getByName("2001:db8:0:0:0:0:0:25"), 587))).isEqualTo("[2001:db8::25]:587");
    }

    @Test
    void theScopeIsLeftOut() throws UnknownHostException {
        byte[] linkLocal = InetAddress.getByName("fe80::1").getAddress();
        InetAddress scoped = Inet6Address.getByAddress(null, linkLocal, 2);
        assertThat(scoped.getHostAddress()).contains("%");
        assertThat(AddressLiteral.format(scoped)).isEqualTo("fe80::1");
        assertThat(AddressLiteral.of(scoped).text()).isEqualTo("[IPv6:fe80::1]");
    }

    @ParameterizedTest
    @CsvSource({"192.0.2.1, [192.0.2.1]", "::1, [IPv6:::1]", "2001:db8::25, [IPv6:2001:db8::25]"})
    void aLiteralFromAnAddressParsesBackToIt(String address, String literal) throws UnknownHostException {
        AddressLiteral made = AddressLiteral.of(InetAddress.getByName(address));
        assertThat(made.text()).isEqualTo(literal);
        assertThat(AddressLiteral.parse(made.text())).isEqualTo(made);
    }

    static Stream<Arguments> randomAddresses() {
        SplittableRandom random = new SplittableRandom(5952);
        return IntStream.range(0, 300).mapToObj(i -> {
            byte[] bytes = new byte[16];
            for (int g = 0; g < 8; g++) {
                // Mostly zero groups, so that runs of every length and position occur.
                int group = random.nextInt(3) == 0 ? random.nextInt(0x10000) : 0;
                bytes[2 * g] = (byte) (group >> 8);
                bytes[2 * g + 1] = (byte) group;
            }
            return Arguments.of(bytes);
        });
    }

    @ParameterizedTest
    @MethodSource("randomAddresses")
    void theShortFormNamesTheSameAddressAndIsNoLongerThanNeeded(byte[] bytes) throws UnknownHostException {
        InetAddress address = InetAddress.getByAddress(bytes);
        String text = AddressLiteral.format(address);
        assertThat(InetAddress.getByName(text)).isEqualTo(address);
        assertThat(text).doesNotContain(":::").doesNotMatch(".*::.*::.*").isEqualTo(text.toLowerCase());
        assertThat(text.split(":")).noneMatch(group -> group.length() > 1 && group.startsWith("0"));
    }
}
