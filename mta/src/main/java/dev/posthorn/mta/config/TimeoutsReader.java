package dev.posthorn.mta.config;

import dev.posthorn.smtp.client.ClientTimeouts;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Reads {@code outbound.timeouts}: the SMTP and LMTP client's deadline for each step of a session (RFC 5321
 * 4.5.3.2). A key not written keeps its default; every value is a positive {@link DurationLiteral}.
 */
final class TimeoutsReader {

    static final List<String> KEYS = List.of("connect", "greeting", "mail", "rcpt", "data_init", "data_block",
            "data_end");

    private TimeoutsReader() {
    }

    /** {@code read} with the timeouts written in the {@code outbound} section, if any. */
    static Outbound read(Section outbound, Outbound read) {
        Optional<Section> found = outbound.get("timeouts").flatMap(value -> value.section(KEYS));
        if (found.isEmpty()) {
            return read;
        }
        Section section = found.get();
        ClientTimeouts d = read.timeouts();
        return read.withTimeouts(new ClientTimeouts(duration(section, "connect", d.connect()),
                duration(section, "greeting", d.greeting()), duration(section, "mail", d.mail()),
                duration(section, "rcpt", d.rcpt()), duration(section, "data_init", d.dataInit()),
                duration(section, "data_block", d.dataBlock()), duration(section, "data_end", d.dataTermination())));
    }

    /** The written duration; the default when absent, or after a problem (recorded, so the load fails anyway). */
    private static Duration duration(Section section, String key, Duration fallback) {
        return section.get(key).flatMap(value -> value.parsed(DurationLiteral::parse)).orElse(fallback);
    }
}
