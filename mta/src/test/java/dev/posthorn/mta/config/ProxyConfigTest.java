package dev.posthorn.mta.config;

import static dev.posthorn.mta.config.ConfigFiles.ip;
import static dev.posthorn.mta.config.ConfigFiles.refused;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.posthorn.mta.config.ConfigFiles.Refusal;
import dev.posthorn.mta.config.ConfigFiles.RefusalTable;
import dev.posthorn.mta.config.Listener.Role;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A listener's {@code proxy_protocol} and {@code proxy_from}: the PROXY protocol behind HAProxy. */
class ProxyConfigTest {

    @TempDir
    Path dir;

    @Test
    void aListenerBehindProxiesNamesTheirNetworks() throws Exception {
        Config config = ConfigFiles.load(dir, """
                listeners:
                  - address: 127.0.0.1
                    port: 2525
                    role: mx
                    proxy_protocol: true
                    proxy_from: [ 127.0.0.0/8, "2001:db8::/32" ]
                  - { address: 127.0.0.1, port: 2587, role: submission }
                """);
        Listener proxied = config.listeners().getFirst();
        assertThat(proxied.proxyProtocol()).isTrue();
        assertThat(proxied.proxyFrom()).containsExactly(Network.parse("127.0.0.0/8"), Network.parse("2001:db8::/32"));
        assertThat(proxied.fromProxy(ip("127.1.2.3"))).isTrue();
        assertThat(proxied.fromProxy(ip("2001:db8::5"))).isTrue();
        assertThat(proxied.fromProxy(ip("192.0.2.1"))).isFalse();
        Listener direct = config.listeners().get(1);
        assertThat(direct.proxyProtocol()).isFalse();
        assertThat(direct).isEqualTo(new Listener(ip("127.0.0.1"), 2587, Role.SUBMISSION));
    }

    @Test
    void offByDefaultAndInThePrintedDefaults() throws Exception {
        assertThat(Config.defaults(dir).listeners()).noneMatch(Listener::proxyProtocol);
        String printed = ConfigPrinter.print(Config.defaults(dir), dir);
        assertThat(printed).contains("    proxy_protocol: false\n    proxy_from: []\n");
    }

    @Test
    void aProxiedListenerRoundTrips() throws Exception {
        String printed = ConfigFiles.printedRoundTrip(dir, """
                listeners:
                  - { address: "::1", port: 2525, role: mx, proxy_protocol: true, proxy_from: [ "::1", 10.0.0.0/8 ] }
                  - { address: 127.0.0.1, port: 2525, role: mx, proxy_protocol: false, proxy_from: [] }
                """);
        assertThat(printed)
                .contains("    proxy_protocol: true\n    proxy_from:\n      - \"::1/128\"\n      - 10.0.0.0/8\n");
    }

    static Stream<Refusal> proxyMistakes() {
        return Stream.of(
                refused("""
                        listeners:
                          - { address: 127.0.0.1, port: 25, role: mx, proxy_protocol: true }
                        """, 2, "listeners[0]", "proxy_protocol: true needs proxy_from"),
                refused("""
                        listeners:
                          - { address: 127.0.0.1, port: 25, role: mx, proxy_protocol: true, proxy_from: [] }
                        """, 2, "listeners[0].proxy_from", "at least one network"),
                refused("""
                        listeners:
                          - address: 127.0.0.1
                            port: 25
                            role: mx
                            proxy_from: [ 10.0.0.0/8 ]
                        """, 5, "listeners[0].proxy_from", "only for a listener with proxy_protocol: true"),
                refused("""
                        listeners:
                          - { address: 127.0.0.1, port: 25, role: mx, proxy_protocol: "yes", proxy_from: [ 10.0.0.1 ] }
                        """, 2, "listeners[0].proxy_protocol", "expected true or false"),
                refused("""
                        listeners:
                          - { address: 127.0.0.1, port: 25, role: mx, proxy_protocol: true, proxy_from: 10.0.0.0/8 }
                        """, 2, "listeners[0].proxy_from", "expected a list"),
                refused("""
                        listeners:
                          - address: 127.0.0.1
                            port: 25
                            role: mx
                            proxy_protocol: true
                            proxy_from: [ 10.0.0.0/8, haproxy.example ]
                        """, 6, "listeners[0].proxy_from[1]", "host names are not allowed"),
                refused("""
                        listeners:
                          - { address: 127.0.0.1, port: 25, role: mx, proxy_protocol: true, proxy_from: [ 10.1.0.0/8 ] }
                        """, 2, "listeners[0].proxy_from[0]", "host bits set"));
    }

    @RefusalTable
    void proxyMistakes(Refusal refusal) {
        refusal.check(dir);
    }

    @Test
    void theRecordKeepsTheSameRules() {
        assertThatThrownBy(() -> new Listener(ip("127.0.0.1"), 25, Role.MX, true, List.of()))
                .hasMessageContaining("proxy_from");
        assertThatThrownBy(() -> new Listener(ip("127.0.0.1"), 25, Role.MX, false,
                List.of(Network.parse("10.0.0.0/8")))).hasMessageContaining("proxy_protocol");
    }
}
