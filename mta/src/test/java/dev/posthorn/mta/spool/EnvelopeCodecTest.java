package dev.posthorn.mta.spool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The envelope text format: exact round trips, strict decoding. */
class EnvelopeCodecTest {

    private static String randomText(Random random) {
        StringBuilder out = new StringBuilder();
        int length = random.nextInt(30);
        for (int i = 0; i < length; i++) {
            out.appendCodePoint(switch (random.nextInt(5)) {
                case 0 -> random.nextInt(32);
                case 1 -> 0x80 + random.nextInt(0x700);
                case 2 -> " %-\r\n".charAt(random.nextInt(5));
                default -> 0x21 + random.nextInt(0x5e);
            });
        }
        return out.toString();
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 7, 42, 20261123, 987654321})
    void randomEnvelopesRoundTrip(long seed) {
        Random random = new Random(seed);
        for (int n = 0; n < 200; n++) {
            SpoolEnvelope envelope = new SpoolEnvelope("ID" + n, Instant.ofEpochMilli(random.nextLong(1L << 42)),
                    randomText(random), Map.of(randomText(random) + "k", randomText(random)),
                    List.of(new SpoolEnvelope.Recipient("r" + randomText(random), randomText(random),
                            randomText(random))));
            byte[] encoded = EnvelopeCodec.encode(envelope);
            assertThat(new String(encoded, StandardCharsets.US_ASCII)).doesNotContain("\r").matches("(?s)[ -~\n]*");
            assertThat(EnvelopeCodec.decode(encoded)).isEqualTo(envelope);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"id A\nreceived 1\nsender -\nrcpt a - -\n", "id A\nreceived 1\nsender -\nbogus x\nend\n",
        "id A\nreceived 1\nrcpt a - -\nend\n", "id A\nreceived 1\nsender -\nrcpt a -\nend\n",
        "id A\nreceived 1\nsender a%zz\nrcpt a - -\nend\n"})
    void malformedEnvelopesAreRefused(String text) {
        assertThatThrownBy(() -> EnvelopeCodec.decode(text.getBytes(StandardCharsets.US_ASCII)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void emptyValuesAndALoneDashAreDistinct() {
        assertThat(EnvelopeCodec.unescape(EnvelopeCodec.escape(""))).isEmpty();
        assertThat(EnvelopeCodec.unescape(EnvelopeCodec.escape("-"))).isEqualTo("-");
    }
}
