package dev.posthorn.mta.sts;

import dev.posthorn.mailauth.dns.Answer;
import dev.posthorn.mailauth.dns.DnsClient;
import dev.posthorn.mta.tls.Printable;
import dev.posthorn.mta.tlsrpt.PolicyRef;
import dev.posthorn.mta.tlsrpt.ResultType;
import dev.posthorn.mta.tlsrpt.SessionResult;
import dev.posthorn.mta.tlsrpt.TlsRptObserver;
import dev.posthorn.smtp.Domain;
import dev.posthorn.smtp.LogText;
import java.io.IOException;
import java.net.IDN;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The MTA-STS policy that applies to mail for a domain now (RFC 8461 3.3 and 5.1): the TXT record at
 * {@code _mta-sts.<domain>} says whether there is one and its id; a policy cached under the same id, unexpired, is
 * used as it is; otherwise the policy is fetched, parsed, cached in memory and on disk ({@link PolicyStore}).
 *
 * <p>What keeps a cached policy in force: when the TXT record is gone, malformed or its lookup fails, and when a
 * fetch fails or brings a malformed policy, an unexpired cached policy goes on being used: that is what makes
 * MTA-STS resist an attacker who can block DNS or HTTPS after the first contact (RFC 8461 10.2). Without a cached
 * policy the domain has none. A failed fetch is not repeated for {@link #RETRY_FETCH} (per domain and id), so a
 * broken policy host costs one fetch timeout per few minutes, not one per message.
 *
 * <p>Bounded: at most {@value #MAX_DOMAINS} domains are cached; beyond that the policy that expires first is
 * dropped. Safe for concurrent use; fetches for one domain are serialised so that a burst of mail fetches once.
 */
public final class MtaSts implements AutoCloseable {

    static final int MAX_DOMAINS = 10_000;
    static final Duration RETRY_FETCH = Duration.ofMinutes(5);
    private static final Logger log = LoggerFactory.getLogger(MtaSts.class);

    private final DnsClient dns;
    private final PolicyFetcher fetcher;
    private final PolicyStore store;
    private final Clock clock;
    private final TlsRptObserver tlsReports;
    private final Map<String, CachedPolicy> cache = new ConcurrentHashMap<>();
    /** Fetches that failed, by domain: the id they were for and when to try again. */
    private final Map<String, Failure> failures = new ConcurrentHashMap<>();
    private final ReentrantLock[] locks = new ReentrantLock[64];

    private record Failure(String id, Instant retryAt) {
    }

    /** Loads the policies kept in {@code store}; expired ones are deleted. */
    public MtaSts(DnsClient dns, PolicyFetcher fetcher, PolicyStore store, Clock clock) throws IOException {
        this(dns, fetcher, store, clock, TlsRptObserver.NONE);
    }

    /**
     * As above, telling TLS reporting (RFC 8460 4.3.2.2) of each fetch that fails: {@code sts-webpki-invalid} when
     * the policy host's certificate did not validate, {@code sts-policy-invalid} for a policy that does not parse,
     * {@code sts-policy-fetch-error} otherwise.
     */
    public MtaSts(DnsClient dns, PolicyFetcher fetcher, PolicyStore store, Clock clock, TlsRptObserver tlsReports)
            throws IOException {
        this.tlsReports = tlsReports;
        this.dns = dns;
        this.fetcher = fetcher;
        this.store = store;
        this.clock = clock;
        for (int i = 0; i < locks.length; i++) {
            locks[i] = new ReentrantLock();
        }
        Instant now = clock.instant();
        for (CachedPolicy policy : store.load()) {
            if (policy.expiredAt(now)) {
                store.delete(policy.domain());
            } else {
                cache.put(policy.domain(), policy);
            }
        }
    }

    /**
     * The policy in mode enforce or testing that applies to mail for {@code domain}; empty when the domain has none
     * (or publishes mode none). Blocks for DNS and, when the policy must be fetched, HTTPS, each bounded.
     */
    public Optional<StsPolicy> policy(String domain) {
        Optional<String> name = ascii(domain);
        if (name.isEmpty()) {
            return Optional.empty();
        }
        return current(name.get()).map(CachedPolicy::policy).filter(p -> p.mode() != StsPolicy.Mode.NONE);
    }

    private Optional<CachedPolicy> current(String domain) {
        Optional<CachedPolicy> cached = cached(domain);
        Optional<StsRecord> record = record(domain);
        if (record.isEmpty() || cached.filter(c -> c.id().equals(record.get().id())).isPresent()) {
            return cached;
        }
        ReentrantLock lock = locks[Math.floorMod(domain.hashCode(), locks.length)];
        lock.lock();
        try {
            Optional<CachedPolicy> now = cached(domain);   // another worker may just have fetched it
            if (now.filter(c -> c.id().equals(record.get().id())).isPresent()) {
                return now;
            }
            return fetch(domain, record.get().id()).or(() -> now);
        } finally {
            lock.unlock();
        }
    }

    private Optional<CachedPolicy> cached(String domain) {
        CachedPolicy policy = cache.get(domain);
        if (policy != null && policy.expiredAt(clock.instant())) {
            cache.remove(domain, policy);
            forget(domain);
            return Optional.empty();
        }
        return Optional.ofNullable(policy);
    }

    /** The domain's TXT record, or empty (no record, a malformed one, DNS trouble: all logged but the first). */
    private Optional<StsRecord> record(String domain) {
        return switch (dns.txt("_mta-sts." + domain)) {
            case Answer.Found<String> found -> {
                if (found.records().stream().noneMatch(r -> r.startsWith("v=STSv1"))) {
                    yield Optional.empty();
                }
                try {
                    yield Optional.of(StsRecord.parse(found.records()));
                } catch (IllegalArgumentException e) {
                    log.info("MTA-STS record of {} ignored: {}", domain, LogText.escape(e.getMessage()));
                    yield Optional.empty();
                }
            }
            case Answer.NoSuchName<String> none -> Optional.empty();
            case Answer.NoData<String> none -> Optional.empty();
            case Answer.Failed<String> failed -> {
                log.info("MTA-STS record of {} not found: {}", domain, LogText.escape(failed.reason()));
                yield Optional.empty();
            }
        };
    }

    /** Fetches, parses and caches the policy published under {@code id}; empty when that fails (logged). */
    private Optional<CachedPolicy> fetch(String domain, String id) {
        Failure failure = failures.get(domain);
        Instant now = clock.instant();
        if (failure != null && failure.id().equals(id) && now.isBefore(failure.retryAt())) {
            return Optional.empty();
        }
        CachedPolicy policy;
        try {
            String body = fetcher.fetch(domain);
            policy = new CachedPolicy(domain, id, body, StsPolicy.parse(body), now);
        } catch (IOException e) {
            report(domain, webPki(e) ? ResultType.STS_WEBPKI_INVALID : ResultType.STS_POLICY_FETCH_ERROR, e);
            return failed(domain, id, now, "policy of " + domain + " not fetched: " + e.getMessage());
        } catch (IllegalArgumentException e) {
            report(domain, ResultType.STS_POLICY_INVALID, e);
            return failed(domain, id, now, "malformed policy of " + domain + " ignored, as if there were none: "
                    + Printable.of(e.getMessage()));
        }
        failures.remove(domain);
        log.info("MTA-STS policy of {} (id {}): mode {}, mx {}, max_age {}s", domain, LogText.escape(id),
                policy.policy().mode(), LogText.escape(policy.policy().mx()), policy.policy().maxAge().getSeconds());
        keep(policy);
        return Optional.of(policy);
    }

    /** The policy host's certificate was refused: the handshake failed on a certificate or its name. */
    private static boolean webPki(IOException e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof javax.net.ssl.SSLHandshakeException
                    || cause instanceof javax.net.ssl.SSLPeerUnverifiedException
                    || cause instanceof java.security.cert.CertificateException) {
                return true;
            }
        }
        return false;
    }

    private void report(String domain, ResultType type, Exception e) {
        try {
            tlsReports.session(new SessionResult(domain, new PolicyRef(PolicyRef.Type.STS, List.of(), List.of()),
                    Optional.of(new SessionResult.Failure(type, "mta-sts." + domain, "",
                            Printable.of(String.valueOf(e.getMessage()))))));
        } catch (RuntimeException ignored) {
            // counting never stops a delivery
        }
    }

    private Optional<CachedPolicy> failed(String domain, String id, Instant now, String reason) {
        log.warn("MTA-STS: {}", LogText.escape(reason));
        if (failures.size() >= MAX_DOMAINS) {
            failures.clear();
        }
        failures.put(domain, new Failure(id, now.plus(RETRY_FETCH)));
        return Optional.empty();
    }

    private void keep(CachedPolicy policy) {
        if (cache.size() >= MAX_DOMAINS && !cache.containsKey(policy.domain())) {
            cache.values().stream().min(Comparator.comparing(CachedPolicy::expires)).ifPresent(first -> {
                cache.remove(first.domain());
                forget(first.domain());
            });
        }
        cache.put(policy.domain(), policy);
        try {
            store.save(policy);
        } catch (IOException | RuntimeException e) {
            log.warn("MTA-STS policy of {} not kept on disk: {}", policy.domain(), LogText.escape(e));
        }
    }

    private void forget(String domain) {
        try {
            store.delete(domain);
        } catch (IOException | RuntimeException e) {
            log.warn("MTA-STS cache file of {} not deleted: {}", domain, LogText.escape(e));
        }
    }

    /** The domain in ASCII lower case without the root dot, if it is a host name. */
    private static Optional<String> ascii(String domain) {
        try {
            String name = domain.endsWith(".") ? domain.substring(0, domain.length() - 1) : domain;
            String ascii = IDN.toASCII(name, IDN.USE_STD3_ASCII_RULES).toLowerCase(Locale.ROOT);
            return Domain.isValid(ascii) && !ascii.isEmpty() ? Optional.of(ascii) : Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    @Override
    public void close() throws IOException {
        fetcher.close();
    }
}
