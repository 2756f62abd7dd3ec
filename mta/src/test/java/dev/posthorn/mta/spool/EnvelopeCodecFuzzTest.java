package dev.posthorn.mta.spool;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Fuzz targets for the spool's text files, read back after a crash whatever state a torn write or a hand edit left:
 * {@link EnvelopeCodec#decode} and {@link DeliveryState#decode} return a value or throw
 * {@link IllegalArgumentException}; nothing else. A decoded value encodes to text that decodes back equal.
 */
class EnvelopeCodecFuzzTest {

    @FuzzTest
    void envelope(byte[] bytes) {
        SpoolEnvelope envelope;
        try {
            envelope = EnvelopeCodec.decode(bytes);
        } catch (IllegalArgumentException e) {
            return;
        }
        assertThat(EnvelopeCodec.decode(EnvelopeCodec.encode(envelope))).isEqualTo(envelope);
    }

    @FuzzTest
    void deliveryState(FuzzedDataProvider data) {
        int recipients = data.consumeInt(0, 8);
        DeliveryState state;
        try {
            state = DeliveryState.decode(data.consumeRemainingAsBytes(), recipients);
        } catch (IllegalArgumentException e) {
            return;
        }
        assertThat(DeliveryState.decode(state.encode(), recipients)).isEqualTo(state);
    }
}
