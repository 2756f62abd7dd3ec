package dev.posthorn.mta.spool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.posthorn.smtp.BodyType;
import dev.posthorn.smtp.DsnNotify;
import dev.posthorn.smtp.DsnReturn;
import dev.posthorn.smtp.Mailbox;
import dev.posthorn.smtp.OriginalRecipient;
import dev.posthorn.smtp.ReversePath;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The envelope text format: exact round trips, strict decoding, and files of the version before typed envelopes. */
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

    /** A mailbox the parser takes: a dot-atom or quoted local part (any text, RFC 6531 UTF-8 included). */
    private static Mailbox randomMailbox(Random random) {
        String local = random.nextBoolean() ? "u" + random.nextInt(1000) + ".x-y"
                : "\"" + randomText(random).replaceAll("[\\x00-\\x1f\\x7f-\\x9f\"\\\\]", "").strip() + " q\"";
        String host = random.nextBoolean() ? "example.org"
                : random.nextBoolean() ? "b\u00fccher.example" : "[192.0.2.7]";
        return Mailbox.parse(local + "@" + host, true);
    }

    private static <T> Optional<T> maybe(Random random, T value) {
        return random.nextBoolean() ? Optional.of(value) : Optional.empty();
    }

    private static SpoolEnvelope randomEnvelope(Random random, int n) {
        List<SpoolEnvelope.Recipient> recipients = new ArrayList<>();
        for (int i = random.nextInt(3); i >= 0; i--) {
            Set<DsnNotify> notify = EnumSet.noneOf(DsnNotify.class);
            for (DsnNotify value : DsnNotify.values()) {
                if (random.nextInt(3) == 0) {
                    notify.add(value);
                }
            }
            String orcpt = randomText(random).replaceAll("[\\x00-\\x1f\\x7f-\\x9f\\u2028\\u2029\\u202a-\\u202e"
                    + "\\u2066-\\u2069]", "") + "@x";
            recipients.add(new SpoolEnvelope.Recipient(randomMailbox(random),
                    maybe(random, new OriginalRecipient(random.nextBoolean() ? "rfc822" : "utf-8", orcpt)), notify));
        }
        SpoolEnvelope.Parameters parameters = new SpoolEnvelope.Parameters(
                BodyType.values()[random.nextInt(BodyType.values().length)], random.nextBoolean(),
                maybe(random, DsnReturn.values()[random.nextInt(2)]), maybe(random, randomText(random)),
                TlsRequest.values()[random.nextInt(TlsRequest.values().length)]);
        SpoolEnvelope.Client client = new SpoolEnvelope.Client(Origin.values()[random.nextInt(3)],
                maybe(random, randomText(random)), maybe(random, randomText(random)),
                maybe(random, randomText(random)));
        return new SpoolEnvelope("ID" + n, Instant.ofEpochMilli(random.nextLong(1L << 42)),
                random.nextInt(4) == 0 ? ReversePath.NULL : ReversePath.of(randomMailbox(random)), parameters, client,
                recipients, random.nextBoolean() ? "" : randomText(random),
                random.nextBoolean() ? OptionalInt.empty() : OptionalInt.of(random.nextInt(1000)),
                maybe(random, SpoolEnvelope.Report.values()[random.nextInt(2)]));
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 7, 42, 20261123, 987654321})
    void randomEnvelopesRoundTrip(long seed) {
        Random random = new Random(seed);
        for (int n = 0; n < 200; n++) {
            SpoolEnvelope envelope = randomEnvelope(random, n);
            byte[] encoded = EnvelopeCodec.encode(envelope);
            assertThat(new String(encoded, StandardCharsets.US_ASCII)).doesNotContain("\r").matches("(?s)[ -~\n]*");
            assertThat(EnvelopeCodec.decode(encoded)).isEqualTo(envelope);
        }
    }

    /**
     * A file queued by the version before the envelope was typed (every parameter it wrote, as SpoolSink and the
     * notifier wrote them) reads as typed values after the upgrade, and a typed envelope writes the same text back,
     * so a downgrade reads it too.
     */
    @Test
    void anEnvelopeQueuedBeforeTheTypedEnvelopeReadsAsTypedValuesAndWritesBackTheSameText() {
        String old = """
                id 01KQ0B5V3M2Z
                received 1795000000000
                sender alice@example.org
                param body 8BITMIME
                param client 192.0.2.1
                param envid QQ%20314159
                param headers DKIM-Signature:%20v=1;%20a=ed25519-sha256%0d%0a
                param helo client.example
                param origin authenticated
                param received 3
                param ret HDRS
                param smtputf8 true
                param user alice
                rcpt bob@posthorn.test rfc822;team@posthorn.test FAILURE,DELAY
                rcpt j%c3%b6rg@b%c3%bccher.example rfc822;j+C3+B6rg@b+C3+BCcher.example -
                end
                """;
        SpoolEnvelope envelope = EnvelopeCodec.decode(old.getBytes(StandardCharsets.US_ASCII));
        assertThat(envelope.sender()).isEqualTo(ReversePath.of(Mailbox.parse("alice@example.org", false)));
        assertThat(envelope.parameters()).isEqualTo(new SpoolEnvelope.Parameters(BodyType.EIGHT_BIT_MIME, true,
                Optional.of(DsnReturn.HDRS), Optional.of("QQ 314159")));
        assertThat(envelope.parameters().tls()).isEqualTo(TlsRequest.NONE); // no RFC 8689 request then
        assertThat(envelope.client()).isEqualTo(new SpoolEnvelope.Client(Origin.AUTHENTICATED,
                Optional.of("192.0.2.1"), Optional.of("client.example"), Optional.of("alice")));
        assertThat(envelope.headers()).isEqualTo("DKIM-Signature: v=1; a=ed25519-sha256\r\n");
        assertThat(envelope.receivedCount()).hasValue(3);
        assertThat(envelope.report()).isEmpty();
        SpoolEnvelope.Recipient bob = envelope.recipients().getFirst();
        assertThat(bob.domain()).isEqualTo("posthorn.test");
        assertThat(bob.original()).contains(new OriginalRecipient("rfc822", "team@posthorn.test"));
        assertThat(bob.notifications()).containsExactlyInAnyOrder(DsnNotify.FAILURE, DsnNotify.DELAY);
        SpoolEnvelope.Recipient jorg = envelope.recipients().get(1);
        assertThat(jorg.address().toString()).isEqualTo("j\u00f6rg@b\u00fccher.example");
        assertThat(jorg.original()).contains(new OriginalRecipient("rfc822", "j\u00f6rg@b\u00fccher.example"));
        assertThat(jorg.notifications()).isEmpty();
        assertThat(new String(EnvelopeCodec.encode(envelope), StandardCharsets.US_ASCII)).isEqualTo(old);
    }

    /** A report as the notifier queued it, and a message queued before its origin was recorded. */
    @Test
    void oldReportsAndMessagesWithoutAnOriginRead() {
        SpoolEnvelope report = EnvelopeCodec.decode("""
                id R1
                received 5
                sender -
                param body 8BITMIME
                param dsn postmaster
                param origin trusted
                rcpt postmaster@posthorn.test rfc822;postmaster@posthorn.test -
                end
                """.getBytes(StandardCharsets.US_ASCII));
        assertThat(report.sender().isNull()).isTrue();
        assertThat(report.report()).contains(SpoolEnvelope.Report.TO_POSTMASTER);
        assertThat(report.client().origin()).isEqualTo(Origin.TRUSTED);
        SpoolEnvelope older = EnvelopeCodec.decode("""
                id A1
                received 5
                sender s@x.example
                rcpt a@b.example - -
                end
                """.getBytes(StandardCharsets.US_ASCII));
        assertThat(older.client()).as("the safe reading").isEqualTo(SpoolEnvelope.Client.UNKNOWN);
        assertThat(older.parameters()).isEqualTo(SpoolEnvelope.Parameters.PLAIN);
        assertThat(older.recipients().getFirst().original()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"id A\nreceived 1\nsender -\nrcpt a - -\n", "id A\nreceived 1\nsender -\nbogus x\nend\n",
        "id A\nreceived 1\nrcpt a - -\nend\n", "id A\nreceived 1\nsender -\nrcpt a -\nend\n",
        "id A\nreceived 1\nsender a%zz\nrcpt a - -\nend\n", "id A\nreceived 1\nsender -\nrcpt a - -\nend\n",
        "id A\nreceived 1\nsender -\nparam color red\nrcpt a@b - -\nend\n",
        "id A\nreceived 1\nsender -\nparam body 9BIT\nrcpt a@b - -\nend\n",
        "id A\nreceived 1\nsender -\nparam smtputf8 yes\nrcpt a@b - -\nend\n",
        "id A\nreceived 1\nsender -\nparam received x\nrcpt a@b - -\nend\n",
        "id A\nreceived 1\nsender -\nrcpt a@b - SOMETIMES\nend\n",
        "id A\nreceived 1\nsender -\nrcpt a@b - SUCCESS,,DELAY\nend\n",
        "id A\nreceived 1\nsender no-at-sign\nrcpt a@b - -\nend\n"})
    void malformedEnvelopesAreRefused(String text) {
        assertThatThrownBy(() -> EnvelopeCodec.decode(text.getBytes(StandardCharsets.US_ASCII)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void emptyValuesAndALoneDashAreDistinct() {
        assertThat(EnvelopeCodec.unescape(EnvelopeCodec.escape(""))).isEmpty();
        assertThat(EnvelopeCodec.unescape(EnvelopeCodec.escape("-"))).isEqualTo("-");
    }

    /** RFC 8689: the TLS request is one {@code param tls} line, written only when there is one. */
    @ParameterizedTest
    @ValueSource(strings = {"requiretls", "optional"})
    void theTlsRequestIsKeptAsOneParameterLine(String keyword) {
        String text = """
                id 01KQ0B5V3M2Z
                received 1795000000000
                sender alice@example.org
                param body 7BIT
                param origin untrusted
                param tls %s
                rcpt bob@posthorn.test - -
                end
                """.formatted(keyword);
        SpoolEnvelope envelope = EnvelopeCodec.decode(text.getBytes(StandardCharsets.US_ASCII));
        assertThat(envelope.parameters().tls()).isEqualTo(TlsRequest.of(keyword));
        assertThat(envelope.parameters().requireTls()).isEqualTo(keyword.equals("requiretls"));
        assertThat(new String(EnvelopeCodec.encode(envelope), StandardCharsets.US_ASCII)).isEqualTo(text);
        SpoolEnvelope none = envelope.with(new SpoolEnvelope.Parameters(BodyType.SEVEN_BIT, false, Optional.empty(),
                Optional.empty()));
        assertThat(new String(EnvelopeCodec.encode(none), StandardCharsets.US_ASCII)).doesNotContain("param tls");
    }

    @Test
    void anUnknownTlsRequestMakesTheEnvelopeInvalid() {
        String text = "id A\nreceived 1\nsender -\nparam tls maybe\nrcpt bob@posthorn.test - -\nend\n";
        assertThatThrownBy(() -> EnvelopeCodec.decode(text.getBytes(StandardCharsets.US_ASCII)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
