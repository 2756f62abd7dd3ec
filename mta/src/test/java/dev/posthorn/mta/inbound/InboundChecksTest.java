package dev.posthorn.mta.inbound;

import static org.assertj.core.api.Assertions.assertThat;

import dev.posthorn.mailauth.dkim.DkimResult;
import dev.posthorn.mailauth.dmarc.DmarcVerifier;
import dev.posthorn.mailauth.dmarc.PublicSuffixList;
import dev.posthorn.mailauth.dns.DnsClient;
import dev.posthorn.mailauth.spf.SpfVerifier;
import dev.posthorn.mta.config.Checks;
import dev.posthorn.mta.config.Network;
import dev.posthorn.mta.inbound.SuffixListSource;
import dev.posthorn.smtp.ForwardPath;
import dev.posthorn.smtp.MailParameters;
import dev.posthorn.smtp.Mailbox;
import dev.posthorn.smtp.RcptParameters;
import dev.posthorn.smtp.ReversePath;
import dev.posthorn.smtp.server.Envelope;
import dev.posthorn.smtp.server.SessionInfo;
import dev.posthorn.smtp.testing.DnsResponder;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The decisions of the inbound checks with DKIM results plugged in through the seam: which results refuse a
 * message, and that a DKIM pass or a DKIM temperror changes them as RFC 7489 10.1 and the no-rejection-on-temperror
 * rule ask.
 */
class InboundChecksTest {

    private static final String MESSAGE = "Received: by mx.example.org\r\nFrom: ceo@forged.test\r\n\r\nbody\r\n";

    private DnsResponder dns;

    @BeforeEach
    void startDns() throws IOException {
        dns = DnsResponder.builder().zone("forged.test")
                .txt("forged.test", "v=spf1 -all")
                .txt("_dmarc.forged.test", "v=DMARC1; p=reject")
                .start();
    }

    @AfterEach
    void stopDns() {
        dns.close();
    }

    private InboundChecks checks(Checks settings, DkimVerification dkim) {
        DnsClient lookups = DnsClient.plain(List.of(dns.address()), Duration.ofSeconds(1));
        return new InboundChecks(settings, "mx.example.org",
                new SpfVerifier(lookups, Duration.ofSeconds(20)),
                new DmarcVerifier(lookups, SuffixListSource.of(PublicSuffixList.bundled()), new SplittableRandom(1)),
                dkim);
    }

    /** A session from {@code client}; the trusted network is 192.0.2.0/24. */
    private static SessionInfo session(String client, String user) {
        return new SessionInfo("c1", new InetSocketAddress(client, 40000), new InetSocketAddress("127.0.0.1", 25),
                "client.test", true, null, user, Network.parse("192.0.2.0/24").contains(
                        new InetSocketAddress(client, 0).getAddress()));
    }

    private static InboundVerdict run(InboundChecks checks) throws IOException {
        Envelope envelope = new Envelope("A1", ReversePath.of(Mailbox.parse("ceo@forged.test", false)),
                MailParameters.NONE, List.of(new Envelope.Recipient(
                        ForwardPath.of(Mailbox.parse("alice@example.org", false)), RcptParameters.NONE)),
                session("198.51.100.1", null), Instant.now());
        HeaderFilter filter = checks.filter(in());
        filter.readAllBytes();
        return checks.check(envelope, filter, InboundChecksTest::in);
    }

    private static InputStream in() {
        return new ByteArrayInputStream(MESSAGE.getBytes(StandardCharsets.US_ASCII));
    }

    private static DkimResult dkim(DkimResult.Status result) {
        return new DkimResult(result, "forged.test", "sel", "AbCdEf12", result == DkimResult.Status.PASS ? ""
                : "key lookup failed");
    }

    private static final Checks REJECTING = new Checks(true, true, true, true, true, false, Optional.empty());

