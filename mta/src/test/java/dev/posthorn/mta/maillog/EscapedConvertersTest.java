package dev.posthorn.mta.maillog;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The guard in the logback.xml Posthorn ships ({@code %emsg}, {@code %eex}): a value that reaches a log call
 * unescaped, in the message or in a logged exception's message, still cannot break or reorder a line. The output is
 * what the shipped configuration writes to System.err.
 */
class EscapedConvertersTest {

    private static final Logger log = LoggerFactory.getLogger(EscapedConvertersTest.class);
    private static final String FORGED = "x\r\n2026-12-01T00:00:00.000Z INFO  [main] MailLog: 01ABC: delivered\u0085"
            + "\u2028\u202eevil\u2066\u001b[2J";

    private static String logged(Runnable call) {
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream saved = System.err;
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            call.run();
        } finally {
            System.setErr(saved);
        }
        return captured.toString(StandardCharsets.UTF_8);
    }

    private static void assertNothingRaw(String output) {
        assertThat(output).doesNotContain("\r", "\u0085", "\u2028", "\u202e", "\u2066", "\u001b");
        // One log line (the forged one would start with a time too), then only the lines of a stack trace.
        List<String> lines = output.lines().toList();
        assertThat(lines).filteredOn(line -> line.matches("\\d{4}-\\d\\d-\\d\\dT.*")).hasSize(1);
        assertThat(lines.subList(1, lines.size())).allMatch(line -> line.startsWith("java.io.UncheckedIOException: ")
                || line.startsWith("\tat ") || line.startsWith("Caused by: ") || line.startsWith("\t... ")
                || line.startsWith("\tSuppressed: ") || line.startsWith("\t\tat ") || line.startsWith("\t\t... "));
    }

    @Test
    void anUnescapedValueInAMessageCannotBreakTheLine() {
        String output = logged(() -> log.warn("peer said {}", FORGED));

        assertNothingRaw(output);
        assertThat(output.lines().toList()).singleElement().asString().endsWith(
                "EscapedConvertersTest: peer said x\\x0d\\x0a2026-12-01T00:00:00.000Z INFO  [main] MailLog: 01ABC:"
                        + " delivered\\x85\\u2028\\u202eevil\\u2066\\x1b[2J");
    }

    @Test
    void anExceptionsMessageCausesAndSuppressedAreEscapedAndItsStackTraceKept() {
        IOException cause = new IOException("cause " + FORGED);
        UncheckedIOException thrown = new UncheckedIOException("top " + FORGED, cause);
        thrown.addSuppressed(new IllegalStateException("suppressed\n" + FORGED));

        String output = logged(() -> log.error("delivery failed", thrown));

        assertNothingRaw(output);
        List<String> lines = output.lines().toList();
        assertThat(lines.getFirst()).endsWith("EscapedConvertersTest: delivery failed");
        assertThat(lines.get(1)).startsWith("java.io.UncheckedIOException: top x\\x0d\\x0a2026-12-01T");
        assertThat(lines).anyMatch(line -> line.startsWith("\tat dev.posthorn.mta.maillog.EscapedConvertersTest"));
        assertThat(lines).anyMatch(line -> line.startsWith("Caused by: java.io.IOException: cause x\\x0d\\x0a"));
        assertThat(lines).anyMatch(line -> line.startsWith(
                "\tSuppressed: java.lang.IllegalStateException: suppressed\\x0ax\\x0d\\x0a"));
    }
}
