package dev.posthorn.smtp.testing;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns the lines of a dialogue file into {@link Step}s. Kept apart from {@link Dialog} so the value stays small; every
 * error is reported with the file name and line number, since the person reading it is editing that file.
 */
final class DialogParser {

    /** A generous bound for {@code C*} and {@code S*}: limits tested by the cases are in the hundreds. */
    static final int MAX_REPEAT = 100_000;

    private static final byte[] CRLF = {'\r', '\n'};

    private DialogParser() {
    }

    static Dialog parse(String name, String text) {
        List<Step> steps = new ArrayList<>();
        Map<String, String> settings = new LinkedHashMap<>();
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            int number = i + 1;
            String line = lines[i].endsWith("\r") ? lines[i].substring(0, lines[i].length() - 1) : lines[i];
            if (line.isBlank() || line.strip().startsWith("#")) {
                continue;
            }
            try {
                if (line.startsWith("SET ")) {
                    if (!steps.isEmpty()) {
                        throw new IllegalArgumentException("SET must come before the first step");
                    }
                    setting(line.substring(4), settings);
                } else {
                    steps.add(step(number, line));
                }
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(name + " line " + number + ": " + e.getMessage() + " in \""
                        + Escapes.printable(line) + "\"", e);
            }
        }
        if (steps.isEmpty()) {
            throw new IllegalArgumentException(name + ": no steps (only comments, blank lines or SET)");
        }
        return new Dialog(name, steps, settings);
    }

    private static Step step(int number, String line) {
        if (line.equals("C:")) {
            return new Step.Send(number, CRLF);
        }
        if (line.startsWith("C: ")) {
            return new Step.Send(number, textLine(line.substring(3)));
        }
        if (line.startsWith("C~ ")) {
            return new Step.Send(number, Escapes.decode(line.substring(3)));
        }
        if (line.startsWith("C* ")) {
            String rest = line.substring(3);
            int space = rest.indexOf(' ');
            int times = count(space < 0 ? rest : rest.substring(0, space));
            return new Step.Send(number, textLine(space < 0 ? "" : rest.substring(space + 1)), times);
        }
        if (line.equals("S: CLOSE")) {
            return new Step.ExpectClose(number);
        }
        if (line.equals("S: NOTHING")) {
            return new Step.ExpectNothing(number);
        }
        if (line.startsWith("S: ")) {
            return expect(number, 1, line.substring(3));
        }
        if (line.startsWith("S* ")) {
            String rest = line.substring(3).strip();
            int space = rest.indexOf(' ');
            if (space < 0) {
                throw new IllegalArgumentException("S* needs a count and a reply code");
            }
            return expect(number, count(rest.substring(0, space)), rest.substring(space + 1));
        }
        if (line.equals("TLS")) {
            return new Step.StartTls(number);
        }
        throw new IllegalArgumentException("unknown step (expected C:, C~, C*, S:, S*, TLS, SET or #)");
    }

    private static Step.Expect expect(int number, int times, String spec) {
        String[] tokens = spec.strip().split("\\s+");
        if (tokens[0].isEmpty()) {
            throw new IllegalArgumentException("missing reply code");
        }
        if (tokens[0].equals("CLOSE") || tokens[0].equals("NOTHING")) {
            throw new IllegalArgumentException(tokens[0] + " stands alone, as S: " + tokens[0]);
        }
        CodePattern code = CodePattern.parse(tokens[0]);
        int next = 1;
        EnhancedPattern enhanced = null;
        if (tokens.length > 1 && !isWord(tokens[1])) {
            enhanced = EnhancedPattern.parse(tokens[1]);
            next = 2;
        }
        List<String> present = new ArrayList<>();
        List<String> absent = new ArrayList<>();
        for (int i = next; i < tokens.length; i++) {
            String token = tokens[i];
            if (!isWord(token)) {
                throw new IllegalArgumentException("expected ~WORD or !WORD, got " + token);
            }
            if (token.length() == 1) {
                throw new IllegalArgumentException(token + " needs a word");
            }
            (token.charAt(0) == '~' ? present : absent).add(token.substring(1));
        }
        return new Step.Expect(number, times, code, enhanced, present, absent);
    }

    private static boolean isWord(String token) {
        return token.startsWith("~") || token.startsWith("!");
    }

    private static byte[] textLine(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x20 && c != '\t' || c == 0x7f) {
                throw new IllegalArgumentException("control character in a C: line (use C~ with \\xHH)");
            }
        }
        return (text + "\r\n").getBytes(StandardCharsets.UTF_8);
    }

    private static int count(String text) {
        int times;
        try {
            times = Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a count: " + text, e);
        }
        if (times < 1 || times > MAX_REPEAT) {
            throw new IllegalArgumentException("count must be 1.." + MAX_REPEAT + ": " + times);
        }
        return times;
    }

    private static void setting(String text, Map<String, String> settings) {
        int equals = text.indexOf('=');
        String key = equals < 0 ? "" : text.substring(0, equals);
        if (!key.matches("[A-Za-z0-9_.-]+") || equals == text.length() - 1) {
            throw new IllegalArgumentException("SET needs key=value");
        }
        if (settings.putIfAbsent(key, text.substring(equals + 1)) != null) {
            throw new IllegalArgumentException("SET " + key + " given twice");
        }
    }
}
