package dev.posthorn.mta.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.posthorn.smtp.testing.ManualClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The memory of servers whose STARTTLS failed: how long it lasts, and that a flood of servers does not wipe it. */
class BrokenTlsTest {

    private final ManualClock clock = new ManualClock(Instant.parse("2026-12-06T12:00:00Z"));
    private final BrokenTls broken = new BrokenTls(clock);

    @Test
    void aFailureIsRememberedForAnHour() {
        broken.failed("192.0.2.25:25");
        clock.advance(BrokenTls.MEMORY.minusMinutes(1));
        assertThat(broken.failedRecently("192.0.2.25:25")).isTrue();
        assertThat(broken.failedRecently("192.0.2.26:25")).isFalse();
        clock.advance(Duration.ofMinutes(1));
        assertThat(broken.failedRecently("192.0.2.25:25")).isFalse();
    }

    @Test
    void aFloodOfServersKeepsTheMemoryBoundedAndForgetsOneAtATime() {
        for (int i = 0; i < BrokenTls.MAX_ENTRIES * 3; i++) {
            broken.failed("198.51.100.1:" + i);
        }
        int remembered = 0;
        for (int i = 0; i < BrokenTls.MAX_ENTRIES * 3; i++) {
            remembered += broken.failedRecently("198.51.100.1:" + i) ? 1 : 0;
        }
        assertThat(remembered).isPositive().isLessThanOrEqualTo(BrokenTls.MAX_ENTRIES);
    }
}
