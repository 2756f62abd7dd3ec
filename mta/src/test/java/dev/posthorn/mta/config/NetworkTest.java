package dev.posthorn.mta.config;

import static dev.posthorn.mta.config.ConfigFiles.ip;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import org.junit.jupiter.api.Test;

/** CIDR networks, IPv4 and IPv6, at the edges of their masks. */
class NetworkTest {

    @Test
    void ipv4NetworkContainsItsAddressesOnly() {
        Network net = Network.parse("192.0.2.0/24");
        assertThat(net.contains(ip("192.0.2.0"))).isTrue();
        assertThat(net.contains(ip("192.0.2.255"))).isTrue();
        assertThat(net.contains(ip("192.0.3.0"))).isFalse();
        assertThat(net.contains(ip("192.0.1.255"))).isFalse();
    }

    @Test
    void slashZeroContainsEveryAddressOfItsFamily() {
        assertThat(Network.parse("0.0.0.0/0").contains(ip("203.0.113.9"))).isTrue();
        assertThat(Network.parse("0.0.0.0/0").contains(ip("255.255.255.255"))).isTrue();
        assertThat(Network.parse("0.0.0.0/0").contains(ip("::1"))).isFalse();
        assertThat(Network.parse("::/0").contains(ip("2001:db8::1"))).isTrue();
        assertThat(Network.parse("::/0").contains(ip("127.0.0.1"))).isFalse();
    }

    @Test
    void slash32AndSlash128ContainOneAddress() {
        Network v4 = Network.parse("198.51.100.7/32");
        assertThat(v4.contains(ip("198.51.100.7"))).isTrue();
        assertThat(v4.contains(ip("198.51.100.6"))).isFalse();
        assertThat(v4.contains(ip("198.51.100.8"))).isFalse();
        Network v6 = Network.parse("2001:db8::7/128");
        assertThat(v6.contains(ip("2001:db8::7"))).isTrue();
        assertThat(v6.contains(ip("2001:db8::6"))).isFalse();
    }

    @Test
    void aBareAddressIsANetworkOfOne() {
        assertThat(Network.parse("192.0.2.1")).isEqualTo(new Network(ip("192.0.2.1"), 32));
        assertThat(Network.parse("::1")).isEqualTo(new Network(ip("::1"), 128));
    }

    @Test
    void aPrefixThatCutsAByteMasksTheRightBits() {
        Network v4 = Network.parse("10.0.0.0/7");
        assertThat(v4.contains(ip("10.0.0.0"))).isTrue();
        assertThat(v4.contains(ip("11.255.255.255"))).isTrue();
        assertThat(v4.contains(ip("12.0.0.0"))).isFalse();
        assertThat(v4.contains(ip("9.255.255.255"))).isFalse();
        Network uniqueLocal = Network.parse("fc00::/7");
        assertThat(uniqueLocal.contains(ip("fc00::1"))).isTrue();
        assertThat(uniqueLocal.contains(ip("fdff:ffff::1"))).isTrue();
        assertThat(uniqueLocal.contains(ip("fe80::1"))).isFalse();
        assertThat(uniqueLocal.contains(ip("fbff::1"))).isFalse();
        Network odd = Network.parse("2001:db8:8000::/33");
        assertThat(odd.contains(ip("2001:db8:ffff::1"))).isTrue();
        assertThat(odd.contains(ip("2001:db8:7fff::1"))).isFalse();
    }

    @Test
    void hostBitsAreRefused() {
        assertThatIllegalArgumentException().isThrownBy(() -> Network.parse("10.0.0.1/7"))
                .withMessageContaining("did you mean 10.0.0.0/7?");
        assertThatIllegalArgumentException().isThrownBy(() -> Network.parse("fd00::1/7"))
                .withMessageContaining("did you mean fc00::/7?");
    }

    @Test
    void malformedNetworksAreRefusedWithoutDns() {
        for (String text : new String[] {"", "/8", "10.0.0.0/", "10.0.0.0/-1", "10.0.0.0/33", "::/129",
            "10.0.0/8", "localhost", "localhost/8", "10.0.0.0/8/8", "1.2.3.4%eth0", "fe80::1%eth0/64", "10.0.0.0/ 8"}) {
            assertThatIllegalArgumentException().as(text).isThrownBy(() -> Network.parse(text));
        }
    }

    @Test
    void networksPrintInTheirShortForm() {
        assertThat(Network.parse("::1/128")).hasToString("::1/128");
        assertThat(Network.parse("2001:0db8:0000:0000:0000:0000:0000:0000/32")).hasToString("2001:db8::/32");
        assertThat(Network.parse("2001:db8:0:1:0:0:1:0/128")).hasToString("2001:db8:0:1::1:0/128");
        assertThat(Network.parse("::/0")).hasToString("::/0");
        assertThat(Network.parse("127.0.0.0/8")).hasToString("127.0.0.0/8");
        assertThat(Network.parse("127.0.0.0/8").isIpv4()).isTrue();
    }
}
