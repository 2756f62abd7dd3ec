package dev.posthorn.mailauth;

import dev.posthorn.mailauth.arc.ArcResult;
import dev.posthorn.mailauth.arc.ArcVerifier;
import dev.posthorn.mailauth.dkim.DkimResult;
import dev.posthorn.mailauth.dkim.DkimVerifier;
import dev.posthorn.mailauth.dkim.HeaderField;
import dev.posthorn.mailauth.dkim.HeaderSection;
import dev.posthorn.mailauth.dkim.HeaderTooLarge;
import dev.posthorn.mailauth.dmarc.Author;
import dev.posthorn.mailauth.dmarc.DmarcVerdict;
import dev.posthorn.mailauth.dmarc.DmarcVerifier;
import dev.posthorn.mailauth.dmarc.PublicSuffixList;
import dev.posthorn.mailauth.dns.DnsLookup;
import dev.posthorn.mailauth.spf.SpfResult;
import dev.posthorn.mailauth.spf.SpfVerdict;
import dev.posthorn.mailauth.spf.SpfVerifier;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.function.Supplier;

/**
 * Every check a receiving MTA runs on one message, in the order they depend on each other: SPF on the envelope
 * (RFC 7208), the DKIM signatures (RFC 6376) and the ARC chain (RFC 8617) of the message, then DMARC (RFC 7489) over
 * the SPF and DKIM results. What to do with the results (refuse, deliver, mark) is the caller's.
 *
 * <pre>{@code
 * Authenticator checks = new Authenticator(DnsClient.plain(List.of(), Duration.ofSeconds(5)));
 * Authentication result = checks.check(clientAddress, heloName, "alice@example.com", messageBytes);
 * if (result.dmarc().result() == DmarcResult.FAIL) { ... }
 * String field = result.field("mx.example.org");   // Authentication-Results: mx.example.org; spf=pass ...
 * }</pre>
 *
 * <p>The verifiers it combines are public too, for callers that run the checks apart (the Posthorn daemon does, to
 * check SPF before it reads the message). Safe for concurrent use.
 */
public final class Authenticator {

    /** RFC 7208 4.6.4: an SPF check may be given up after at least 20 seconds. */
    public static final Duration SPF_TIME_LIMIT = Duration.ofSeconds(20);

    private final SpfVerifier spf;
    private final DkimVerifier dkim;
    private final ArcVerifier arc;
    private final DmarcVerifier dmarc;

    /**
     * Checks with the public suffix list bundled in this library (organisational domains for DMARC; it ages with the
     * release, so a long-running server should pass a current one) and the system clock.
     */
    public Authenticator(DnsLookup dns) {
        this(dns, PublicSuffixList::bundled, Clock.systemUTC());
    }

    /**
     * @param dns      where every record comes from (SPF, DKIM and ARC keys, DMARC policies)
     * @param suffixes the Public Suffix List, asked once per DMARC evaluation (so it may change while in use)
     * @param clock    for DKIM's and ARC's signature expiry
     */
    public Authenticator(DnsLookup dns, Supplier<PublicSuffixList> suffixes, Clock clock) {
        Objects.requireNonNull(dns, "dns");
        this.spf = new SpfVerifier(dns, SPF_TIME_LIMIT);
        this.dkim = new DkimVerifier(dns::txt, clock);
        this.arc = new ArcVerifier(dns::txt, clock);
        this.dmarc = new DmarcVerifier(dns, suffixes, new SplittableRandom());
    }

    /** A message that can be read more than once, each time from its first octet. */
    @FunctionalInterface
    public interface Message {
        InputStream open() throws IOException;
    }

    /**
     * Checks a message held in memory.
     *
     * @see #check(InetAddress, String, String, Message)
     */
    public Authentication check(InetAddress client, String helo, String mailFrom, byte[] message) {
        try {
            return check(client, helo, mailFrom, () -> new ByteArrayInputStream(message));
        } catch (IOException e) {
            throw new IllegalStateException("reading an array failed", e);
        }
    }

    /**
     * Checks one message as it arrived.
     *
     * @param client   the address of the SMTP client that sent it
     * @param helo     the name it gave in HELO or EHLO; null for none
     * @param mailFrom the MAIL FROM address ({@code local@domain}); null or empty for the null reverse path
     *                 ({@code <>}), when SPF checks the HELO name instead
     * @param message  the message as received (header section and body, CRLF line ends), read three times: for the
     *                 From fields, DKIM and ARC
     * @throws IOException only when reading the message fails
     */
    public Authentication check(InetAddress client, String helo, String mailFrom, Message message)
            throws IOException {
        SpfVerdict spfVerdict = spf.check(client, mailFrom == null || mailFrom.isEmpty() ? null : mailFrom, helo);
        List<DkimResult> signatures;
        try (InputStream in = message.open()) {
            signatures = dkim.verify(in);
        }
        ArcResult chain;
        try (InputStream in = message.open()) {
            chain = arc.verify(in);
        }
        Author author;
        try (InputStream in = message.open()) {
            author = Author.of(HeaderSection.read(in).named("From").stream().map(HeaderField::value).toList());
        } catch (HeaderTooLarge e) {
            author = new Author.Ambiguous(e.getMessage());
        }
        Optional<String> spfPass = Optional.of(spfVerdict).filter(v -> v.result() == SpfResult.PASS)
                .map(SpfVerdict::domain);
        List<String> dkimPasses = signatures.stream().filter(s -> s.status() == DkimResult.Status.PASS)
                .map(DkimResult::domain).toList();
        DmarcVerdict dmarcVerdict = dmarc.evaluate(author, spfPass, dkimPasses);
        return new Authentication(spfVerdict, signatures, chain, dmarcVerdict, client);
    }
}
