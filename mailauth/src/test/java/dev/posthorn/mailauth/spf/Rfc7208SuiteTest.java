package dev.posthorn.mailauth.spf;

import static org.assertj.core.api.Assertions.assertThat;

import dev.posthorn.mailauth.dns.DnsClient;
import dev.posthorn.smtp.testing.DnsResponder;
import dev.posthorn.smtp.testing.DnsResponderBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * The openspf.org RFC 7208 test suite (release 2014.04, {@code spf/rfc7208-tests.yml} with its LICENSE and SOURCE),
 * every case run through {@link SpfVerifier} against a {@link DnsResponder} loaded from its section's zone data. One
 * responder serves each section, started when its first case runs.
 *
 * <p>As the suite's drivers do (its header comment): an SPF (type 99) record is served as TXT for a name that has no
 * TXT record of its own; the verifier never asks for type 99 (RFC 7208 3.1 removed it), so type 99 itself is not
 * served; a TXT entry of NONE stops the copy and serves nothing. A TIMEOUT entry makes the queries for its name go
 * unanswered, except for the types listed at it (as the reference driver, pyspf's, does). Where a case allows
 * several results, any of them passes. The explanation a case may name is not checked: the verdict carries no exp=
 * text.
 */
class Rfc7208SuiteTest {

    /**
     * Cases the verifier does not yet get right, as "section / case": each is asserted to still fail, so that a
     * fix shows up here as a failure to remove the entry. Empty when every case passes.
     */
    private static final Set<String> KNOWN_FAILURES = Set.of();

    /** Short, so the suite's eight TIMEOUT names do not dominate its run time; the loopback answers in microseconds. */
    private static final Duration DNS_TIMEOUT = Duration.ofMillis(300);

    private static final List<Section> SECTIONS = load();
    private static final Map<Section, DnsResponder> RESPONDERS = new ConcurrentHashMap<>();

    /** One YAML document of the suite: its cases and the zone data they share. */
    record Section(String description, Map<String, Object> zoneData, Map<String, Object> tests) {
    }

    record Case(Section section, String name, String host, String mailFrom, String helo, List<String> results) {

        String key() {
            return section.description() + " / " + name;
        }

        @Override
        public String toString() {
            return key();
        }
    }

    static Stream<Arguments> cases() {
        List<Arguments> all = new ArrayList<>();
        for (Section section : SECTIONS) {
            for (Case c : casesOf(section)) {
                all.add(Arguments.of(c));
            }
        }
        return all.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void suiteCase(Case c) throws IOException {
        DnsClient dns = DnsClient.plain(List.of(responder(c.section()).address()), DNS_TIMEOUT);
        SpfVerdict verdict = new SpfVerifier(dns, Duration.ofSeconds(20))
                .check(InetAddress.getByName(c.host()), c.mailFrom(), c.helo());
        String got = verdict.result().keyword();
        if (KNOWN_FAILURES.contains(c.key())) {
            assertThat(c.results()).as("known failure %s now passes: remove it from KNOWN_FAILURES", c.key())
                    .doesNotContain(got);
        } else {
            assertThat(got).as("%s (%s)", c.key(), verdict.reason()).isIn(c.results());
        }
    }

    @Test
    void theSuiteIsWholeAndEveryKnownFailureNamesOneOfItsCases() {
        List<String> keys = cases().map(a -> ((Case) a.get()[0]).key()).toList();
        assertThat(keys).hasSize(203).doesNotHaveDuplicates();
        assertThat(keys).containsAll(KNOWN_FAILURES);
    }

    @AfterAll
    static void stopResponders() throws IOException {
        for (DnsResponder responder : RESPONDERS.values()) {
            responder.close();
        }
        RESPONDERS.clear();
    }

    private static DnsResponder responder(Section section) {
        return RESPONDERS.computeIfAbsent(section, s -> {
            try {
                return SuiteZones.builder(s.zoneData()).start();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    @SuppressWarnings("unchecked")
    private static List<Section> load() {
        Load yaml = new Load(LoadSettings.builder().build());
        List<Section> sections = new ArrayList<>();
        try (InputStream in = Rfc7208SuiteTest.class.getResourceAsStream("/spf/rfc7208-tests.yml")) {
            if (in == null) {
                throw new IllegalStateException("spf/rfc7208-tests.yml is missing from the test resources");
            }
            for (Object document : yaml.loadAllFromString(new String(in.readAllBytes(), StandardCharsets.UTF_8))) {
                Map<String, Object> map = (Map<String, Object>) document;
                Object zones = map.get("zonedata");
                Map<String, Object> zoneData = zones == null ? Map.of() : (Map<String, Object>) zones;
                sections.add(new Section((String) map.get("description"), zoneData,
                        (Map<String, Object>) map.get("tests")));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return List.copyOf(sections);
    }

    @SuppressWarnings("unchecked")
    private static List<Case> casesOf(Section section) {
        List<Case> cases = new ArrayList<>();
        section.tests().forEach((name, value) -> {
            Map<String, Object> test = (Map<String, Object>) value;
            Object result = test.get("result");
            List<String> results = result instanceof List<?> list
                    ? list.stream().map(r -> r.toString().toLowerCase(Locale.ROOT)).toList()
                    : List.of(result.toString().toLowerCase(Locale.ROOT));
            cases.add(new Case(section, name, test.get("host").toString(), (String) test.get("mailfrom"),
                    (String) test.get("helo"), results));
        });
        return cases;
    }

    /** Loads the suite's zone data into a responder builder. */
    static final class SuiteZones {

        private SuiteZones() {
        }

        @SuppressWarnings("unchecked")
        static DnsResponderBuilder builder(Map<String, Object> zoneData) {
            // The root zone: every name the suite uses is served, and a name without data answers NXDOMAIN.
            DnsResponderBuilder zones = DnsResponder.builder().zone(".");
            for (Map.Entry<String, Object> domain : zoneData.entrySet()) {
                List<Map<String, Object>> entries = new ArrayList<>();
                boolean hasTxt = false;
                for (Object entry : (List<Object>) domain.getValue()) {
                    if ("TIMEOUT".equals(entry)) {
                        zones = zones.dropOtherTypes(domain.getKey());
                    } else {
                        Map<String, Object> map = (Map<String, Object>) entry;
                        hasTxt |= map.containsKey("TXT");
                        entries.add(map);
                    }
                }
                for (Map<String, Object> entry : entries) {
                    zones = add(zones, domain.getKey(), entry, hasTxt);
                }
            }
            return zones;
        }

        @SuppressWarnings("unchecked")
        private static DnsResponderBuilder add(DnsResponderBuilder zones, String name, Map<String, Object> entry,
                                               boolean hasTxt) {
            Map.Entry<String, Object> rr = entry.entrySet().iterator().next();
            Object data = rr.getValue();
            return switch (rr.getKey()) {
                case "A" -> zones.a(name, data.toString());
                case "AAAA" -> zones.aaaa(name, data.toString());
                case "PTR" -> zones.ptr(name, data.toString());
                case "CNAME" -> zones.cname(name, data.toString());
                case "MX" -> {
                    List<Object> mx = (List<Object>) data;
                    String target = mx.get(1).toString();
                    yield zones.mx(name, ((Number) mx.get(0)).intValue(), target.isEmpty() ? "." : target);
                }
                // "NONE": the name has no TXT record, and its SPF record is not copied to one.
                case "TXT" -> "NONE".equals(data) ? zones : zones.txt(name, strings(data));
                // The drivers' duplication of type 99 to TXT, for a name with no TXT of its own.
                case "SPF" -> hasTxt ? zones : zones.txt(name, strings(data));
                default -> throw new IllegalArgumentException("record type not in the suite: " + rr.getKey());
            };
        }

        /** A record's character strings; a list with none is served as one empty string (RDATA needs one). */
        private static String[] strings(Object data) {
            if (data instanceof List<?> list) {
                return list.isEmpty() ? new String[] {""} : list.stream().map(Object::toString).toArray(String[]::new);
            }
            return new String[] {data.toString()};
        }
    }
}
