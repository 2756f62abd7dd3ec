package dev.posthorn.mta.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.posthorn.smtp.testing.ManualClock;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Per-address rate limits in fixed windows. */
class RateLimitsTest {

    private final ManualClock clock = new ManualClock(Instant.parse("2026-11-23T12:00:00Z"));

    @Test
    void eachKindIsCountedPerAddressAndWindow() throws Exception {
        RateLimits limits = new RateLimits(clock, Duration.ofMinutes(1), 3, 2, 5);
        InetAddress busy = InetAddress.getByName("192.0.2.1");
        InetAddress other = InetAddress.getByName("192.0.2.2");
        for (int i = 0; i < 3; i++) {
            assertThat(limits.allow(RateLimits.Kind.CONNECTIONS, busy)).isTrue();
        }
        assertThat(limits.allow(RateLimits.Kind.CONNECTIONS, busy)).isFalse();
        assertThat(limits.allow(RateLimits.Kind.CONNECTIONS, other)).isTrue();
        assertThat(limits.allow(RateLimits.Kind.MESSAGES, busy)).isTrue();
        assertThat(limits.allow(RateLimits.Kind.MESSAGES, busy)).isTrue();
        assertThat(limits.allow(RateLimits.Kind.MESSAGES, busy)).isFalse();
        clock.advance(Duration.ofMinutes(1));
        assertThat(limits.allow(RateLimits.Kind.CONNECTIONS, busy)).isTrue();
        assertThat(limits.allow(RateLimits.Kind.MESSAGES, busy)).isTrue();
    }

    @Test
    void aFloodOfAddressesNeitherGrowsTheMemoryNorLiftsALimit() throws Exception {
        RateLimits limits = new RateLimits(clock, Duration.ofMinutes(1), 1, 1, 1);
        InetAddress busy = InetAddress.getByName("192.0.2.1");
        assertThat(limits.allow(RateLimits.Kind.CONNECTIONS, busy)).isTrue();
        assertThat(limits.allow(RateLimits.Kind.CONNECTIONS, busy)).isFalse();
        byte[] address = InetAddress.getByName("2001:db8::").getAddress();
        for (int i = 0; i < 1_000_000; i++) {
            address[13] = (byte) (i >> 16);
            address[14] = (byte) (i >> 8);
            address[15] = (byte) i;
            assertThat(limits.allow(RateLimits.Kind.CONNECTIONS, InetAddress.getByAddress(address))).isTrue();
        }
        assertThat(limits.held()).as("a million addresses, a bounded memory")
                .isLessThanOrEqualTo(RateLimits.MAX_ENTRIES + RateLimits.MAX_OVER);
        assertThat(limits.allow(RateLimits.Kind.CONNECTIONS, busy)).as("still over its limit in this window").isFalse();
        InetAddress fresh = InetAddress.getByName("192.0.2.99");
        assertThat(limits.allow(RateLimits.Kind.CONNECTIONS, fresh)).isTrue();
    }

    @Test
    void eachKindHasItsOwnWindowAndZeroIsNoLimit() throws Exception {
        RateLimits limits = new RateLimits(clock, java.util.Map.of(
                RateLimits.Kind.CONNECTIONS, new RateLimits.Limit(2, Duration.ofSeconds(10)),
                RateLimits.Kind.MESSAGES, new RateLimits.Limit(1, Duration.ofHours(1)),
                RateLimits.Kind.RECIPIENTS, new RateLimits.Limit(0, Duration.ofMinutes(1))));
        InetAddress client = InetAddress.getByName("192.0.2.1");
        assertThat(limits.allow(RateLimits.Kind.CONNECTIONS, client)).isTrue();
        assertThat(limits.allow(RateLimits.Kind.CONNECTIONS, client)).isTrue();
        assertThat(limits.allow(RateLimits.Kind.CONNECTIONS, client)).isFalse();
        assertThat(limits.allow(RateLimits.Kind.MESSAGES, client)).isTrue();
        assertThat(limits.allow(RateLimits.Kind.MESSAGES, client)).isFalse();
        for (int i = 0; i < 10_000; i++) {
            assertThat(limits.allow(RateLimits.Kind.RECIPIENTS, client)).isTrue();
        }
        clock.advance(Duration.ofSeconds(10));
        assertThat(limits.allow(RateLimits.Kind.CONNECTIONS, client)).as("a new 10 s window").isTrue();
        assertThat(limits.allow(RateLimits.Kind.MESSAGES, client)).as("still the same hour").isFalse();
        assertThat(limits.refusals(RateLimits.Kind.CONNECTIONS)).isEqualTo(1);
        assertThat(limits.refusals(RateLimits.Kind.MESSAGES)).isEqualTo(2);
        assertThat(limits.refusals(RateLimits.Kind.RECIPIENTS)).isZero();
    }
}