    @Test
    void onlyUntrustedUnauthenticatedClientsAreChecked() {
        InboundChecks checks = checks(REJECTING, DkimVerification.NONE);
        assertThat(checks.appliesTo(session("198.51.100.1", null))).isTrue();
        assertThat(checks.appliesTo(session("192.0.2.7", null))).isFalse();
        assertThat(checks.appliesTo(session("198.51.100.1", "alice"))).isFalse();
    }

    @Test
    void withoutDkimAForgedDomainIsRejectedByDmarcBeforeSpf() throws IOException {
        InboundVerdict verdict = run(checks(REJECTING, DkimVerification.NONE));
        assertThat(verdict).isInstanceOfSatisfying(InboundVerdict.Refuse.class,
                r -> assertThat(r.reply().toString()).startsWith("550 5.7.1 "));
        assertThat(verdict.summary()).isEqualTo("spf=fail dkim=none dmarc=fail");
    }

    @Test
    void anAlignedDkimPassOverridesAnSpfFail() throws IOException {
        List<String> seen = new ArrayList<>();
        InboundVerdict verdict = run(checks(REJECTING, message -> {
            try (InputStream in = message.open()) {
                seen.add(new String(in.readAllBytes(), StandardCharsets.US_ASCII));
            }
            return List.of(dkim(DkimResult.Status.PASS));
        }));
        assertThat(seen).containsExactly(MESSAGE);
        assertThat(verdict).isInstanceOfSatisfying(InboundVerdict.Accept.class, a -> assertThat(a.headerField())
                .isEqualTo("Authentication-Results: mx.example.org;\r\n"
                        + "\tspf=fail reason=\"forged.test: 198.51.100.1 matched all\" smtp.mailfrom=ceo@forged.test;"
                        + "\r\n\tdkim=pass header.d=forged.test header.s=sel header.b=AbCdEf12;\r\n"
                        + "\tdmarc=pass (p=reject dis=none) header.from=forged.test\r\n"));
    }

    @Test
    void aDkimTemperrorNeverTurnsIntoADmarcRejection() throws IOException {
        InboundVerdict lenient = run(checks(new Checks(true, true, true, false, true, false, Optional.empty()),
                message -> List.of(dkim(DkimResult.Status.TEMPERROR))));
        assertThat(lenient).isInstanceOfSatisfying(InboundVerdict.Accept.class, a -> assertThat(a.headerField())
                .contains("\tdkim=temperror reason=\"key lookup failed\" header.d=forged.test")
                .contains("\tdmarc=fail (p=reject dis=reject)"));
        InboundVerdict deferring = run(checks(new Checks(true, true, true, false, true, true, Optional.empty()),
                message -> List.of(dkim(DkimResult.Status.TEMPERROR))));
        assertThat(deferring).isInstanceOfSatisfying(InboundVerdict.Refuse.class,
                r -> assertThat(r.reply().toString()).startsWith("451 4.4.3 "));
    }

    @Test
    void withoutDmarcRejectionSpfFailIsRefusedWith5723() throws IOException {
        InboundVerdict verdict = run(checks(new Checks(true, true, true, true, false, false, Optional.empty()),
                DkimVerification.NONE));
        assertThat(verdict).isInstanceOfSatisfying(InboundVerdict.Refuse.class,
                r -> assertThat(r.reply().toString()).startsWith("550 5.7.23 "));
    }

    @Test
    void checksThatAreOffLeaveNoResult() throws IOException {
        InboundVerdict verdict = run(checks(new Checks(true, false, false, false, false, false, Optional.empty()),
                message -> {
                    throw new AssertionError("DKIM is off");
                }));
        assertThat(verdict).isInstanceOfSatisfying(InboundVerdict.Accept.class, a -> assertThat(a.headerField())
                .startsWith("Authentication-Results: mx.example.org;\r\n\tspf=fail").doesNotContain("dkim")
                .doesNotContain("dmarc"));
    }
}
