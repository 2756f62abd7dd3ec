package dev.posthorn.smtp.testing;

import dev.posthorn.smtp.Reply;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * One step of a {@link Dialog}. Sealed so the runner's switch covers every kind and a new kind cannot be added
 * without teaching the runner to play it. Every step remembers its line in the file, for failure reports.
 */
public sealed interface Step permits Step.Send, Step.Expect, Step.ExpectClose, Step.ExpectNothing, Step.StartTls {

    /** The 1-based line of the dialogue file the step came from. */
    int line();

    /** The step in dialogue notation, for failure messages. */
    String describe();

    /**
     * {@code C:}, {@code C~} or {@code C*}: bytes sent {@code times} times in a row, written in one go.
     *
     * @param bytes the exact octets of one repetition, CRLF included where the line has one
     * @param times how often they are sent ({@code C* N}); 1 otherwise
     */
    record Send(int line, byte[] bytes, int times) implements Step {

        public Send {
            bytes = Objects.requireNonNull(bytes, "bytes").clone();
            if (bytes.length == 0) {
                throw new IllegalArgumentException("nothing to send");
            }
            if (times < 1) {
                throw new IllegalArgumentException("a step is sent at least once: " + times);
            }
        }

        public Send(int line, byte[] bytes) {
            this(line, bytes, 1);
        }

        @Override
        public byte[] bytes() {
            return bytes.clone();
        }

        /** All repetitions, as written to the socket. */
        public byte[] wire() {
            byte[] all = new byte[Math.multiplyExact(bytes.length, times)];
            for (int i = 0; i < times; i++) {
                System.arraycopy(bytes, 0, all, i * bytes.length, bytes.length);
            }
            return all;
        }

        @Override
        public String describe() {
            int body = bytes.length - 2;
            boolean plainLine = body >= 0 && bytes[body] == '\r' && bytes[body + 1] == '\n'
                    && Escapes.encode(Arrays.copyOf(bytes, body)).equals(new String(bytes, 0, body,
                            StandardCharsets.UTF_8));
            if (plainLine) {
                String text = new String(bytes, 0, body, StandardCharsets.UTF_8);
                return times == 1 ? "C: " + text : "C* " + times + " " + text;
            }
            return (times == 1 ? "C~ " : "C~ (" + times + " times) ") + Escapes.encode(bytes);
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Send send && send.line == line && send.times == times
                    && Arrays.equals(send.bytes, bytes);
        }

        @Override
        public int hashCode() {
            return Objects.hash(line, times, Arrays.hashCode(bytes));
        }

        @Override
        public String toString() {
            return "Send[line=" + line + ", " + describe() + "]";
        }
    }

    /**
     * {@code S:} or {@code S* N}: {@code times} complete replies, each of which must match.
     *
     * @param code     the accepted reply codes
     * @param enhanced the accepted enhanced status of the first line, or {@code null} when any (or none) will do
     * @param present  words some line of the reply must contain, case-insensitively ({@code ~WORD})
     * @param absent   words no line of the reply may contain, case-insensitively ({@code !WORD})
     */
    record Expect(int line, int times, CodePattern code, EnhancedPattern enhanced, List<String> present,
            List<String> absent) implements Step {

        public Expect {
            Objects.requireNonNull(code, "code");
            present = List.copyOf(present);
            absent = List.copyOf(absent);
            if (times < 1) {
                throw new IllegalArgumentException("a reply is expected at least once: " + times);
            }
            for (String word : present) {
                checkWord(word);
            }
            for (String word : absent) {
                checkWord(word);
            }
            if (enhanced != null && !code.allowsClass(enhanced.codeClass())) {
                throw new IllegalArgumentException("enhanced status " + enhanced + " can never go with reply code "
                        + code + " (RFC 3463: the classes must agree)");
            }
        }

        /** One reply with the given code pattern and nothing else checked. */
        public Expect(int line, CodePattern code) {
            this(line, 1, code, null, List.of(), List.of());
        }

        public Optional<EnhancedPattern> enhancedPattern() {
            return Optional.ofNullable(enhanced);
        }

        /**
         * Why {@code reply} does not satisfy this step, or empty when it does. Package-private so the public API
         * names no smtp-core type and the module can keep a plain {@code requires}.
         */
        Optional<String> check(Reply reply) {
            List<String> problems = new ArrayList<>();
            if (!code.matches(reply.code())) {
                problems.add("the code is not " + code);
            }
            if (enhanced != null) {
                if (reply.status() == null) {
                    problems.add("there is no enhanced status code (wanted " + enhanced + ")");
                } else if (!enhanced.matches(reply.status())) {
                    problems.add("the enhanced status is not " + enhanced);
                }
            }
            for (String word : present) {
                if (reply.lines().stream().noneMatch(text -> contains(text, word))) {
                    problems.add("no line contains " + word);
                }
            }
            for (String word : absent) {
                reply.lines().stream().filter(text -> contains(text, word)).findFirst()
                        .ifPresent(text -> problems.add("a line contains " + word + ": \"" + text + "\""));
            }
            if (problems.isEmpty()) {
                return Optional.empty();
            }
            return Optional.of("expected " + expectation() + ", got " + show(reply) + ": "
                    + String.join("; ", problems));
        }

        @Override
        public String describe() {
            return (times == 1 ? "S: " : "S* " + times + " ") + expectation();
        }

        private String expectation() {
            StringBuilder out = new StringBuilder(code.toString());
            if (enhanced != null) {
                out.append(' ').append(enhanced);
            }
            present.forEach(word -> out.append(" ~").append(word));
            absent.forEach(word -> out.append(" !").append(word));
            return out.toString();
        }

        private static String show(Reply reply) {
            return reply.code() + (reply.status() == null ? "" : " " + reply.status()) + " \""
                    + String.join("\" / \"", reply.lines()) + "\"";
        }

        private static boolean contains(String text, String word) {
            return text.toLowerCase(Locale.ROOT).contains(word.toLowerCase(Locale.ROOT));
        }

        private static void checkWord(String word) {
            if (word.isEmpty() || word.codePoints().anyMatch(cp -> Character.isWhitespace(cp)
                    || Character.isISOControl(cp))) {
                throw new IllegalArgumentException("a ~ or ! word is non-empty, without spaces or controls");
            }
        }
    }

    /** {@code S: CLOSE}: the server closes the connection, possibly after one last reply. */
    record ExpectClose(int line) implements Step {
        @Override
        public String describe() {
            return "S: CLOSE";
        }
    }

    /** {@code S: NOTHING}: the server stays silent, as it must while it waits for more input. */
    record ExpectNothing(int line) implements Step {
        @Override
        public String describe() {
            return "S: NOTHING";
        }
    }

    /** {@code TLS}: the client starts a TLS handshake (after the server's 220 to STARTTLS). */
    record StartTls(int line) implements Step {
        @Override
        public String describe() {
            return "TLS";
        }
    }
}
