package dev.posthorn.mta.capture.web;

import dev.posthorn.mailauth.dns.DnsClient;
import dev.posthorn.mta.capture.CaptureQuery;
import dev.posthorn.mta.capture.CaptureStore;
import dev.posthorn.mta.capture.CapturedMessage;
import dev.posthorn.mta.dns.MxResolver;
import dev.posthorn.mta.routing.HostPort;
import dev.posthorn.smtp.client.SendOptions;
import dev.posthorn.smtp.client.SendResult;
import dev.posthorn.smtp.server.SmtpServer;
import dev.posthorn.smtp.testing.DnsResponder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Release by MX: the exchangers in preference order, the next when one cannot be reached, per recipient domain. */
class SmtpReleaserTest {

    @TempDir
    Path dir;

    private static final byte[] MESSAGE = "From: app@client.test\r\nSubject: by MX\r\n\r\nreleased\r\n"
            .getBytes(StandardCharsets.US_ASCII);

    @Test
    void releasesToTheFirstReachableExchangerOfEachDomain() throws Exception {
        Path message = Files.write(dir.resolve("m.eml"), MESSAGE);
        Files.createDirectories(dir.resolve("store"));
        try (CaptureStore store = CaptureStore.open(dir.resolve("store"), 100, null, Clock.systemUTC());
             SmtpServer exchanger = SmtpServer.builder().hostname("up.mx.test").sink(store).build().start();
             DnsResponder dns = DnsResponder.builder().zone("mx.test")
                     .mx("mx.test", 10, "down.mx.test").a("down.mx.test", "127.0.0.2")
                     .mx("mx.test", 20, "up.mx.test").a("up.mx.test", "127.0.0.1")
                     .zone("nullmx.test").mx("nullmx.test", 0, ".").start()) {
            SmtpReleaser releaser = new SmtpReleaser(new MxResolver(DnsClient.plain(List.of(dns.address()),
                    Duration.ofSeconds(2)), new SplittableRandom(1)), exchanger.port(), SendOptions.opportunistic());

            SendResult result = releaser.release(message, "app@client.test",
                    List.of("a@mx.test", "b@nullmx.test"), null);

            assertThat(result.reply().code()).isEqualTo(250);
            assertThat(result.accepted()).containsExactly("a@mx.test");
            assertThat(result.refused()).containsOnlyKeys("b@nullmx.test");
            assertThat(result.refused().get("b@nullmx.test").code()).isEqualTo(451);
            List<CapturedMessage> arrived = store.list(CaptureQuery.ALL, 0, 10).messages();
            assertThat(arrived).extracting(CapturedMessage::subject).containsExactly("by MX");
            assertThat(arrived.getFirst().recipients()).containsExactly("a@mx.test");

            assertThatThrownBy(() -> releaser.release(message, "", List.of("c@nullmx.test"), null))
                    .isInstanceOf(IOException.class).hasMessageContaining("null MX");
        }
    }

    @Test
    void hostPortIsParsedStrictly() {
        assertThat(HostPort.parse("127.0.0.1:2525")).isEqualTo(new HostPort("127.0.0.1", 2525));
        assertThat(HostPort.parse("[::1]:25")).isEqualTo(new HostPort("::1", 25));
        assertThat(HostPort.parse("mx.example:587")).isEqualTo(new HostPort("mx.example", 587));
        for (String bad : List.of("host", "host:", ":25", "host:0", "host:70000", "ho st:25", "a/b:25", "h:x")) {
            assertThatThrownBy(() -> HostPort.parse(bad)).as(bad)
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }
}
