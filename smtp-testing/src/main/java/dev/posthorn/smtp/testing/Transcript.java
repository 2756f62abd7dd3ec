package dev.posthorn.smtp.testing;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The lines of a run's transcript, in the dialogue notation: {@code C: } and {@code S: } for CRLF-terminated lines,
 * {@code C~ } and {@code S~ } for bytes without a final CRLF, {@code -- } for what the runner observed. Wire bytes are
 * escaped ({@link Escapes#encode}), so a hostile or broken server cannot put control characters into a test report.
 */
final class Transcript {

    private final List<String> lines = new ArrayList<>();

    void sent(byte[] bytes) {
        wire("C", bytes);
    }

    void received(byte[] bytes) {
        wire("S", bytes);
    }

    void note(String text) {
        lines.add("-- " + Escapes.printable(text));
    }

    List<String> lines() {
        return List.copyOf(lines);
    }

    private void wire(String side, byte[] bytes) {
        int start = 0;
        for (int i = 0; i + 1 < bytes.length; i++) {
            if (bytes[i] == '\r' && bytes[i + 1] == '\n') {
                lines.add(side + ": " + Escapes.encode(Arrays.copyOfRange(bytes, start, i)));
                start = i + 2;
                i++;
            }
        }
        if (start < bytes.length) {
            lines.add(side + "~ " + Escapes.encode(Arrays.copyOfRange(bytes, start, bytes.length)));
        }
    }
}
