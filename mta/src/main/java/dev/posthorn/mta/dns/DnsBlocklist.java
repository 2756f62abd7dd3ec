package dev.posthorn.mta.dns;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.posthorn.mailauth.dns.Answer;
import dev.posthorn.mailauth.dns.DnsClient;
import dev.posthorn.smtp.AddressLiteral;
import dev.posthorn.smtp.LogText;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * Looks a client address up in DNS blocklists (RFC 5782): {@code 4.3.2.1.<zone>} for 1.2.3.4, the 32 nibbles of an
 * IPv6 address reversed, an A record in 127.0.0.0/8 meaning "listed" (2.1, 2.3) and a TXT record at the same name
 * giving the list's reason. The zones are asked at once, each question with its own time limit, and the first
 * listing in the configured order wins.
 *
 * <p>Fails open: a list that times out, fails or answers 127.255.255.x (the error codes some lists send, e.g. for
 * queries through public resolvers) lets the client in, with a log line; a blocklist outage must not stop the mail.
 * Definite answers are cached per address for {@link #CACHE_TTL}, failures not at all. The TXT reason is untrusted
 * text: only printable ASCII is kept (anything else escaped) and it is cut to {@link #MAX_REASON} characters, so
 * that it can go into a reply.
 */
public final class DnsBlocklist {

    /** Short: a delisted address should not wait long, and one listing is asked for again soon enough. */
    static final Duration CACHE_TTL = Duration.ofMinutes(1);
    static final int MAX_REASON = 150;
    /**
     * Verdicts held at most: clients choose their addresses, so past this the least-used verdicts are forgotten one
     * at a time (a forgotten one is only asked again), never all at once.
     */
    static final int CACHE_ENTRIES = 10_000;
    private static final Logger log = LoggerFactory.getLogger(DnsBlocklist.class);

    /** What the lists say about one address: a closed set. */
    public sealed interface Verdict {
        /** No list has the address (or, failing open, none could say). */
        record Clear() implements Verdict {
        }

        /** The first list (in configured order) that has the address; {@code reason} is sanitized, maybe empty. */
        record Listed(String zone, String reason) implements Verdict {
            public Listed {
                Objects.requireNonNull(zone, "zone");
                Objects.requireNonNull(reason, "reason");
            }
        }
    }

    /** One zone's answer: a verdict, or empty when it could not say. */
    private record ZoneAnswer(String zone, Verdict verdict, String failure) {
    }

    private final DnsClient dns;
    private final List<String> zones;
    private final Duration timeout;
    private final Cache<InetAddress, Verdict> cache;

    /**
     * @param servers the recursive resolvers to ask; empty for the system's
     * @param timeout how long one list may take to answer
     * @param zones   the lists, in order of precedence
     */
    public DnsBlocklist(List<InetSocketAddress> servers, Duration timeout, List<String> zones, Clock clock) {
        this.dns = DnsClient.uncached(servers, timeout); // the verdicts are cached below
        this.zones = List.copyOf(zones);
        this.timeout = timeout;
        long origin = clock.millis();
        // Expiry on the given clock; eviction on the caller's thread rather than a pool's, so it happens in order.
        this.cache = Caffeine.newBuilder().maximumSize(CACHE_ENTRIES).expireAfterWrite(CACHE_TTL)
                .ticker(() -> TimeUnit.MILLISECONDS.toNanos(clock.millis() - origin)).executor(Runnable::run).build();
    }

    /** What the lists say about {@code client}; blocks about the timeout at most. */
    public Verdict check(InetAddress client) {
        Verdict cached = cache.getIfPresent(client);
        if (cached != null) {
            return cached;
        }
        List<ZoneAnswer> answers = ask(client);
        Verdict verdict = new Verdict.Clear();
        boolean definite = true;
        for (ZoneAnswer answer : answers) {
            if (answer.failure() != null) {
                definite = false;
                log.warn("dnsbl {}: no answer about {} ({}); letting it in", answer.zone(), AddressLiteral.format(client),
                        LogText.escape(answer.failure()));
            } else if (answer.verdict() instanceof Verdict.Listed listed) {
                verdict = listed;
                definite = true;
                break;
            }
        }
        if (definite) {
            cache.put(client, verdict);
        }
        return verdict;
    }

    private List<ZoneAnswer> ask(InetAddress client) {
        List<Callable<ZoneAnswer>> questions = zones.stream()
                .<Callable<ZoneAnswer>>map(zone -> () -> ask(client, zone)).toList();
        List<ZoneAnswer> answers = new ArrayList<>();
        try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
            // The resolver has the timeout already; the extra second only guards against a stuck lookup.
            List<Future<ZoneAnswer>> futures = executor.invokeAll(questions, timeout.toMillis() + 1000,
                    TimeUnit.MILLISECONDS);
            for (int i = 0; i < futures.size(); i++) {
                answers.add(result(zones.get(i), futures.get(i)));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return zones.stream().map(zone -> new ZoneAnswer(zone, null, "interrupted")).toList();
        }
        return answers;
    }

    private static ZoneAnswer result(String zone, Future<ZoneAnswer> future) throws InterruptedException {
        try {
            return future.get();
        } catch (CancellationException e) {
            return new ZoneAnswer(zone, null, "timed out");
        } catch (ExecutionException e) {
            return new ZoneAnswer(zone, null, String.valueOf(e.getCause()));
        }
    }

    private ZoneAnswer ask(InetAddress client, String zone) throws TextParseException {
        Name name = Name.fromString(reversed(client) + "." + zone + ".");
        return switch (dns.lookup(name, Type.A)) {
            case Answer.NoSuchName<Record> none -> new ZoneAnswer(zone, new Verdict.Clear(), null);
            case Answer.NoData<Record> none -> new ZoneAnswer(zone, new Verdict.Clear(), null);
            case Answer.Failed<Record> failed -> new ZoneAnswer(zone, null, failed.reason());
            case Answer.Found<Record> found -> listing(zone, name, found);
        };
    }

    private ZoneAnswer listing(String zone, Name name, Answer.Found<Record> found) {
        List<byte[]> addresses = found.records().stream().filter(ARecord.class::isInstance)
                .map(r -> ((ARecord) r).getAddress().getAddress()).toList();
        if (addresses.stream().anyMatch(a -> a[0] == 127 && (a[1] & 0xff) == 255 && (a[2] & 0xff) == 255)) {
            return new ZoneAnswer(zone, null, "the list answered with an error code (127.255.255.x)");
        }
        if (addresses.stream().noneMatch(a -> a[0] == 127)) {
            return new ZoneAnswer(zone, new Verdict.Clear(), null); // RFC 5782 2.1: only 127/8 answers are listings
        }
        return new ZoneAnswer(zone, new Verdict.Listed(zone, reason(name)), null);
    }

    /** The TXT reason at {@code name}, sanitized; empty when there is none or it cannot be had. */
    private String reason(Name name) {
        if (!(dns.lookup(name, Type.TXT) instanceof Answer.Found<Record> found)) {
            return "";
        }
        String text = found.records().stream().filter(TXTRecord.class::isInstance)
                .flatMap(r -> ((TXTRecord) r).getStrings().stream()).collect(Collectors.joining(" "));
        String clean = MxResolver.printable(text).strip();
        return clean.length() <= MAX_REASON ? clean : clean.substring(0, MAX_REASON - 3) + "...";
    }

    /** RFC 5782 2.1 and 2.4: the octets, or the nibbles of an IPv6 address, in reverse order, dot-separated. */
    static String reversed(InetAddress address) {
        byte[] bytes = address.getAddress();
        List<String> labels = new ArrayList<>();
        for (int i = bytes.length - 1; i >= 0; i--) {
            int b = bytes[i] & 0xff;
            if (address instanceof Inet4Address) {
                labels.add(Integer.toString(b));
            } else {
                labels.add(Integer.toHexString(b & 0x0f));
                labels.add(Integer.toHexString(b >> 4));
            }
        }
        return String.join(".", labels);
    }
}
