package dev.posthorn.mailauth.dkim;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.SplittableRandom;

/** Messages for the DKIM tests: random ones from a seed, and signatures with any tags a test wants. */
final class SignedMessages {

    static final Clock NOW = Clock.fixed(Instant.parse("2026-03-01T12:00:00Z"), ZoneOffset.UTC);

    private SignedMessages() {
    }

    static InputStream stream(String message) {
        return new ByteArrayInputStream(message.getBytes(StandardCharsets.ISO_8859_1));
    }

    /**
     * A message from {@code from}: the usual fields with random folding and white space, sometimes a Cc or an 8-bit
     * Subject, a body of random lines (long ones, empty ones, trailing white space, lines of dots, no final CRLF).
     */
    static String random(long seed, String from) {
        SplittableRandom random = new SplittableRandom(seed);
        StringBuilder m = new StringBuilder();
        m.append("From: Sender ").append(seed).append(" <").append(from).append(">\r\n");
        m.append("To: ").append(words(random, 1 + random.nextInt(3))).append(" <rcpt@example.net>\r\n");
        if (random.nextBoolean()) {
            m.append("Cc:").append(random.nextBoolean() ? " " : "\t").append("a@example.net,\r\n\tb@example.net\r\n");
        }
        m.append("Subject: ").append(words(random, 1 + random.nextInt(12)));
        if (random.nextInt(4) == 0) {
            m.append(" caf\u00e9"); // 8-bit: one octet per char in ISO-8859-1
        }
        m.append(random.nextBoolean() ? "\r\n" : " \r\n\t" + words(random, 3) + "\r\n");
        m.append("Date: Sun, 1 Mar 2026 12:00:00 +0000\r\n");
        m.append("Message-ID: <").append(seed).append(".test@example.org>\r\n");
        m.append("X-Unsigned: ").append(words(random, 2)).append("\r\n\r\n");
        int lines = random.nextInt(40);
        for (int i = 0; i < lines; i++) {
            switch (random.nextInt(6)) {
                case 0 -> m.append("\r\n");
                case 1 -> m.append(words(random, 1 + random.nextInt(200))).append("\r\n");
                case 2 -> m.append(words(random, 4)).append(" \t \r\n");
                case 3 -> m.append("..").append(words(random, 2)).append("\r\n");
                default -> m.append(words(random, 1 + random.nextInt(10))).append("\r\n");
            }
        }
        if (random.nextInt(5) == 0) {
            m.append("no final line break");
        } else if (random.nextInt(4) == 0) {
            m.append("\r\n\r\n\r\n");
        }
        return m.toString();
    }

    private static String words(SplittableRandom random, int count) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < count; i++) {
            if (i > 0) {
                out.append(random.nextInt(8) == 0 ? "  " : " ");
            }
            int length = 1 + random.nextInt(9);
            for (int j = 0; j < length; j++) {
                out.append((char) ('a' + random.nextInt(26)));
            }
        }
        return out.toString();
    }

    /**
     * A DKIM-Signature field with {@code tags} (all but {@code bh=} and {@code b=}, which are computed as
     * {@code c=} and {@code l=} in {@code tags} say), then {@code message}.
     */
    static String signWith(String message, String tags, PrivateKey key) throws IOException, GeneralSecurityException {
        TagList list = TagList.parse(tags);
        String[] c = list.get("c").orElse("simple/simple").split("/");
        // An unknown name (a test of its refusal) is signed as relaxed.
        Canonicalization header = Canonicalization.named(c[0]).orElse(Canonicalization.RELAXED);
        Canonicalization body = Canonicalization.named(c.length > 1 ? c[1] : "simple").orElse(Canonicalization.RELAXED);
        InputStream in = stream(message);
        HeaderSection section = HeaderSection.read(in);
        BodyHash hash = new BodyHash(list.get("l").map(Long::parseLong).orElse(Long.MAX_VALUE));
        try (OutputStream out = body.body(hash)) {
            in.transferTo(out);
        }
        String unsigned = "DKIM-Signature: " + tags + "; bh=" + Base64.getEncoder().encodeToString(hash.hash())
                + "; b=";
        HeaderField field = new HeaderField("DKIM-Signature", unsigned + "\r\n");
        String own = header.header(field);
        String data = HeaderSelection.canonical(section, List.of(list.require("h").split(":")), header)
                + own.substring(0, own.length() - 2);
        Algorithm algorithm = Algorithm.named(list.require("a")).orElse(Algorithm.of(key).orElseThrow());
        byte[] b = algorithm.sign(key, data.getBytes(StandardCharsets.ISO_8859_1));
        return unsigned + Base64.getEncoder().encodeToString(b) + "\r\n" + message;
    }
}
