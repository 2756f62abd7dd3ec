package dev.posthorn.mta.dane;

import dev.posthorn.mailauth.dns.Answer;
import dev.posthorn.mailauth.dns.DnsClient;
import dev.posthorn.mta.delivery.DaneVerdict;
import dev.posthorn.mta.delivery.DaneVerifier;
import dev.posthorn.mta.dns.MxResolver;
import dev.posthorn.mta.dns.Target;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.TLSARecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * DANE for SMTP (RFC 7672) towards the MX hosts of a domain, the transport's {@link DaneVerifier}: the MX and address
 * records through a validating resolver ({@link #resolver()}), then, for each host whose records are secure, its TLSA
 * records and the {@link DaneVerdict} they lead to; a verdict to authenticate carries the TLS context that checks a
 * certificate against them ({@link TlsaTrustManager}).
 *
 * <p>Safe for concurrent use.
 */
public final class Dane implements DaneVerifier {

    /** The resource holding the IANA root trust anchors, used when no file is configured. */
    static final String ROOT_ANCHORS = "root-anchors.zone";

    private final DnsClient dns;
    private final MxResolver resolver;
    private final Clock clock;

    /**
     * @param dns    a {@linkplain DnsClient#validating validating} client
     * @param random orders MX hosts of equal preference
     * @param clock  the time certificates are checked at (DANE-TA)
     */
    public Dane(DnsClient dns, RandomGenerator random, Clock clock) {
        if (!dns.validates()) {
            throw new IllegalArgumentException("DANE needs a validating DNS client");
        }
        this.dns = dns;
        this.resolver = new MxResolver(dns, random);
        this.clock = clock;
    }

    /**
     * DANE with a validating client for {@code servers}.
     *
     * @param trustAnchor a file of DS or DNSKEY records (zone file format); empty for the IANA root anchors
     * @param clock       the time certificates are checked at (DANE-TA)
     * @throws IOException when the trust anchor file cannot be read or holds no anchor
     */
    public static Dane create(List<InetSocketAddress> servers, Duration timeout, Optional<Path> trustAnchor,
                              Clock clock) throws IOException {
        try (InputStream anchors = trustAnchor.isPresent() ? Files.newInputStream(trustAnchor.get())
                : Dane.class.getResourceAsStream(ROOT_ANCHORS)) {
            if (anchors == null) {
                throw new IOException("the built-in root trust anchors are missing: " + ROOT_ANCHORS);
            }
            return new Dane(DnsClient.validating(servers, timeout, anchors), new SplittableRandom(), clock);
        }
    }

    /** The MX resolver whose targets say whether they are secure. */
    @Override
    public MxResolver resolver() {
        return resolver;
    }

    /**
     * What DANE says about {@code target}, an MX host of {@code domain} found by {@link #resolver()}.
     *
     * <p>RFC 7672 2.2.1 and 2.2.2: only a host whose MX and address records are secure has its TLSA records looked
     * up; when its addresses were found through CNAMEs, first at the name the CNAMEs lead to, then at the MX host
     * name. Secure usable records mean authentication; secure records none of which is usable mean mandatory
     * encryption; a secure denial or insecure records mean no DANE; a failed or bogus lookup means the host cannot be
     * used now.
     */
    @Override
    public DaneVerdict verdict(String domain, Target target) {
        if (!target.secure()) {
            return new DaneVerdict.NotApplicable("the MX or address records of " + target.host()
                    + " are not DNSSEC-validated");
        }
        List<String> bases = target.canonical().equals(target.host()) ? List.of(target.host())
                : List.of(target.canonical(), target.host());
        String last = "no TLSA records for " + target.host();
        for (String base : bases) {
            Name owner;
            try {
                owner = Name.fromString("_25._tcp." + base, Name.root);
            } catch (TextParseException e) {
                return new DaneVerdict.NotApplicable("no TLSA name for " + base);
            }
            switch (dns.lookup(owner, Type.TLSA)) {
                case Answer.Found<Record> found when found.secure() -> {
                    return found(base, found.records(), target.host(), domain);
                }
                case Answer.Found<Record> found ->
                        last = "the TLSA records of " + base + " are not DNSSEC-validated";
                case Answer.NoData<Record> none -> last = "no TLSA records for " + base;
                case Answer.NoSuchName<Record> none -> last = "no TLSA records for " + base;
                case Answer.Failed<Record> failed -> {
                    return new DaneVerdict.HostUnusable("TLSA lookup for " + owner.toString(true) + ": "
                            + failed.reason());
                }
            }
        }
        return new DaneVerdict.NotApplicable(last);
    }

    private DaneVerdict found(String base, List<Record> records, String host, String domain) {
        List<Tlsa> usable = new ArrayList<>();
        for (Record record : records) {
            if (record instanceof TLSARecord tlsa) {
                Tlsa.usable(tlsa).ifPresent(usable::add);
            }
        }
        if (usable.isEmpty()) {
            return new DaneVerdict.EncryptOnly("the " + records.size() + " TLSA record(s) of " + base
                    + " are all unusable for SMTP");
        }
        LinkedHashSet<String> names = new LinkedHashSet<>();
        names.add(base);
        names.add(host);
        names.add(domain.toLowerCase(Locale.ROOT));
        try {
            return new DaneVerdict.Authenticate(base, usable.stream().map(Tlsa::presentation).toList().toString(),
                    context(usable, List.copyOf(names)));
        } catch (GeneralSecurityException e) {
            return new DaneVerdict.HostUnusable("no TLS context for DANE: " + e.getMessage());
        }
    }

    /** A TLS context that accepts exactly the certificates {@code records} allow, for the reference {@code names}. */
    private SSLContext context(List<Tlsa> records, List<String> names) throws GeneralSecurityException {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, new TrustManager[] {new TlsaTrustManager(records, names, clock)}, null);
        return context;
    }
}
